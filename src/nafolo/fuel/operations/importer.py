"""Importing an operations workbook (.xlsx or CSV folder) onto the ledger, all or nothing.

Every row is checked — cells, references to the network, and against the ledger and the rows
before it in time (a receipt needs its convoy dispatched, a dip the book stock then) — before
anything is written. Any bad row refuses the whole file, listing every bad row with sheet, row,
column and reason; with `skip_invalid` the good rows are imported and the bad ones returned.
Rows already recorded (same document reference and content) are recognised and write nothing.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from nafolo.fuel.network.model import Network
from nafolo.fuel.network.schema import Row
from nafolo.fuel.operations.catalogue import OperationRefusedError
from nafolo.fuel.operations.convoys import dispatch_entries
from nafolo.fuel.operations.inputs import (
    ConvoyDispatch,
    ConvoyEvent,
    Dip,
    Lifting,
    OpeningStock,
    Receipt,
    Withdrawal,
)
from nafolo.fuel.operations.journal import Journal, RecordedMovement
from nafolo.fuel.operations.liftings import lifting_entries
from nafolo.fuel.operations.openings import opening_entries
from nafolo.fuel.operations.service import FuelOperations
from nafolo.fuel.operations.sheets import (
    SHEETS,
    CompartmentRow,
    ConvoyRow,
    ToleranceRow,
    row_time,
)
from nafolo.fuel.operations.tolerance import Tolerances
from nafolo.ledger import EntryDraft, Ledger
from nafolo.ledger.canonical import plain_attributes
from nafolo.workbook import InputError, Problem
from nafolo.workbook.tables import RawSheet, read_raw
from nafolo.workbook.validate import HEADER_ROW, SheetRows, validate_sheet

Progress = Callable[[int, int], None]
DEFAULT_CHUNK = 2_000
_SHEET_ORDER = {s.name: i for i, s in enumerate(SHEETS)}
_LOAD_FIELDS = ("volume_l", "temperature_c", "density_kg_m3", "density_temperature_c")


@dataclass(frozen=True)
class ImportReport:
    """What an import did: operations by sheet, entries written and replayed, rows refused."""

    source: str
    operations: dict[str, int]
    entries_written: int
    entries_replayed: int
    events_stored: int
    rejected: list[Problem] = field(default_factory=list)

    @property
    def rejected_rows(self) -> int:
        return len({(p.sheet, p.row) for p in self.rejected})


@dataclass
class _Operation:
    """One operation of the file: its sheet, spreadsheet rows (first = its own) and input."""

    sheet: str
    rows: list[int]
    at: datetime
    value: BaseModel
    columns: dict[str, tuple[str, int]] = field(default_factory=dict)


def import_operations(
    path: Path,
    ledger: Ledger,
    network: Network,
    *,
    skip_invalid: bool = False,
    actor: str = "import",
    progress: Progress | None = None,
    chunk_size: int = DEFAULT_CHUNK,
) -> ImportReport:
    """Check every row of the workbook at `path`, then write the operations to the ledger.

    Raises `InputError` listing every bad row unless `skip_invalid`, in which case the good rows
    are imported and the report lists the rejected ones. Entries are appended in batches of
    `chunk_size`, each all or nothing; an interrupted import completes when run again.
    """
    sheets, problems, tainted = _read(path)
    tolerances = _tolerances(sheets.get("tolerances"), network, problems)
    service = FuelOperations(ledger, network, tolerances)
    operations = _operations(sheets, actor, problems, tainted)
    journal = Journal(ledger.engine)
    drafts: list[EntryDraft] = []
    events: list[ConvoyEvent] = []
    counts: dict[str, int] = defaultdict(int)
    replayed = 0
    bad_rows = {(p.sheet, p.row) for p in problems}
    for op in sorted(operations, key=lambda o: (o.at, _SHEET_ORDER[o.sheet], o.rows[0])):
        if (op.sheet, op.rows[0]) in bad_rows:
            continue
        try:
            made = _drafts(service, journal, op)
        except OperationRefusedError as error:
            problems += [_problem(op, p.field, p.message) for p in error.problems]
            continue
        conflicts = _conflicts(journal, made)
        if conflicts:
            problems += [_problem(op, "document_ref", c) for c in conflicts]
            continue
        fresh = [d for d in made if d.idempotency_key not in journal.pending]
        recorded = journal.movements(d.idempotency_key for d in fresh if d.idempotency_key)
        replayed += len(recorded)
        new = [d for d in fresh if d.idempotency_key not in recorded]
        journal.add(new)
        drafts += new
        counts[op.sheet] += 1
        if isinstance(op.value, ConvoyEvent):
            events.append(op.value)
    if problems and not skip_invalid:
        raise InputError(problems, source=str(path))
    service.ensure_accounts(drafts)
    total = len(drafts)
    if progress:
        progress(0, total)
    for start in range(0, total, chunk_size):
        ledger.append(drafts[start : start + chunk_size])
        if progress:
            progress(min(start + chunk_size, total), total)
    stored = service.store_events(events)
    return ImportReport(
        source=str(path),
        operations=dict(counts),
        entries_written=total,
        entries_replayed=replayed,
        events_stored=stored,
        rejected=sorted(problems, key=lambda p: (p.sheet, p.row or 0, p.column or "")),
    )


def write_rejections(problems: Sequence[Problem], path: Path) -> None:
    """The rejected rows as CSV: sheet, row, column, reason (UTF-8 with BOM, for Excel)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["sheet", "row", "column", "reason"])
        for p in problems:
            writer.writerow([p.sheet, "" if p.row is None else p.row, p.column or "", p.message])


# ---- reading -----------------------------------------------------------------------------------


def _read(path: Path) -> tuple[dict[str, SheetRows], list[Problem], set[str]]:
    """Every sheet's valid rows, every problem, and the convoys with a refused compartment row.

    Problems that are not a row's (missing or unknown sheet, bad header) are fatal.
    """
    raw = read_raw(path)
    tainted: set[str] = set()
    problems = list(raw.problems)
    found = {name.strip().lower(): sheet for name, sheet in raw.sheets.items()}
    expected = [s.name for s in SHEETS]
    for name, raw_sheet in found.items():
        if name not in expected and name != "readme":
            problems.append(
                Problem(
                    raw_sheet.name, None, None, f"unknown sheet; sheets are: {', '.join(expected)}"
                )
            )
    sheets: dict[str, SheetRows] = {}
    for spec in SHEETS:
        sheet = found.get(spec.name)
        if sheet is None:
            continue
        rows, sheet_problems = validate_sheet(sheet, spec)
        bad = {p.row for p in sheet_problems}
        keep = [(r, n) for r, n in zip(rows.rows, rows.row_numbers, strict=True) if n not in bad]
        sheets[spec.name] = SheetRows(spec.name, [r for r, _ in keep], [n for _, n in keep])
        problems += sheet_problems
        if spec.name == "compartments":
            tainted |= _convoys_of_bad_compartments(sheet, bad)
    fatal = [p for p in problems if p.row is None or p.row == HEADER_ROW]
    if fatal:
        raise InputError(problems, source=str(path))
    return sheets, problems, tainted


def _convoys_of_bad_compartments(sheet: RawSheet, bad: set[int | None]) -> set[str]:
    """Convoys named on refused compartment rows: such a convoy is refused whole."""
    header = [str(c).strip().lower() if c is not None else "" for c in sheet.rows[0][1]]
    if "convoy" not in header:
        return set()
    index = header.index("convoy")
    return {
        str(cells[index]).strip()
        for number, cells in sheet.rows
        if number in bad and index < len(cells) and cells[index] is not None
    }


def _tolerances(sheet: SheetRows | None, network: Network, problems: list[Problem]) -> Tolerances:
    table: dict[str, Decimal] = {}
    contracts = {c.contract for c in network.contracts}
    for row, number in zip(
        sheet.rows if sheet else [], sheet.row_numbers if sheet else [], strict=True
    ):
        assert isinstance(row, ToleranceRow)
        if row.contract not in contracts:
            problems.append(
                Problem("tolerances", number, "contract", f"unknown contract {row.contract!r}")
            )
            continue
        table[row.contract] = _decimal(row.transit_loss_tolerance_pct)
    return Tolerances(transit_pct_by_contract=table)


def _operations(
    sheets: dict[str, SheetRows], actor: str, problems: list[Problem], tainted: set[str]
) -> list[_Operation]:
    """The typed operations of the file; rows that do not make one are added to `problems`."""
    operations: list[_Operation] = []

    def each(name: str) -> list[tuple[Row, int]]:
        sheet = sheets.get(name)
        if sheet is None:
            return []
        return [
            (r, n) for r, n in zip(sheet.rows, sheet.row_numbers, strict=True) if isinstance(r, Row)
        ]

    def build(
        sheet: str, number: int, model: type[BaseModel], values: dict[str, Any]
    ) -> BaseModel | None:
        try:
            return model.model_validate(values)
        except ValidationError as error:
            for e in error.errors():
                column = str(e["loc"][-1]) if e["loc"] else None
                problems.append(Problem(sheet, number, column, e["msg"]))
            return None

    simple: tuple[tuple[str, type[BaseModel]], ...] = (
        ("opening_stocks", OpeningStock),
        ("liftings", Lifting),
        ("withdrawals", Withdrawal),
        ("convoy_events", ConvoyEvent),
    )
    for name, model in simple:
        for row, number in each(name):
            values = _values(row)
            value = build(name, number, model, {**values, "actor": actor})
            if value is not None:
                operations.append(_Operation(name, [number], row_time(name, row), value))
    for name, model in (("receipts", Receipt), ("dips", Dip)):
        for row, number in each(name):
            values = _values(row)
            load = {k: values.pop(k) for k in _LOAD_FIELDS}
            value = build(name, number, model, {**values, "load": load, "actor": actor})
            if value is not None:
                operations.append(_Operation(name, [number], row_time(name, row), value))
    compartments: dict[str, list[tuple[CompartmentRow, int]]] = defaultdict(list)
    for row, number in each("compartments"):
        assert isinstance(row, CompartmentRow)
        compartments[row.convoy].append((row, number))
    convoys = {r.convoy for r, _ in each("convoys") if isinstance(r, ConvoyRow)}
    for convoy, rows in compartments.items():
        if convoy not in convoys:
            for _, number in rows:
                problems.append(
                    Problem(
                        "compartments",
                        number,
                        "convoy",
                        f"convoy {convoy!r} is not in sheet convoys",
                    )
                )
    for row, number in each("convoys"):
        assert isinstance(row, ConvoyRow)
        loaded = compartments.get(row.convoy, [])
        if row.convoy in tainted:
            problems.append(
                Problem(
                    "convoys", number, "convoy", "refused: some of its compartment rows are bad"
                )
            )
            continue
        if not loaded:
            problems.append(Problem("convoys", number, "convoy", "no compartments for this convoy"))
            continue
        items = []
        for c, _ in loaded:
            values = _values(c)
            load = {k: values.pop(k) for k in _LOAD_FIELDS}
            values.pop("convoy")
            items.append({**values, "load": load})
        value = build(
            "convoys",
            number,
            ConvoyDispatch,
            {**_values(row), "compartments": items, "actor": actor},
        )
        if value is not None:
            op = _Operation("convoys", [number] + [n for _, n in loaded], row.dispatched_at, value)
            op.columns = {
                f"compartments[{i}]": ("compartments", n) for i, (_, n) in enumerate(loaded)
            }
            operations.append(op)
    return operations


def _values(row: Row) -> dict[str, Any]:
    values = row.model_dump()
    return {k: _decimal(v) if isinstance(v, float) else v for k, v in values.items()}


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value)).normalize() if value != int(value) else Decimal(int(value))


# ---- checking ----------------------------------------------------------------------------------


def _drafts(service: FuelOperations, journal: Journal, op: _Operation) -> list[EntryDraft]:
    value = op.value
    if isinstance(value, OpeningStock):
        return opening_entries(value, service.catalogue)
    if isinstance(value, Lifting):
        return lifting_entries(value, service.catalogue)
    if isinstance(value, Withdrawal):
        return service.withdrawal_entries(value, journal)
    if isinstance(value, ConvoyDispatch):
        return dispatch_entries(value, service.catalogue)
    if isinstance(value, ConvoyEvent):
        return service.convoy_event_entries(value, journal)
    if isinstance(value, Receipt):
        return service.receipt_entries(value, journal)[0]
    if isinstance(value, Dip):
        if service.recorded_dip(value, journal) is not None:
            return []
        return service.dip_entries(value, journal)[0]
    raise TypeError(type(value).__name__)


def _conflicts(journal: Journal, drafts: list[EntryDraft]) -> list[str]:
    """Why drafts clash with what is recorded or pending under the same idempotency key."""
    keys = [d.idempotency_key for d in drafts if d.idempotency_key]
    known = journal.movements(keys)
    messages = []
    for draft in drafts:
        stored = known.get(draft.idempotency_key or "")
        if stored is not None and not _same(draft, stored):
            where = (
                "earlier in this file" if stored.seq is None else f"as ledger entry {stored.seq}"
            )
            messages.append(
                f"{draft.document_ref!r} is already recorded {where} with different content"
            )
    return messages


def _same(draft: EntryDraft, stored: RecordedMovement) -> bool:
    plain = json.loads(json.dumps(plain_attributes(draft.attributes)))
    return (
        draft.commodity == stored.commodity
        and draft.quantity == stored.quantity
        and draft.from_account == stored.from_account
        and draft.to_account == stored.to_account
        and draft.kind == stored.kind
        and draft.effective_at == stored.effective_at
        and plain == json.loads(json.dumps(plain_attributes(stored.attributes)))
    )


def _problem(op: _Operation, field_path: str, message: str) -> Problem:
    """A service problem (field path) placed on the spreadsheet row and column it came from."""
    head, _, rest = field_path.partition(".")
    sheet, row = op.sheet, op.rows[0]
    if head in op.columns:
        sheet, row = op.columns[head]
        field_path = rest
    column = field_path.split(".")[0] or None
    if column == "load":
        column = next((f for f in _LOAD_FIELDS if f.split("_")[0] in message.lower()), "volume_l")
    return Problem(sheet, row, column, message)
