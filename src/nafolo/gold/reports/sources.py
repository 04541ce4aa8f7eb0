"""Reading the rows the report builders take from the refinery services (the only I/O of the
reports): a depositor's metal movements, lots received and settled with their origins, bars cast
with their origin shares (backward genealogy), and due-diligence decisions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from nafolo.gold.diligence import Decision, MiningScale
from nafolo.gold.reports.annex import AnnexReceipt, DecisionTaken, origin_annex
from nafolo.gold.reports.production import (
    BarShare,
    LotReceived,
    LotSettled,
    OriginKey,
    monthly_production,
)
from nafolo.gold.reports.statement import MetalMovement, metal_account_statement
from nafolo.gold.reports.table import Period, ReportTable
from nafolo.measurement.precious import grams_to_troy_oz

if TYPE_CHECKING:
    from nafolo.gold.service import Refinery
    from nafolo.gold.service.lots import LotOut

PAGE = 1000
ZERO = Decimal(0)
_DESCRIPTION = {
    "settlement": "settlement of lot",
    "sale": "sale",
    "return": "return as bars",
}


@dataclass(frozen=True, slots=True)
class StatementRows:
    """What a metal-account statement is built from."""

    depositor_id: str
    depositor_name: str
    opening_au_fine_oz: Decimal
    opening_ag_fine_oz: Decimal
    movements: list[MetalMovement]


def statement_rows(refinery: Refinery, depositor_id: str, period: Period) -> StatementRows:
    """The depositor's opening balances and its movements in the period; a settlement's Au and
    Ag entries (same day, kind and document) make one movement."""
    depositor = refinery.depositors.get(depositor_id)
    found = refinery.settlements.statement(depositor_id, period.start, period.end)
    account = f"METAL:{depositor_id}"
    merged: dict[tuple[date, str, str], dict[str, Decimal]] = {}
    for entry in sorted(found.movements, key=lambda e: e.seq):
        sign = 1 if entry.to_account == account else -1
        key = (entry.effective_at.date(), entry.kind, entry.document_ref or f"#{entry.seq}")
        metals = merged.setdefault(key, {"AU": ZERO, "AG": ZERO})
        metals[entry.commodity] = metals.get(entry.commodity, ZERO) + sign * entry.quantity_oz
    movements = [
        MetalMovement(
            on=day,
            description=_DESCRIPTION.get(kind, kind.replace("_", " ")),
            au_fine_oz=metals["AU"],
            ag_fine_oz=metals["AG"],
            lot=ref if kind == "settlement" else None,
            bar=_returned_bars(refinery, ref) if kind == "return" else None,
            reference=ref,
        )
        for (day, kind, ref), metals in merged.items()
    ]
    opening = {line.metal: line.opening_oz for line in found.metals}
    return StatementRows(
        depositor_id,
        depositor.name,
        opening.get("AU", ZERO),
        opening.get("AG", ZERO),
        movements,
    )


def _returned_bars(refinery: Refinery, shipment_id: str) -> str | None:
    """The bars a return released (its shipment), as listed on the statement."""
    from nafolo.gold.service.errors import GoldNotFoundError

    try:
        return ", ".join(refinery.vault.shipment(shipment_id).bar_ids)
    except GoldNotFoundError:
        return None


def _all_lots(refinery: Refinery) -> Iterator[LotOut]:
    offset = 0
    while True:
        page = refinery.lots.all(limit=PAGE, offset=offset)
        yield from page
        if len(page) < PAGE:
            return
        offset += PAGE


def _day(text: str) -> date:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).date()


@dataclass(frozen=True, slots=True)
class _Origin:
    key: OriginKey
    cahra: bool


def _origins(refinery: Refinery) -> dict[str, _Origin]:
    return {
        o.origin_id: _Origin(OriginKey(o.country, o.region, MiningScale(o.scale)), o.cahra)
        for d in refinery.depositors.all()
        for o in d.origins
    }


def _event_days(refinery: Refinery, events: tuple[str, ...]) -> dict[str, dict[str, date]]:
    """Per lot, the first day of each of `events` in its chain of custody: one read of the
    insert-only custody table (the service offers the events lot by lot only)."""
    import sqlalchemy as sa

    from nafolo.store.gold_tables import custody_events as table

    query = (
        sa.select(table.c.lot_id, table.c.event, sa.func.min(table.c.at))
        .where(table.c.event.in_(events))
        .group_by(table.c.lot_id, table.c.event)
    )
    days: dict[str, dict[str, date]] = {}
    with refinery.engine.connect() as connection:
        for lot_id, event, at in connection.execute(query):
            days.setdefault(lot_id, {})[event] = _day(at)
    return days


def _lot_fine_au_oz(lot: LotOut) -> Decimal:
    """Contained fine Au: from the settled assay, else the declaration (net or declared weight)."""
    if lot.fine_au_oz is not None:
        return lot.fine_au_oz
    grams = lot.net_g if lot.net_g is not None else lot.declared_gross_g
    return grams_to_troy_oz(grams * lot.declared_au_per_mille / 1000)


@dataclass(frozen=True, slots=True)
class ProductionRows:
    received: list[LotReceived]
    settled: list[LotSettled]
    bars: list[BarShare]


def production_rows(refinery: Refinery, period: Period) -> ProductionRows:
    """Lots received and settled, and bars cast with their origin shares, in the period."""
    origins = _origins(refinery)
    received: list[LotReceived] = []
    settled: list[LotSettled] = []
    days = _event_days(refinery, ("received", "settled"))
    for lot in _all_lots(refinery):
        if lot.net_g is None:
            continue
        origin = origins[lot.origin_id].key
        events = days.get(lot.lot_id, {})
        on = events.get("received")
        if on is not None and on in period:
            received.append(LotReceived(lot.lot_id, on, origin, lot.net_g))
        settled_on = events.get("settled")
        if settled_on is not None and settled_on in period and lot.fine_au_oz is not None:
            settled.append(LotSettled(lot.lot_id, settled_on, origin, lot.fine_au_oz))
    shares: list[BarShare] = []
    for bar in refinery.vault.bars(limit=10**9, offset=0):
        cast_on = bar.cast_at.date() if isinstance(bar.cast_at, datetime) else _day(bar.cast_at)
        if cast_on not in period:
            continue
        trace = refinery.genealogy.backward(bar.bar_id)
        for o in trace.origins:
            key = OriginKey(o.country, o.region, MiningScale(o.scale))
            shares.append(BarShare(bar.bar_id, cast_on, key, o.fine_au_oz))
    return ProductionRows(received, settled, shares)


@dataclass(frozen=True, slots=True)
class AnnexRows:
    receipts: list[AnnexReceipt]
    decisions: list[DecisionTaken]
    estimated_lots: int
    """Lots whose fine gold is estimated from the declaration (not yet assayed)."""


def annex_rows(refinery: Refinery, period: Period) -> AnnexRows:
    """Lots received in the period with their fine gold, and every decision taken in it."""
    origins = _origins(refinery)
    receipts: list[AnnexReceipt] = []
    estimated = 0
    days = _event_days(refinery, ("received",))
    for lot in _all_lots(refinery):
        if lot.net_g is None:
            continue
        on = days.get(lot.lot_id, {}).get("received")
        if on is None or on not in period:
            continue
        origin = origins[lot.origin_id]
        estimated += lot.fine_au_oz is None
        receipts.append(
            AnnexReceipt(
                lot.lot_id,
                on,
                lot.depositor_id,
                origin.key.country,
                origin.key.scale,
                origin.cahra,
                _lot_fine_au_oz(lot),
            )
        )
    decisions = [
        DecisionTaken(d.depositor_id, a.assessed_on, Decision(a.decision))
        for d in refinery.depositors.all()
        for a in refinery.depositors.history(d.depositor_id)
        if a.assessed_on in period
    ]
    return AnnexRows(receipts, decisions, estimated)


def build_statement(refinery: Refinery, depositor_id: str, period: Period) -> ReportTable:
    """The depositor's metal-account statement over the period."""
    rows = statement_rows(refinery, depositor_id, period)
    return metal_account_statement(
        rows.depositor_id,
        rows.depositor_name,
        rows.movements,
        period,
        opening_au_fine_oz=rows.opening_au_fine_oz,
        opening_ag_fine_oz=rows.opening_ag_fine_oz,
    )


def build_production(refinery: Refinery, period: Period) -> ReportTable:
    """Production by origin over the period (a month, usually)."""
    rows = production_rows(refinery, period)
    return monthly_production(rows.received, rows.settled, rows.bars, period)


def build_origin_annex(refinery: Refinery, period: Period) -> ReportTable:
    """The country-of-origin annex over the period (a year, usually)."""
    rows = annex_rows(refinery, period)
    table = origin_annex(rows.receipts, rows.decisions, period)
    if rows.estimated_lots:
        note = (
            f"{rows.estimated_lots} lot(s) not yet assayed: fine gold estimated from the "
            "declared fineness."
        )
        table = table.model_copy(update={"notes": [*table.notes, note]})
    return table
