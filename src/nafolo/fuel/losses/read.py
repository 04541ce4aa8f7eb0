"""A period's legs, dips and tank movements read from the ledger (the package's only I/O)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from nafolo.fuel.losses.model import DipReading, PeriodMovements, TankMovement, TransitLeg
from nafolo.fuel.operations import accounts
from nafolo.fuel.operations.dips import DIP_GAIN, DIP_LOSS
from nafolo.fuel.operations.openings import KIND as OPENING_STOCK
from nafolo.fuel.operations.receipts import RECEIPT
from nafolo.fuel.operations.withdrawals import KIND as WITHDRAWAL
from nafolo.ledger import Entry, Ledger

PAGE = 10_000


def period_entries(ledger: Ledger, kind: str, start: datetime, end: datetime) -> Iterator[Entry]:
    """Fuel entries of one kind effective in [start, end), in seq order, page by page.

    Kinds such as `receipt` are shared with the gold refinery: only fuel commodities are kept.
    """
    fuel = {c.code for c in ledger.commodities() if c.domain == "fuel"}
    after: int | None = None
    while True:
        page = ledger.entries(
            kind=kind, effective_from=start, effective_until=end, after_seq=after, limit=PAGE
        )
        yield from (e for e in page if e.commodity in fuel)
        if len(page) < PAGE:
            return
        after = page[-1].seq


def _t(value: object) -> float:
    return float(Decimal(str(value)))


def read_period_movements(ledger: Ledger, start: datetime, end: datetime) -> PeriodMovements:
    """Legs received, dips taken, withdrawals and opening stocks booked in [start, end)."""
    legs = []
    for e in period_entries(ledger, RECEIPT, start, end):
        a = e.attributes
        legs.append(
            TransitLeg(
                convoy=str(a["convoy"]),
                truck=str(a["truck"]),
                compartment=int(str(a["compartment"])),
                corridor=str(a["corridor"]),
                carrier=str(a.get("carrier") or ""),
                contract=str(a["contract"]),
                product=e.commodity,
                depot=str(a["depot"]),
                received_at=e.effective_at,
                dispatched_t=_t(a["dispatched_t"]),
                received_t=_t(a["received_t"]),
                tolerance_pct=_t(a["tolerance_pct"]),
            )
        )
    dips = []
    for kind in (DIP_LOSS, DIP_GAIN):
        for e in period_entries(ledger, kind, start, end):
            a = e.attributes
            dips.append(
                DipReading(
                    depot=str(a["depot"]),
                    product=e.commodity,
                    dipped_at=e.effective_at,
                    book_t=_t(a["book_t"]),
                    physical_t=_t(a["physical_t"]),
                    tolerance_pct=_t(a["tolerance_pct"]),
                    document_ref=e.document_ref or f"#{e.seq}",
                )
            )
    moves = []
    for kind, entering in ((WITHDRAWAL, False), (OPENING_STOCK, True)):
        for e in period_entries(ledger, kind, start, end):
            depot = accounts.code_of(e.to_account if entering else e.from_account, "DEPOT:")
            if depot is None:
                continue
            moves.append(
                TankMovement(depot, e.commodity, e.effective_at, float(e.quantity), entering)
            )
    dips.sort(key=lambda d: (d.dipped_at, d.depot, d.product))
    return PeriodMovements(tuple(legs), tuple(dips), tuple(moves))
