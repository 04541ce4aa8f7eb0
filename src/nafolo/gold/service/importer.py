"""Importing lots, samples and assays from a workbook (.xlsx or a folder of CSV files).

Sheets: `lots` (required; a lot with scale_id, weighed_at, gross_g and tare_g is also received),
`samples` and `assays` (optional). Every row is checked — cells, references across sheets and to
the store, admission, scale calibration — before anything is written; any bad row refuses the
whole file (`InputError`, each problem with sheet, row and column). With `skip_invalid` the good
rows are imported (a lot's samples and assays go with it) and the report lists the rest. Lots
whose refiner and depositor results are both in are exchanged (settled fineness); those needing
the umpire's result without one are left sampled and listed in `awaiting_umpire`.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.engine import Engine

from nafolo.fuel.network.schema import Row, SheetSpec, column
from nafolo.fuel.operations.inputs import Moment
from nafolo.gold.assays import AssayMethod, AssayResult, SampleRole, UmpireRequiredError
from nafolo.gold.service.config import RefineryConfig
from nafolo.gold.service.errors import GoldRefusedError
from nafolo.gold.service.laboratory import AssayIn, SampleIn, SampleSetIn
from nafolo.gold.service.lots import NewLot, WeighingIn, read_lots, scales
from nafolo.gold.service.refinery import Refinery
from nafolo.workbook import InputError, Problem, write_sheets, write_template
from nafolo.workbook.reader import read_valid_rows

METHODS = {
    "fire_assay": AssayMethod.FIRE_ASSAY,
    "icp_oes": AssayMethod.ICP_OES_BY_DIFFERENCE,
    "other": AssayMethod.OTHER,
}


class LotRow(Row):
    lot_id: str = column("Lot number, unique.", example="L-2026-00001")
    depositor_id: str = column("Registered depositor.", example="DEP-FEKOLA")
    origin_id: str = column(
        "Registered origin (mine or site) of the depositor.", example="OR-FEKOLA"
    )
    arrived_on: date = column("Day the lot arrived.", example="2026-01-05")
    declared_gross_g: Decimal = column("Declared gross weight.", unit="g", example="12500.0")
    declared_au_per_mille: Decimal = column("Declared gold fineness.", unit="‰", example="880")
    declared_ag_per_mille: Decimal = column("Declared silver fineness.", unit="‰", example="95")
    seal_numbers: str = column("Seal numbers, separated by ';'.", example="S-0001;S-0002")
    transport_documents: str = column(
        "Transport documents, separated by ';'.", example="CMR-001", default=""
    )
    export_documents: str = column(
        "Export and tax documents, separated by ';'.", example="EXP-001", default=""
    )
    scale_id: str | None = column("Scale weighed on (blank: not received yet).", default=None)
    weighed_at: Moment | None = column(
        "When weighed (Bamako time = UTC).", example="2026-01-05 09:00", default=None
    )
    gross_g: Decimal | None = column("Gross weight on the scale.", unit="g", default=None)
    tare_g: Decimal | None = column("Tare (container).", unit="g", default=None)


class SampleRow(Row):
    lot_id: str = column("Lot number.", example="L-2026-00001")
    role: SampleRole = column("refiner, depositor or umpire.", example="refiner")
    sample_id: str = column("Sample number, unique.", example="SMP-00001-R")
    seal_number: str = column("Seal number of the sample bag.", example="SS-00001-R")
    sealed_at: Moment | None = column(
        "When sampled and sealed (Bamako time = UTC; blank: the lot's weighing in the file).",
        example="2026-01-05 11:00",
        default=None,
    )


class AssayRow(Row):
    lot_id: str = column("Lot number.", example="L-2026-00001")
    role: SampleRole = column("Whose sample: refiner, depositor or umpire.", example="refiner")
    laboratory: str = column("Laboratory.", example="Laboratoire Sénou")
    method: str = column("fire_assay, icp_oes or other.", example="fire_assay")
    au_replicates_per_mille: str = column(
        "Gold replicates, separated by ';'.", unit="‰", example="880.12;880.20"
    )
    ag_replicates_per_mille: str = column(
        "Silver replicates, separated by ';'.", unit="‰", example="95.1;95.3"
    )
    assayed_at: Moment | None = column(
        "When the laboratory reported (Bamako time = UTC); the exchange is dated at the lot's "
        "latest result. Blank: now.",
        example="2026-01-07 15:00",
        default=None,
    )


SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("lots", LotRow, ("lot_id",), True, "Lots: registration and receipt weighing."),
    SheetSpec("samples", SampleRow, ("sample_id",), False, "Sealed samples, three per lot."),
    SheetSpec("assays", AssayRow, ("lot_id", "role"), False, "Assay results per lot and role."),
)


@dataclass(frozen=True)
class GoldImportReport:
    """What an import stored, by kind, and the rows it refused (with `skip_invalid`)."""

    source: str
    lots: int
    received: int
    samples: int
    assays: int
    exchanged: int
    awaiting_umpire: list[str] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)

    @property
    def rejected_rows(self) -> int:
        return len({(p.sheet, p.row) for p in self.rejected})


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _numbers(text: str) -> list[Decimal]:
    values = []
    for part in _split(text):
        try:
            values.append(Decimal(part))
        except InvalidOperation as error:
            raise ValueError(f"{part!r} is not a number") from error
    if not values:
        raise ValueError("give at least one replicate")
    return values


@dataclass
class _Plan:
    lots: dict[str, tuple[int, NewLot]] = field(default_factory=dict)
    weighings: dict[str, tuple[int, WeighingIn]] = field(default_factory=dict)
    samples: dict[str, dict[SampleRole, tuple[int, SampleRow]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    assays: dict[str, dict[SampleRole, tuple[int, AssayIn]]] = field(
        default_factory=lambda: defaultdict(dict)
    )


def import_gold(
    engine: Engine,
    path: Path,
    *,
    actor: str = "import",
    skip_invalid: bool = False,
    config: RefineryConfig | None = None,
) -> GoldImportReport:
    """Check every row of the file, then register, receive, seal, assay and exchange."""
    refinery = Refinery(engine, config=config)
    sheets, problems = read_valid_rows(Path(path), SHEETS)
    fatal = [p for p in problems if p.row is None or p.row == 1]
    if fatal:
        raise InputError(problems, source=str(path))
    plan = _Plan()
    for model, number in _rows(sheets, "lots"):
        assert isinstance(model, LotRow)
        _lot(model, number, plan, problems, actor)
    for model, number in _rows(sheets, "samples"):
        assert isinstance(model, SampleRow)
        if model.role in plan.samples[model.lot_id]:
            problems.append(Problem("samples", number, "role", f"second {model.role} sample"))
            continue
        plan.samples[model.lot_id][model.role] = (number, model)
    for model, number in _rows(sheets, "assays"):
        assert isinstance(model, AssayRow)
        _assay(model, number, plan, problems)
    _cross_check(refinery, plan, problems)
    if problems and not skip_invalid:
        raise InputError(problems, source=str(path))
    bad = {(p.sheet, p.row) for p in problems}
    bad_lots = {lot for lot, (n, _) in plan.lots.items() if ("lots", n) in bad}
    for lot, by_role in plan.samples.items():
        if lot in bad_lots or any(("samples", n) in bad for n, _ in by_role.values()):
            bad_lots.add(lot)
    rejected = list(problems)
    for lot in sorted(bad_lots):
        for sheet, rows in (
            ("samples", plan.samples.get(lot, {})),
            ("assays", plan.assays.get(lot, {})),
        ):
            for number, _ in rows.values():
                if (sheet, number) not in bad:
                    rejected.append(Problem(sheet, number, "lot_id", f"lot {lot} refused"))
    return _write(refinery, plan, bad_lots, bad, rejected, actor, str(path))


def _rows(sheets: dict[str, Any], name: str) -> list[tuple[BaseModel, int]]:
    sheet = sheets.get(name)
    if sheet is None:
        return []
    return list(zip(sheet.rows, sheet.row_numbers, strict=True))


def _validation(sheet: str, number: int, error: ValidationError, problems: list[Problem]) -> None:
    for e in error.errors():
        column_name = str(e["loc"][0]) if e["loc"] else None
        problems.append(Problem(sheet, number, column_name, e["msg"]))


def _lot(row: LotRow, number: int, plan: _Plan, problems: list[Problem], actor: str) -> None:
    try:
        lot = NewLot(
            lot_id=row.lot_id,
            depositor_id=row.depositor_id,
            origin_id=row.origin_id,
            arrived_on=row.arrived_on,
            declared_gross_g=row.declared_gross_g,
            declared_au_per_mille=row.declared_au_per_mille,
            declared_ag_per_mille=row.declared_ag_per_mille,
            seal_numbers=_split(row.seal_numbers),
            transport_documents=_split(row.transport_documents),
            export_documents=_split(row.export_documents),
        )
    except ValidationError as error:
        _validation("lots", number, error, problems)
        return
    plan.lots[lot.lot_id] = (number, lot)
    weighing = (row.scale_id, row.weighed_at, row.gross_g, row.tare_g)
    if all(v is None for v in weighing):
        return
    if any(v is None for v in weighing):
        problems.append(
            Problem("lots", number, "scale_id", "give scale_id, weighed_at, gross_g and tare_g")
        )
        return
    try:
        plan.weighings[lot.lot_id] = (
            number,
            WeighingIn(
                lot_id=lot.lot_id,
                scale_id=row.scale_id,
                weighed_at=row.weighed_at,
                gross_g=row.gross_g,
                tare_g=row.tare_g,
            ),
        )
    except ValidationError as error:
        _validation("lots", number, error, problems)


def _assay(row: AssayRow, number: int, plan: _Plan, problems: list[Problem]) -> None:
    method = METHODS.get(row.method.strip().lower())
    if method is None:
        problems.append(
            Problem(
                "assays", number, "method", f"one of: {', '.join(METHODS)} (got {row.method!r})"
            )
        )
        return
    try:
        au = _numbers(row.au_replicates_per_mille)
        ag = _numbers(row.ag_replicates_per_mille)
        AssayResult("check", row.laboratory, method, tuple(au), tuple(ag))
        assay = AssayIn(
            lot_id=row.lot_id,
            role=row.role,
            laboratory=row.laboratory,
            method=method,
            au_replicates_per_mille=au,
            ag_replicates_per_mille=ag,
            assayed_at=row.assayed_at,
        )
    except ValidationError as error:
        _validation("assays", number, error, problems)
        return
    except ValueError as error:
        problems.append(Problem("assays", number, "au_replicates_per_mille", str(error)))
        return
    if row.role in plan.assays[row.lot_id]:
        problems.append(Problem("assays", number, "role", f"second {row.role} result"))
        return
    plan.assays[row.lot_id][row.role] = (number, assay)


def _cross_check(refinery: Refinery, plan: _Plan, problems: list[Problem]) -> None:
    """Checks against the store and across sheets, without writing."""
    lots = [lot for _, lot in plan.lots.values()]
    if lots:
        try:
            refinery.lots.register_many(lots, actor="check", check_only=True)
        except GoldRefusedError as error:
            for p in error.problems:
                head, _, rest = p.field.partition("].")
                index = int(head.removeprefix("lots[")) if rest else 0
                column_name = rest or p.field
                number = plan.lots[lots[index].lot_id][0]
                problems.append(Problem("lots", number, column_name, p.message))
    with refinery.engine.connect() as connection:
        calibrations = scales(connection)
        stored = read_lots(connection, list(plan.samples) + list(plan.assays))
    for number, w in plan.weighings.values():
        scale = calibrations.get(w.scale_id)
        day = w.weighed_at.date()
        if scale is None:
            problems.append(Problem("lots", number, "scale_id", f"unknown scale {w.scale_id!r}"))
        elif not scale.calibrated_on <= day <= scale.calibration_valid_until:
            problems.append(
                Problem(
                    "lots",
                    number,
                    "scale_id",
                    f"scale {w.scale_id} calibration valid {scale.calibrated_on} to "
                    f"{scale.calibration_valid_until}, not on {day}",
                )
            )
    for lot_id, by_role in plan.samples.items():
        in_file = lot_id in plan.weighings
        received = stored.get(lot_id) is not None and stored[lot_id].status.value == "received"
        for number, _ in by_role.values():
            if not (in_file or received):
                problems.append(
                    Problem("samples", number, "lot_id", f"lot {lot_id} is not received")
                )
        if len(by_role) != 3:
            for number, _ in by_role.values():
                problems.append(
                    Problem("samples", number, "role", f"lot {lot_id}: give all three samples")
                )
        ids = [s.sample_id for _, s in by_role.values()]
        seals = [s.seal_number for _, s in by_role.values()]
        if len(set(ids)) != len(ids) or len(set(seals)) != len(seals):
            for number, _ in by_role.values():
                problems.append(
                    Problem("samples", number, "sample_id", "sample ids and seals must differ")
                )
    for lot_id, by_role_assays in plan.assays.items():
        held = stored.get(lot_id)
        sampled_in_store = held is not None and held.status.value == "sampled"
        for role, (number, _) in by_role_assays.items():
            if role not in plan.samples.get(lot_id, {}) and not sampled_in_store:
                problems.append(
                    Problem("assays", number, "role", f"lot {lot_id} has no sealed {role} sample")
                )


def _write(
    refinery: Refinery,
    plan: _Plan,
    bad_lots: set[str],
    bad: set[tuple[str, int | None]],
    rejected: list[Problem],
    actor: str,
    source: str,
) -> GoldImportReport:
    lots = [lot for lot_id, (_, lot) in plan.lots.items() if lot_id not in bad_lots]
    if lots:
        refinery.lots.register_many(lots, actor=actor)
    weighings = [w for lot_id, (_, w) in plan.weighings.items() if lot_id not in bad_lots]
    if weighings:
        refinery.lots.receive_many(weighings, actor=actor)
    sets = []
    for lot_id, by_role in plan.samples.items():
        if lot_id in bad_lots or len(by_role) != 3:
            continue
        stated = [s.sealed_at for _, s in by_role.values() if s.sealed_at is not None]
        weighed = plan.weighings.get(lot_id)
        sealed_at = max(stated, default=None) or (weighed[1].weighed_at if weighed else None)
        parts = {
            r: SampleIn(sample_id=s.sample_id, seal_number=s.seal_number)
            for r, (_, s) in by_role.items()
        }
        sets.append(
            SampleSetIn(
                lot_id=lot_id,
                refiner=parts[SampleRole.REFINER],
                depositor=parts[SampleRole.DEPOSITOR],
                umpire=parts[SampleRole.UMPIRE],
                sampled_at=sealed_at,
            )
        )
    if sets:
        refinery.lab.seal_many(sets, actor=actor)
    assays = [
        a
        for lot_id, by_role in plan.assays.items()
        if lot_id not in bad_lots
        for number, a in by_role.values()
        if ("assays", number) not in bad
    ]
    if assays:
        refinery.lab.record_assays(assays, actor=actor)
    ready, waiting = _exchangeable(refinery, {a.lot_id for a in assays})
    for at, group in _by_exchange_time(ready, assays).items():
        refinery.lab.exchange_many(group, actor=actor, at=at)
    return GoldImportReport(
        source=source,
        lots=len(lots),
        received=len(weighings),
        samples=3 * len(sets),
        assays=len(assays),
        exchanged=len(ready),
        awaiting_umpire=waiting,
        rejected=sorted(rejected, key=lambda p: (p.sheet, p.row or 0, p.column or "")),
    )


def _by_exchange_time(
    lot_ids: Sequence[str], assays: Sequence[AssayIn]
) -> dict[datetime | None, list[str]]:
    """Lots grouped by exchange time: the latest `assayed_at` of the lot's results in the file
    (None: now, when the file gives no time)."""
    latest: dict[str, datetime] = {}
    for a in assays:
        if a.assayed_at is not None and (a.lot_id not in latest or a.assayed_at > latest[a.lot_id]):
            latest[a.lot_id] = a.assayed_at
    groups: dict[datetime | None, list[str]] = {}
    for lot_id in lot_ids:
        groups.setdefault(latest.get(lot_id), []).append(lot_id)
    return groups


def _exchangeable(refinery: Refinery, lot_ids: set[str]) -> tuple[list[str], list[str]]:
    """Lots with both parties' results, split into those the exchange settles now and those
    waiting for the umpire."""
    from nafolo.gold.service.laboratory import contract_of, exchange_outcomes, read_assays

    ready: list[str] = []
    waiting: list[str] = []
    with refinery.engine.connect() as connection:
        found = read_lots(connection, sorted(lot_ids))
        results = read_assays(connection, sorted(lot_ids))
        contracts: dict[str, Any] = {}
        for lot_id in sorted(lot_ids):
            lot = found.get(lot_id)
            by_role = {a.role: a for a in results.get(lot_id, [])}
            if lot is None or lot.status.value != "sampled":
                continue
            if SampleRole.REFINER not in by_role or SampleRole.DEPOSITOR not in by_role:
                continue
            try:
                exchange_outcomes(by_role, contract_of(connection, lot.depositor_id, contracts))
            except UmpireRequiredError:
                waiting.append(lot_id)
                continue
            ready.append(lot_id)
    return ready, waiting


def write_rejections(problems: Sequence[Problem], path: Path) -> None:
    """The rejected rows as CSV: sheet, row, column, reason (UTF-8 with BOM, for Excel)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["sheet", "row", "column", "reason"])
        for p in problems:
            writer.writerow([p.sheet, "" if p.row is None else p.row, p.column or "", p.message])


def write_gold_template(path: Path) -> None:
    """A blank gold import workbook (.xlsx) or CSV folder with README and example rows."""
    write_template(Path(path), SHEETS, "Nafolo — gold lots, samples and assays")


def example_rows(lots: int = 3, start: datetime | None = None) -> dict[str, list[BaseModel]]:
    """The shipped example's rows: `lots` lots of depositor DEP-EXAMPLE, origin OR-EXAMPLE,
    weighed on scale SC-1, sampled and assayed by both parties within the splitting limit."""
    moment = start or datetime(2026, 1, 5, 9, 0)
    rows: dict[str, list[BaseModel]] = {"lots": [], "samples": [], "assays": []}
    for index in range(1, lots + 1):
        lot_id = f"L-EX-{index:04d}"
        gross = Decimal(10_000 + 500 * index)
        rows["lots"].append(
            LotRow(
                lot_id=lot_id,
                depositor_id="DEP-EXAMPLE",
                origin_id="OR-EXAMPLE",
                arrived_on=moment.date(),
                declared_gross_g=gross,
                declared_au_per_mille=Decimal(880),
                declared_ag_per_mille=Decimal(95),
                seal_numbers=f"S-{index:04d}",
                transport_documents=f"CMR-{index:04d}",
                export_documents="",
                scale_id="SC-1",
                weighed_at=moment,
                gross_g=gross + Decimal(250),
                tare_g=Decimal(250),
            )
        )
        for role in SampleRole:
            rows["samples"].append(
                SampleRow(
                    lot_id=lot_id,
                    role=role,
                    sample_id=f"SMP-{index:04d}-{role.value[0].upper()}",
                    seal_number=f"SS-{index:04d}-{role.value[0].upper()}",
                    sealed_at=moment + timedelta(hours=2),
                )
            )
        for role, au in ((SampleRole.REFINER, "880.10;880.20"), (SampleRole.DEPOSITOR, "880.30")):
            rows["assays"].append(
                AssayRow(
                    lot_id=lot_id,
                    role=role,
                    laboratory="Laboratoire Sénou" if role is SampleRole.REFINER else "Lab client",
                    method="fire_assay",
                    au_replicates_per_mille=au,
                    ag_replicates_per_mille="95.0;95.2",
                    assayed_at=moment + timedelta(days=2),
                )
            )
    return rows


def write_gold_example(path: Path, lots: int = 3) -> None:
    """The example workbook (.xlsx) or CSV folder (see `example_rows`); times are written as
    Bamako time (UTC) without a zone, as Excel has none."""
    rows = example_rows(lots)
    rows = {name: [_bamako_time(r) for r in sheet] for name, sheet in rows.items()}
    write_sheets(Path(path), SHEETS, rows)


def _bamako_time(row: BaseModel) -> BaseModel:
    update = {
        name: value.astimezone(UTC).replace(tzinfo=None)
        for name, value in row
        if isinstance(value, datetime) and value.tzinfo is not None
    }
    return row.model_copy(update=update) if update else row
