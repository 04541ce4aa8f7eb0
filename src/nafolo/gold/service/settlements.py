"""Toll settlement: the depositor's metal account credited from the settled assays, statements,
and sale of metal on account.

Settlement re-derives the exchange from the stored assays (`settle_assays`) and applies
`settle_lot` under the depositor's contract; the credit moves CLEARING:TOLL → METAL:<depositor>.
Separation of duties: whoever entered the refiner's assay may not approve the settlement.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from pydantic import Field

from nafolo.gold.assays import SampleRole
from nafolo.gold.service import accounts
from nafolo.gold.service.common import (
    Code,
    Context,
    CustodyEvent,
    Input,
    Output,
    RecordedEntry,
    day_start,
    draft,
    event_time,
    last_events,
    recorded,
    stamp,
    to_moz,
    ts,
)
from nafolo.gold.service.depositors import read_depositor
from nafolo.gold.service.errors import FieldProblem, GoldNotFoundError, GoldRefusedError, Rule
from nafolo.gold.service.laboratory import contract_of, exchange_outcomes, read_assays
from nafolo.gold.service.lots import (
    CHUNK,
    Follows,
    LotOut,
    LotStatus,
    lots_found,
    pairs,
    read_lots,
)
from nafolo.gold.settlement import (
    Contract,
    LotForSettlement,
    SettlementStatement,
    settle_lot,
)
from nafolo.ledger import Entry, NotFoundError
from nafolo.store.gold_tables import lots, sales, settlements, weighings

SETTLEABLE = {LotStatus.ASSAYED, LotStatus.IN_BATCH, LotStatus.REFINED}


class LineOut(Output):
    step: str
    value: Decimal
    unit: str
    rounding: str


class SettlementOut(Output):
    lot_id: str
    depositor_id: str
    contract_id: str
    net_dry_oz: Decimal
    settled_au_per_mille: Decimal
    settled_ag_per_mille: Decimal
    payable_au_oz: Decimal
    payable_ag_oz: Decimal
    credited_au_oz: Decimal
    credited_ag_oz: Decimal
    charges: Decimal
    charge_unit: str
    uncovered_charge_oz: Decimal
    return_on: date
    lines: list[LineOut]
    approved_by: str
    entries: list[RecordedEntry]


class MetalBalance(Output):
    depositor_id: str
    au_oz: Decimal
    ag_oz: Decimal


class MetalLine(Output):
    metal: str
    opening_oz: Decimal
    credits_oz: Decimal
    debits_oz: Decimal
    closing_oz: Decimal


class DepositorStatement(Output):
    depositor_id: str
    period_from: date | None
    period_to: date | None
    metals: list[MetalLine]
    movements: list[RecordedEntry]


class SaleIn(Input):
    sale_id: Code
    depositor_id: Code
    fine_au_oz: Decimal = Field(ge=0, decimal_places=3)
    fine_ag_oz: Decimal = Field(default=Decimal(0), ge=0, decimal_places=3)
    au_price_per_oz: Decimal = Field(ge=0)
    ag_price_per_oz: Decimal = Field(default=Decimal(0), ge=0)
    sold_at: datetime


class SaleOut(Output):
    sale_id: str
    depositor_id: str
    fine_au_oz: Decimal
    fine_ag_oz: Decimal
    au_proceeds: Decimal
    ag_proceeds: Decimal
    net_payable: Decimal
    currency: str
    sold_by: str
    entries: list[RecordedEntry]


def _settlement_out(
    statement: SettlementStatement, approved_by: str, entries: list[RecordedEntry]
) -> SettlementOut:
    return SettlementOut(
        lot_id=statement.lot_id,
        depositor_id=statement.depositor_id,
        contract_id=statement.contract_id,
        net_dry_oz=statement.net_dry_oz,
        settled_au_per_mille=statement.au.settled_per_mille,
        settled_ag_per_mille=statement.ag.settled_per_mille,
        payable_au_oz=statement.payable_au_oz,
        payable_ag_oz=statement.payable_ag_oz,
        credited_au_oz=statement.credited_au_oz,
        credited_ag_oz=statement.credited_ag_oz,
        charges=statement.charges,
        charge_unit=statement.charge_unit,
        uncovered_charge_oz=statement.uncovered_charge_oz,
        return_on=statement.return_on,
        lines=[
            LineOut(step=x.step, value=x.value, unit=x.unit, rounding=x.rounding)
            for x in statement.lines
        ],
        approved_by=approved_by,
        entries=entries,
    )


class Settlements:
    """Settling lots onto metal accounts, statements and sales."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def settle(self, lot_id: str, *, actor: str, at: datetime | None = None) -> SettlementOut:
        """Settle and credit one lot; `actor` approves (must not have entered the refiner's
        assay: `Rule.SEPARATION_OF_DUTIES`)."""
        return self.settle_many([lot_id], actor=actor, at=at)[0]

    def settle_many(
        self, lot_ids: Sequence[str], *, actor: str, at: datetime | None = None
    ) -> list[SettlementOut]:
        """Settle and credit lots, all or nothing.

        `at` (`settled_at`) is the business time of the settlement: it dates the credit entries
        (so statements and monthly reports count it in the month it happened) and the custody
        event; None means now (interactive callers only). It must not precede the assay
        exchange of any lot (`Rule.CHRONOLOGY`)."""
        settled_at = event_time(at, "settled_at")
        problems: list[FieldProblem] = []
        plans: list[tuple[LotOut, SettlementStatement]] = []
        contracts: dict[str, Contract] = {}
        with self.context.engine.connect() as connection:
            found = read_lots(connection, lot_ids)
            results = read_assays(connection, list(lot_ids))
            done: set[str] = set()
            received: dict[str, str] = {}
            for start in range(0, len(lot_ids), CHUNK):
                part = list(lot_ids[start : start + CHUNK])
                done |= set(
                    connection.execute(
                        sa.select(settlements.c.lot_id).where(settlements.c.lot_id.in_(part))
                    ).scalars()
                )
                received.update(
                    pairs(
                        connection.execute(
                            sa.select(weighings.c.lot_id, weighings.c.weighed_at).where(
                                weighings.c.lot_id.in_(part)
                            )
                        )
                    )
                )
            exchanged = last_events(connection, found, [CustodyEvent.ASSAYED])
            follows = Follows("settled_at", settled_at, exchanged, "assay exchange of lot {lot_id}")
            for where, lot_id, lot in lots_found(lot_ids, found, problems, follows):
                if lot_id in done:
                    problems.append(
                        FieldProblem(
                            where + "lot_id", f"lot {lot_id} is already settled", Rule.DUPLICATE
                        )
                    )
                    continue
                done.add(lot_id)
                if lot.status not in SETTLEABLE:
                    problems.append(
                        FieldProblem(
                            where + "lot_id",
                            f"lot {lot_id} is {lot.status.value}: settle after the assay exchange",
                            Rule.NOT_ASSAYED,
                        )
                    )
                    continue
                by_role = {a.role: a for a in results.get(lot_id, [])}
                refiner = by_role[SampleRole.REFINER]
                if refiner.entered_by == actor:
                    problems.append(
                        FieldProblem(
                            where + "actor",
                            f"{actor} entered the refiner's assay of lot {lot_id}; another person "
                            "must approve its settlement (separation of duties)",
                            Rule.SEPARATION_OF_DUTIES,
                        )
                    )
                    continue
                contract = contract_of(connection, lot.depositor_id, contracts)
                au, ag = exchange_outcomes(by_role, contract)
                assert lot.net_g is not None
                on = datetime.fromisoformat(received[lot_id]).date()
                statement = settle_lot(
                    LotForSettlement(lot_id, lot.depositor_id, on, lot.net_g), au, ag, contract
                )
                plans.append((lot, statement))
        if problems:
            raise GoldRefusedError(problems)
        drafts = []
        for lot, statement in plans:
            for commodity, oz in (
                (accounts.AU, statement.credited_au_oz),
                (accounts.AG, statement.credited_ag_oz),
            ):
                drafts.append(
                    draft(
                        commodity,
                        oz,
                        accounts.CLEARING,
                        accounts.metal(lot.depositor_id),
                        "settlement",
                        settled_at,
                        actor,
                        lot.lot_id,
                        f"gold:settle:{lot.lot_id}:{commodity}",
                        lot=lot.lot_id,
                        contract=statement.contract_id,
                    )
                )
        entries = self.context.append(drafts)
        by_lot: dict[str, list[RecordedEntry]] = {}
        for entry in entries:
            by_lot.setdefault(entry.document_ref or "", []).append(recorded(entry))
        now = stamp()
        out = []
        rows = []
        custody = []
        for lot, statement in plans:
            mine = by_lot.get(lot.lot_id, [])
            result = _settlement_out(statement, actor, mine)
            out.append(result)
            rows.append(
                {
                    "lot_id": lot.lot_id,
                    "depositor_id": lot.depositor_id,
                    "contract_id": statement.contract_id,
                    "statement": result.model_copy(update={"entries": []}).model_dump_json(),
                    "credited_au_moz": to_moz(statement.credited_au_oz),
                    "credited_ag_moz": to_moz(statement.credited_ag_oz),
                    "recorded_at": now,
                    "actor": actor,
                }
            )
            custody.append(
                (
                    lot.lot_id,
                    CustodyEvent.SETTLED,
                    ts(settled_at),
                    mine[0].seq if mine else None,
                    f"credited {statement.credited_au_oz} oz Au, {statement.credited_ag_oz} oz Ag"
                    f" to {accounts.metal(lot.depositor_id)}",
                )
            )
        with self.context.engine.begin() as connection:
            for start in range(0, len(rows), CHUNK):
                connection.execute(settlements.insert(), rows[start : start + CHUNK])
            assayed = [lot.lot_id for lot, _ in plans if lot.status is LotStatus.ASSAYED]
            for start in range(0, len(assayed), CHUNK):
                connection.execute(
                    lots.update()
                    .where(lots.c.lot_id.in_(assayed[start : start + CHUNK]))
                    .values(status=LotStatus.SETTLED.value)
                )
            self.context.custody(connection, custody, actor)
        return out

    def get(self, lot_id: str) -> SettlementOut:
        with self.context.engine.connect() as connection:
            row = connection.execute(
                sa.select(settlements).where(settlements.c.lot_id == lot_id)
            ).first()
        if row is None:
            raise GoldNotFoundError("settlement", lot_id)
        return SettlementOut.model_validate_json(row.statement)

    def balance(self, depositor_id: str) -> MetalBalance:
        """What the depositor's metal account holds (fine oz Au and Ag)."""
        with self.context.engine.connect() as connection:
            read_depositor(connection, depositor_id)
        return MetalBalance(
            depositor_id=depositor_id,
            au_oz=self._balance(depositor_id, accounts.AU),
            ag_oz=self._balance(depositor_id, accounts.AG),
        )

    def _balance(self, depositor_id: str, commodity: str) -> Decimal:
        try:
            return self.context.ledger.balance(accounts.metal(depositor_id), commodity)
        except NotFoundError:
            return Decimal(0)

    def statement(
        self, depositor_id: str, period_from: date | None = None, period_to: date | None = None
    ) -> DepositorStatement:
        """Opening, credits, debits and closing per metal of the depositor's metal account over
        [period_from, period_to] (whole UTC days), with the period's movements."""
        with self.context.engine.connect() as connection:
            read_depositor(connection, depositor_id)
        account = accounts.metal(depositor_id)
        start = None if period_from is None else day_start(period_from)
        end = None if period_to is None else day_start(period_to) + timedelta(days=1)
        sums = {
            c: {"opening": Decimal(0), "credits": Decimal(0), "debits": Decimal(0)}
            for c in (accounts.AU, accounts.AG)
        }
        movements: list[RecordedEntry] = []
        for entry in self._entries(account):
            if end is not None and entry.effective_at >= end:
                continue
            sign = Decimal(1) if entry.to_account == account else Decimal(-1)
            bucket = sums[entry.commodity]
            if start is not None and entry.effective_at < start:
                bucket["opening"] += sign * entry.quantity
                continue
            bucket["credits" if sign > 0 else "debits"] += entry.quantity
            movements.append(recorded(entry))
        return DepositorStatement(
            depositor_id=depositor_id,
            period_from=period_from,
            period_to=period_to,
            metals=[
                MetalLine(
                    metal=c,
                    opening_oz=s["opening"],
                    credits_oz=s["credits"],
                    debits_oz=s["debits"],
                    closing_oz=s["opening"] + s["credits"] - s["debits"],
                )
                for c, s in sums.items()
            ],
            movements=movements,
        )

    def _entries(self, account: str) -> list[Entry]:
        if account not in {a.code for a in self.context.ledger.accounts(kind="depositor")}:
            return []
        found: list[Entry] = []
        after = None
        while True:
            page = self.context.ledger.entries(account=account, after_seq=after, limit=10_000)
            found += page
            if len(page) < 10_000:
                return found
            after = page[-1].seq

    def sell(self, sale: SaleIn, *, actor: str) -> SaleOut:
        """Sell metal on account at the given prices: METAL:<depositor> → CLEARING:TOLL; the
        proceeds (half-up to the contract currency unit) are owed to the depositor."""
        event_time(sale.sold_at, "sold_at")
        with self.context.engine.connect() as connection:
            depositor = read_depositor(connection, sale.depositor_id)
            if connection.execute(
                sa.select(sales.c.sale_id).where(sales.c.sale_id == sale.sale_id)
            ).first():
                raise GoldRefusedError(
                    [FieldProblem("sale_id", f"{sale.sale_id!r} already recorded", Rule.DUPLICATE)]
                )
        balance = self.balance(sale.depositor_id)
        problems = [
            FieldProblem(
                f"fine_{metal.lower()}_oz",
                f"{wanted} oz {metal} asked, {held} oz on account",
                Rule.INSUFFICIENT_METAL,
            )
            for metal, wanted, held in (
                ("AU", sale.fine_au_oz, balance.au_oz),
                ("AG", sale.fine_ag_oz, balance.ag_oz),
            )
            if wanted > held
        ]
        if problems:
            raise GoldRefusedError(problems)
        contract = depositor.contract
        unit = Decimal(1).scaleb(-contract.currency_decimals)
        au_value = (sale.fine_au_oz * sale.au_price_per_oz).quantize(unit, ROUND_HALF_UP)
        ag_value = (sale.fine_ag_oz * sale.ag_price_per_oz).quantize(unit, ROUND_HALF_UP)
        entries = self.context.append(
            [
                draft(
                    commodity,
                    oz,
                    accounts.metal(sale.depositor_id),
                    accounts.CLEARING,
                    "sale",
                    sale.sold_at,
                    actor,
                    sale.sale_id,
                    f"gold:sale:{sale.sale_id}:{commodity}",
                    price=price,
                )
                for commodity, oz, price in (
                    (accounts.AU, sale.fine_au_oz, sale.au_price_per_oz),
                    (accounts.AG, sale.fine_ag_oz, sale.ag_price_per_oz),
                )
            ]
        )
        with self.context.engine.begin() as connection:
            connection.execute(
                sales.insert(),
                [
                    {
                        "sale_id": sale.sale_id,
                        "depositor_id": sale.depositor_id,
                        "fine_au_moz": to_moz(sale.fine_au_oz),
                        "fine_ag_moz": to_moz(sale.fine_ag_oz),
                        "au_price_per_oz": str(sale.au_price_per_oz),
                        "ag_price_per_oz": str(sale.ag_price_per_oz),
                        "au_proceeds": str(au_value),
                        "ag_proceeds": str(ag_value),
                        "currency": contract.currency,
                        "sold_at": ts(sale.sold_at),
                        "recorded_at": stamp(),
                        "actor": actor,
                    }
                ],
            )
        return SaleOut(
            sale_id=sale.sale_id,
            depositor_id=sale.depositor_id,
            fine_au_oz=sale.fine_au_oz,
            fine_ag_oz=sale.fine_ag_oz,
            au_proceeds=au_value,
            ag_proceeds=ag_value,
            net_payable=au_value + ag_value,
            currency=contract.currency,
            sold_by=actor,
            entries=[recorded(e) for e in entries],
        )
