"""A period's inputs, read from the refinery services (and this package's stocktakes) or from a
workbook with sheets ``check_in``, ``check_out``, ``stocktakes`` (and optional ``transfers``).

From the refinery (`nafolo.gold.service` public reads only):

* **check-in** — lots whose settlement (custody event ``settled``) falls in the period: fine Au as
  settled, σ from the weighing and the settled assay (`Uncertainties`), into melting;
* **check-out** — gold bars cast in the period (σ 0: their stated fine weight; the flowsheet uses
  the 0.001 oz rounding floor), from electrolysis (Wohlwill routes) or chlorination (Miller alone,
  aqua regia); silver by-products recorded on a batch leave chlorination;
* **transfers** — residues (slag, sludge, sweeps, filters, other) recorded in the period go from
  the unit that produced them to recovery, measured with a relative σ (by-product sampling is
  the weak point); the main flow (melting → chlorination → electrolysis) and recovered gold back
  to melting are not measured;
* **stocktakes** — this period's counts are the closing inventory, the previous period's the
  opening one; a unit without a count counts 0 and a note says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from nafolo.fuel.network.schema import Row, SheetSpec, column
from nafolo.gold.metal_balance.model import (
    Output,
    OutputKind,
    PeriodInputs,
    Receipt,
    Stocktake,
    Transfer,
    Unit,
    check_period,
    to_moz,
)
from nafolo.gold.metal_balance.period import receipt_sd_oz

if TYPE_CHECKING:
    from nafolo.gold.metal_balance.store import MetalBalanceStore
    from nafolo.gold.service import Refinery
    from nafolo.gold.service.lots import LotOut
    from nafolo.gold.service.vault import BarOut
    from nafolo.workbook import Problem

T = TypeVar("T", Receipt, Output, Transfer)

PAGE = 1000
SETTLED = frozenset({"settled", "in_batch", "refined"})
"""Lot statuses reached only through settlement."""


@dataclass(frozen=True)
class Uncertainties:
    """Standard uncertainties (1 σ) assumed for what the services store without one."""

    weighing_sd_g: Decimal = Decimal("0.1")
    """A receipt's net weight (a 0.1 g doré scale)."""
    assay_sd_per_mille: Decimal = Decimal("0.1")
    """The settled Au assay (fire assay; Good Delivery proficiency ±0.15 ‰)."""
    residue_relative_sd: Decimal = Decimal("0.05")
    """A residue's fine gold, relative (sampling of slags and sludges)."""


def previous_period(period: str) -> str:
    year, month = (int(p) for p in check_period(period).split("-"))
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


RESIDUE_UNIT = {
    "slag": Unit.CHLORINATION,
    "sludge": Unit.ELECTROLYSIS,
    "filters": Unit.ELECTROLYSIS,
    "sweeps": Unit.MELTING,
    "other": Unit.MELTING,
}
MAIN_FLOW = (
    Transfer(name="doré to chlorination", source=Unit.MELTING, target=Unit.CHLORINATION),
    Transfer(
        name="Miller gold to electrolysis", source=Unit.CHLORINATION, target=Unit.ELECTROLYSIS
    ),
    Transfer(name="recovered gold to melting", source=Unit.RECOVERY, target=Unit.MELTING),
)


def _counts(
    store: MetalBalanceStore, period: str, label: str, notes: list[str]
) -> tuple[Stocktake, ...]:
    counts = tuple(r.as_stocktake() for r in store.stocktakes(period))
    missing = [u.value for u in Unit if u not in {c.unit for c in counts}]
    if missing:
        notes.append(f"{label} stocktake ({period}) missing for {', '.join(missing)}: counted 0")
    return counts


def inputs_from_refinery(
    refinery: Refinery,
    store: MetalBalanceStore,
    period: str,
    *,
    uncertainties: Uncertainties | None = None,
) -> PeriodInputs:
    """The period's check-in, check-out, transfers and stocktakes from the services' store."""
    from nafolo.gold.service.common import CustodyEvent
    from nafolo.gold.service.refining import Route

    check_period(period)
    u = uncertainties or Uncertainties()
    receipts = []
    for lot in _all_lots(refinery):
        if lot.fine_au_oz is None or lot.net_g is None or lot.status.value not in SETTLED:
            continue
        settled = [e for e in refinery.lots.custody(lot.lot_id) if e.event is CustodyEvent.SETTLED]
        if not settled or not settled[-1].at.startswith(period):
            continue
        receipts.append(
            Receipt(
                lot_id=lot.lot_id,
                fine_oz=lot.fine_au_oz,
                sd_oz=receipt_sd_oz(
                    lot.fine_au_oz,
                    lot.net_g,
                    u.weighing_sd_g,
                    lot.settled_au_per_mille or Decimal(0),
                    u.assay_sd_per_mille,
                ),
            )
        )
    outputs: list[Output] = []
    transfers = list(MAIN_FLOW)
    batches = refinery.refining.all()
    bar_unit = {
        b.batch_id: Unit.ELECTROLYSIS
        if b.route in (Route.MILLER_WOHLWILL, Route.WOHLWILL)
        else Unit.CHLORINATION
        for b in batches
    }
    for bar in _all_bars(refinery):
        if bar.metal == "AU" and bar.cast_at.startswith(period):
            outputs.append(
                Output(
                    item_id=bar.bar_id,
                    kind=OutputKind.BAR,
                    fine_oz=bar.fine_oz,
                    sd_oz=Decimal(0),
                    unit=bar_unit.get(bar.batch_id, Unit.ELECTROLYSIS),
                )
            )
    for batch in batches:
        for residue in batch.residues:
            when = (
                str(residue.entries[0].effective_at) if residue.entries else str(batch.planned_on)
            )
            if not when.startswith(period) or residue.fine_au_oz == 0:
                continue
            sd = to_moz(residue.fine_au_oz * u.residue_relative_sd)
            if residue.kind.value == "silver":
                outputs.append(
                    Output(
                        item_id=residue.residue_id,
                        kind=OutputKind.BY_PRODUCT,
                        fine_oz=residue.fine_au_oz,
                        sd_oz=sd,
                        unit=Unit.CHLORINATION,
                    )
                )
                continue
            transfers.append(
                Transfer(
                    name=f"{residue.kind.value} {residue.residue_id}",
                    source=RESIDUE_UNIT.get(residue.kind.value, Unit.MELTING),
                    target=Unit.RECOVERY,
                    fine_oz=residue.fine_au_oz,
                    sd_oz=sd,
                )
            )
    notes: list[str] = []
    opening = _counts(store, previous_period(period), "opening", notes)
    closing = _counts(store, period, "closing", notes)
    return PeriodInputs(
        period=period,
        receipts=tuple(receipts),
        outputs=tuple(outputs),
        opening=opening,
        closing=closing,
        transfers=tuple(transfers),
        notes=tuple(notes),
    )


def _all_lots(refinery: Refinery) -> Iterator[LotOut]:
    offset = 0
    while True:
        page = refinery.lots.all(limit=PAGE, offset=offset)
        yield from page
        if len(page) < PAGE:
            return
        offset += PAGE


def _all_bars(refinery: Refinery) -> Iterator[BarOut]:
    offset = 0
    while True:
        page = refinery.vault.bars(limit=PAGE, offset=offset)
        yield from page
        if len(page) < PAGE:
            return
        offset += PAGE


# ---- workbook -----------------------------------------------------------------------------------


class CheckInRow(Row):
    lot_id: str = column("Lot (settled receipt).", example="L-2026-00001")
    fine_oz: Decimal = column("Settled fine gold.", unit="oz", example="1250.000", ge=0)
    sd_oz: Decimal = column("Its standard uncertainty (1 σ).", unit="oz", example="0.150", ge=0)
    unit: Unit = column("Unit it enters.", example="melting", default=Unit.MELTING)


class CheckOutRow(Row):
    item_id: str = column("Bar, by-product or residue shipped.", example="SENOU-2026-A00001")
    kind: OutputKind = column("bar, by_product or residue.", example="bar")
    fine_oz: Decimal = column("Fine gold.", unit="oz", example="400.125", ge=0)
    sd_oz: Decimal = column("Its standard uncertainty (1 σ).", unit="oz", example="0", ge=0)
    unit: Unit = column("Unit it leaves.", example="electrolysis")


class When(StrEnum):
    OPENING = "opening"
    CLOSING = "closing"


class StocktakeRow(Row):
    when: When = column("opening or closing.", example="closing")
    unit: Unit = column("Unit counted.", example="electrolysis")
    fine_oz: Decimal = column("In-process fine gold counted.", unit="oz", example="3200", ge=0)
    sd_oz: Decimal = column("Its standard uncertainty (1 σ).", unit="oz", example="4", ge=0)


class TransferRow(Row):
    name: str = column("Name of the transfer.", example="chloride slag")
    source: Unit = column("Unit it leaves.", example="chlorination")
    target: Unit = column("Unit it enters.", example="recovery")
    fine_oz: Decimal | None = column("Fine gold (blank: unmeasured).", unit="oz", default=None)
    sd_oz: Decimal | None = column("Its standard uncertainty (1 σ).", unit="oz", default=None)


SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("check_in", CheckInRow, ("lot_id",), True, "Settled receipts of the period."),
    SheetSpec("check_out", CheckOutRow, ("item_id",), True, "Bars, by-products, residues out."),
    SheetSpec("stocktakes", StocktakeRow, ("when", "unit"), True, "In-process counts."),
    SheetSpec("transfers", TransferRow, ("name",), False, "Transfers between units."),
)


def inputs_from_workbook(path: Path, period: str) -> PeriodInputs:
    """The period's inputs from a workbook (.xlsx or a folder of CSV); every bad row is reported
    with its sheet, row and column (`nafolo.workbook.InputError`), nothing half-read."""
    from pydantic import ValidationError

    from nafolo.workbook import InputError
    from nafolo.workbook.reader import read_valid_rows

    check_period(period)
    sheets, problems = read_valid_rows(path, SHEETS)
    opening: list[Stocktake] = []
    closing: list[Stocktake] = []
    for row, number in _numbered(sheets["stocktakes"]):
        assert isinstance(row, StocktakeRow)
        target = opening if row.when is When.OPENING else closing
        try:
            target.append(Stocktake(unit=row.unit, fine_oz=row.fine_oz, sd_oz=row.sd_oz))
        except ValidationError as error:
            problems += _problems("stocktakes", number, error)
    receipts = _build(sheets["check_in"], "check_in", Receipt, problems)
    outputs = _build(sheets["check_out"], "check_out", Output, problems)
    transfers = _build(sheets["transfers"], "transfers", Transfer, problems)
    if problems:
        raise InputError(problems, source=str(path))
    return PeriodInputs(
        period=period,
        receipts=tuple(receipts),
        outputs=tuple(outputs),
        opening=tuple(opening),
        closing=tuple(closing),
        transfers=tuple(transfers),
    )


def _numbered(sheet: object) -> Iterator[tuple[object, int]]:
    rows = getattr(sheet, "rows", [])
    numbers = getattr(sheet, "row_numbers", [])
    yield from zip(rows, numbers, strict=True)


def _build(sheet: object, name: str, model: type[T], problems: list[Problem]) -> list[T]:
    from pydantic import BaseModel, ValidationError

    built = []
    for row, number in _numbered(sheet):
        assert isinstance(row, BaseModel)
        try:
            built.append(model.model_validate(row.model_dump()))
        except ValidationError as error:
            problems += _problems(name, number, error)
    return built


def _problems(sheet: str, row: int, error: object) -> list[Problem]:
    from nafolo.workbook import Problem

    errors: list[Any] = getattr(error, "errors", list)()
    return [
        Problem(sheet, row, ".".join(str(p) for p in e["loc"]) or None, e["msg"]) for e in errors
    ]


def workbook_specs() -> tuple[SheetSpec, ...]:
    """The sheets the workbook input expects (for templates)."""
    return SHEETS
