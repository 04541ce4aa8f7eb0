"""Plan versus actual by week: a plan written by `nafolo fuel plan --out DIR` against the ledger.

Four flows are compared, each in tonnes weight in air per plan week (weeks start on the plan's
`week_start` dates, Bamako time = UTC):

| measure    | plan file (column)            | place    | ledger entries     |
|------------|-------------------------------|----------|--------------------|
| lifted     | lifts.csv (lifted_t)          | port     | lifting → PORT     |
| dispatched | shipments.csv (shipped_t)     | corridor | dispatch → TRANSIT |
| received   | depot_stocks.csv (received_t) | depot    | receipt → DEPOT    |
| withdrawn  | deliveries.csv (delivered_t)  | depot    | withdrawal ← DEPOT |
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict

from nafolo.fuel.operations import accounts
from nafolo.ledger import Ledger
from nafolo.ledger.canonical import format_timestamp, parse_timestamp
from nafolo.store import commodities, ledger_entries
from nafolo.workbook import InputError, Problem


@dataclass(frozen=True)
class _Flow:
    measure: str
    file: str
    place_column: str
    value_column: str
    kind: str


FLOWS = (
    _Flow("lifted", "lifts.csv", "port", "lifted_t", "lifting"),
    _Flow("dispatched", "shipments.csv", "corridor", "shipped_t", "dispatch"),
    _Flow("received", "depot_stocks.csv", "depot", "received_t", "receipt"),
    _Flow("withdrawn", "deliveries.csv", "depot", "delivered_t", "withdrawal"),
)

Key = tuple[str, str, str, int]  # measure, place, product, week


class PlanVsActualRow(BaseModel):
    """One flow, place, product and week: planned and actual tonnes (weight in air)."""

    model_config = ConfigDict(frozen=True)

    measure: str
    place: str
    product: str
    week: int
    week_start: date
    planned_t: float
    actual_t: Decimal

    @property
    def difference_t(self) -> float:
        return float(self.actual_t) - self.planned_t


@dataclass(frozen=True)
class ImportedPlan:
    """A plan's weekly flows read from its folder."""

    week_start: dict[int, date]
    planned_t: dict[Key, float]


def read_plan(folder: Path) -> ImportedPlan:
    """The plan's weekly flows from the CSV files `nafolo fuel plan --out` writes.

    Raises InputError naming the file, row and column of anything missing or unreadable.
    """
    problems: list[Problem] = []
    week_start: dict[int, date] = {}
    planned: dict[Key, float] = defaultdict(float)
    for flow in FLOWS:
        path = folder / flow.file
        if not path.is_file():
            problems.append(Problem(flow.file, None, None, f"not found in {folder}"))
            continue
        with path.open(encoding="utf-8-sig", newline="") as stream:
            reader = csv.DictReader(stream)
            needed = (flow.place_column, "product", "week", "week_start", flow.value_column)
            missing = [c for c in needed if c not in (reader.fieldnames or [])]
            if missing:
                problems.append(Problem(flow.file, 1, missing[0], "missing column"))
                continue
            for number, row in enumerate(reader, 2):
                try:
                    week = int(row["week"])
                    week_start[week] = date.fromisoformat(row["week_start"][:10])
                    value = float(row[flow.value_column])
                except ValueError as error:
                    problems.append(Problem(flow.file, number, None, str(error)))
                    continue
                planned[(flow.measure, row[flow.place_column], row["product"], week)] += value
    if problems:
        raise InputError(problems, source=str(folder))
    return ImportedPlan(week_start, dict(planned))


def plan_vs_actual(ledger: Ledger, plan: ImportedPlan) -> list[PlanVsActualRow]:
    """Planned against actual tonnes per flow, place, product and plan week."""
    if not plan.week_start:
        return []
    weeks = sorted(plan.week_start.items(), key=lambda item: item[1])
    first = datetime.combine(weeks[0][1], datetime.min.time(), UTC)
    end = datetime.combine(weeks[-1][1], datetime.min.time(), UTC) + timedelta(days=7)
    actual = _actual(ledger, first, end, weeks)
    keys = sorted(set(plan.planned_t) | set(actual))
    return [
        PlanVsActualRow(
            measure=measure,
            place=place,
            product=product,
            week=week,
            week_start=plan.week_start[week],
            planned_t=plan.planned_t.get((measure, place, product, week), 0.0),
            actual_t=actual.get((measure, place, product, week), Decimal(0)),
        )
        for measure, place, product, week in keys
    ]


def _actual(
    ledger: Ledger, first: datetime, end: datetime, weeks: list[tuple[int, date]]
) -> dict[Key, Decimal]:
    table = ledger_entries
    by_kind = {f.kind: f.measure for f in FLOWS}
    query = (
        sa.select(
            table.c.kind,
            table.c.from_account,
            table.c.to_account,
            table.c.commodity,
            table.c.effective_at,
            table.c.quantity_minor,
            commodities.c.scale,
        )
        .join(commodities, commodities.c.code == table.c.commodity)
        .where(
            table.c.kind.in_(list(by_kind)),
            table.c.effective_at >= format_timestamp(first),
            table.c.effective_at < format_timestamp(end),
        )
    )
    actual: dict[Key, Decimal] = defaultdict(Decimal)
    with ledger.engine.connect() as connection:
        for row in connection.execute(query):
            day = parse_timestamp(row.effective_at).date()
            week = next((w for w, start in reversed(weeks) if start <= day), None)
            place = _place(row.kind, row.from_account, row.to_account)
            if week is None or place is None:
                continue
            tonnes = Decimal(int(row.quantity_minor)).scaleb(-row.scale)
            actual[(by_kind[row.kind], place, row.commodity, week)] += tonnes
    return dict(actual)


def _place(kind: str, source: str, target: str) -> str | None:
    if kind == "lifting":
        return accounts.code_of(target, "PORT:")
    if kind == "dispatch":
        found = accounts.convoy_of_transit(target)
        return found[0] if found else None
    if kind == "receipt":
        return accounts.code_of(target, "DEPOT:")
    return accounts.code_of(source, "DEPOT:")
