"""The refinery-monthly report's data, read from the gold services (nafolo.gold.service) and the
ledger's gold accounts for one calendar month. Only `assemble_refinery_month` does I/O.

Metal balance of the refinery (fine gold, troy oz): inventory = INTAKE + PROCESS:* + RESIDUE:* +
VAULT:*; opening and closing are its ledger balances at the month's bounds; receipts are what
entered it from outside (lots, after assay exchange), shipments what left it for SHIPPED:*,
losses what went to LOSS:REFINING. The ledger conserves metal, so opening + receipts − shipments −
losses = closing exactly; the unaccounted line is the stock-taking difference of the batches
planned in the month (their closing balance), which is what a metal accountant investigates.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.engine import Engine

from nafolo.gold.diligence import MiningScale
from nafolo.ledger import Entry, Ledger
from nafolo.reports.period import period_bounds
from nafolo.reports.refinery_monthly import (
    BalanceItem,
    DiligenceDecisionLine,
    MetalAccountLine,
    MetalBalanceLine,
    ProductionLine,
    ReceiptByOrigin,
    RefineryMonth,
)

GOLD = "AU"
PAGE = 10_000
_INVENTORY = ("INTAKE", "PROCESS:", "RESIDUE:", "VAULT:")


def _in_inventory(account: str) -> bool:
    return account == "INTAKE" or account.startswith(_INVENTORY[1:])


@dataclass(frozen=True)
class MetalFlows:
    receipts_oz: Decimal
    shipments_oz: Decimal
    losses_oz: Decimal


def metal_flows(entries: list[Entry]) -> MetalFlows:
    """Fine gold into and out of the refinery's inventory over `entries` (pure)."""
    receipts = shipments = losses = Decimal(0)
    for e in entries:
        if e.commodity != GOLD:
            continue
        source, target = _in_inventory(e.from_account), _in_inventory(e.to_account)
        if target and not source:
            receipts += e.quantity
        elif source and not target:
            if e.to_account.startswith("SHIPPED:"):
                shipments += e.quantity
            elif e.to_account.startswith("LOSS:"):
                losses += e.quantity
            else:
                receipts -= e.quantity
    return MetalFlows(receipts, shipments, losses)


def _inventory(ledger: Ledger, moment: datetime) -> Decimal:
    return sum(
        (
            b.quantity
            for b in ledger.balances(domain="gold", commodity=GOLD, as_of=moment)
            if _in_inventory(b.account)
        ),
        Decimal(0),
    )


def _entries(ledger: Ledger, start: datetime, end: datetime) -> list[Entry]:
    found: list[Entry] = []
    after: int | None = None
    while True:
        page = ledger.entries(
            commodity=GOLD, effective_from=start, effective_until=end, after_seq=after, limit=PAGE
        )
        found += page
        if len(page) < PAGE:
            return found
        after = page[-1].seq


def assemble_refinery_month(engine: Engine, period: str) -> RefineryMonth:
    """Read the month: lots received by origin, bars cast, the metal balance, every depositor's
    metal account and the due diligence decisions taken. ValueError for a bad period."""
    from nafolo.gold.service import Refinery

    start, end = period_bounds(period)
    first, last = start.date(), (end - timedelta(days=1)).date()
    refinery = Refinery(engine)
    ledger = refinery.context.ledger
    depositors = refinery.depositors.all()
    origins = {o.origin_id: o for d in depositors for o in d.origins}

    received: dict[tuple[str, str, MiningScale, bool], list[Decimal]] = defaultdict(
        lambda: [Decimal(0), Decimal(0), Decimal(0)]
    )
    offset = 0
    while True:
        lots = refinery.lots.all(limit=1000, offset=offset)
        for lot in lots:
            if not first <= lot.arrived_on <= last or lot.net_g is None:
                continue
            origin = origins.get(lot.origin_id)
            key = (
                origin.country if origin else "?",
                origin.region if origin else "?",
                origin.scale if origin else MiningScale.ASM,
                lot.cahra,
            )
            totals = received[key]
            totals[0] += 1
            totals[1] += lot.net_g
            totals[2] += lot.fine_au_oz or Decimal(0)
        if len(lots) < 1000:
            break
        offset += 1000
    receipts = tuple(
        ReceiptByOrigin(country, region, scale, cahra, int(t[0]), t[1], t[2])
        for (country, region, scale, cahra), t in sorted(received.items(), key=lambda kv: kv[0][:2])
    )

    cast: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0), Decimal(0)])
    offset = 0
    while True:
        bars = refinery.vault.bars(limit=1000, offset=offset)
        for bar in bars:
            if start <= datetime.fromisoformat(bar.cast_at) < end and bar.metal == GOLD:
                totals = cast[bar.kind.value]
                totals[0] += 1
                totals[1] += bar.gross_oz
                totals[2] += bar.fine_oz
        if len(bars) < 1000:
            break
        offset += 1000
    production = tuple(
        ProductionLine(kind, int(t[0]), t[1], t[2]) for kind, t in sorted(cast.items())
    )

    flows = metal_flows(_entries(ledger, start, end))
    unaccounted = sum(
        (
            b.balance.unaccounted_oz
            for b in refinery.refining.all(status="closed")
            if first <= b.planned_on <= last
        ),
        Decimal(0),
    )
    balance = (
        MetalBalanceLine(
            BalanceItem.OPENING, _inventory(ledger, start - timedelta(microseconds=1))
        ),
        MetalBalanceLine(BalanceItem.RECEIPTS, flows.receipts_oz),
        MetalBalanceLine(BalanceItem.SHIPMENTS, flows.shipments_oz),
        MetalBalanceLine(BalanceItem.LOSSES, flows.losses_oz),
        MetalBalanceLine(BalanceItem.CLOSING, _inventory(ledger, end - timedelta(microseconds=1))),
        MetalBalanceLine(BalanceItem.UNACCOUNTED, unaccounted),
    )

    accounts = []
    decisions = []
    for d in depositors:
        statement = refinery.settlements.statement(d.depositor_id, first, last)
        for m in statement.metals:
            if m.opening_oz or m.credits_oz or m.debits_oz or m.closing_oz:
                accounts.append(
                    MetalAccountLine(
                        d.depositor_id,
                        d.name,
                        m.metal,
                        m.opening_oz,
                        m.credits_oz,
                        m.debits_oz,
                        m.closing_oz,
                    )
                )
        for a in refinery.depositors.history(d.depositor_id):
            if first <= a.assessed_on <= last:
                decisions.append(
                    DiligenceDecisionLine(
                        d.depositor_id,
                        d.name,
                        a.assessed_on,
                        a.rating,
                        a.decision,
                        "; ".join(a.reasons),
                    )
                )
    filled, chi_square, dof = reconciled_balance(engine, period, balance)
    return RefineryMonth(
        period=period,
        receipts=receipts,
        production=production,
        balance=filled,
        accounts=tuple(accounts),
        decisions=tuple(sorted(decisions, key=lambda x: (x.assessed_on, x.depositor_id))),
        chi_square=chi_square,
        degrees_of_freedom=dof,
    )


def reconciled_balance(
    engine: Engine, period: str, lines: tuple[MetalBalanceLine, ...]
) -> tuple[tuple[MetalBalanceLine, ...], float | None, int | None]:
    """The balance lines with their reconciled column filled from the period's metal balance
    (nafolo.gold.metal_balance: the signed one in force, else the latest prepared), and its
    χ² with degrees of freedom; unchanged when no balance was prepared for the period."""
    from dataclasses import replace

    from nafolo.gold.metal_balance.errors import BalanceNotFoundError
    from nafolo.gold.metal_balance.store import MetalBalanceStore

    try:
        record = MetalBalanceStore(engine).get(period)
    except BalanceNotFoundError:
        return lines, None, None
    rec = record.balance.reconciliation
    if rec.totals is None:
        return lines, None, None
    t = rec.totals
    unaccounted = t.check_in.fine_oz + t.opening.fine_oz - t.check_out.fine_oz - t.closing.fine_oz
    figures = {
        BalanceItem.OPENING: (t.opening.fine_oz, t.opening.sd_oz),
        BalanceItem.RECEIPTS: (t.check_in.fine_oz, t.check_in.sd_oz),
        BalanceItem.SHIPMENTS: (t.check_out.fine_oz, t.check_out.sd_oz),
        BalanceItem.CLOSING: (t.closing.fine_oz, t.closing.sd_oz),
        BalanceItem.UNACCOUNTED: (unaccounted, None),
    }
    filled = tuple(
        replace(line, reconciled_oz=figures[line.item][0], sd_oz=figures[line.item][1])
        if line.item in figures
        else line
        for line in lines
    )
    g = rec.global_test
    return filled, g.chi_square, g.degrees_of_freedom
