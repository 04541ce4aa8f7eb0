"""Programme compliance: tonnes lifted in a calendar month against each contract's band."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict

from nafolo.fuel.network.model import Network
from nafolo.fuel.operations import accounts
from nafolo.fuel.operations.liftings import KIND as LIFTING
from nafolo.ledger import Ledger
from nafolo.ledger.canonical import format_timestamp
from nafolo.store import commodities, ledger_entries


class PortProductLifted(BaseModel):
    """Tonnes (weight in air) lifted in the month under a contract at one port, of one product."""

    model_config = ConfigDict(frozen=True)

    contract: str
    port: str
    product: str
    lifted_t: Decimal


class ContractCompliance(BaseModel):
    """A contract's month: tonnes lifted against its minimum and maximum."""

    model_config = ConfigDict(frozen=True)

    contract: str
    lifted_t: Decimal
    min_t: float
    max_t: float
    status: str  # "below", "within" or "above"
    shortfall_t: Decimal
    excess_t: Decimal


class ComplianceReport(BaseModel):
    """Compliance of one calendar month (`YYYY-MM`)."""

    model_config = ConfigDict(frozen=True)

    month: str
    contracts: list[ContractCompliance]
    by_port_product: list[PortProductLifted]


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """[first instant, first instant of next month) of `YYYY-MM` in UTC; ValueError if bad."""
    try:
        start = datetime.strptime(month, "%Y-%m").replace(tzinfo=UTC)
    except ValueError as error:
        raise ValueError(f"month: {month!r} is not YYYY-MM") from error
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return start, end


def compliance(ledger: Ledger, network: Network, month: str) -> ComplianceReport:
    """Tonnes lifted in `month` by contract, port and product; each contract against its band."""
    start, end = month_bounds(month)
    table = ledger_entries
    query = (
        sa.select(
            table.c.from_account,
            table.c.to_account,
            table.c.commodity,
            commodities.c.scale,
            sa.func.sum(table.c.quantity_minor).label("minor"),
        )
        .join(commodities, commodities.c.code == table.c.commodity)
        .where(
            table.c.kind == LIFTING,
            table.c.effective_at >= format_timestamp(start),
            table.c.effective_at < format_timestamp(end),
        )
        .group_by(table.c.from_account, table.c.to_account, table.c.commodity, commodities.c.scale)
    )
    with ledger.engine.connect() as connection:
        rows = connection.execute(query).all()
    lifted: list[PortProductLifted] = []
    by_contract: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        contract = accounts.code_of(row.from_account, "SUPPLIER:")
        port = accounts.code_of(row.to_account, "PORT:")
        if contract is None or port is None:
            continue
        tonnes = Decimal(int(row.minor)).scaleb(-row.scale)
        lifted.append(
            PortProductLifted(contract=contract, port=port, product=row.commodity, lifted_t=tonnes)
        )
        by_contract[contract] += tonnes
    contracts = []
    for c in network.contracts:
        total = by_contract.get(c.contract, Decimal(0))
        low, high = Decimal(str(c.min_t_per_month)), Decimal(str(c.max_t_per_month))
        status = "below" if total < low else "above" if total > high else "within"
        contracts.append(
            ContractCompliance(
                contract=c.contract,
                lifted_t=total,
                min_t=c.min_t_per_month,
                max_t=c.max_t_per_month,
                status=status,
                shortfall_t=max(low - total, Decimal(0)),
                excess_t=max(total - high, Decimal(0)),
            )
        )
    lifted.sort(key=lambda r: (r.contract, r.port, r.product))
    return ComplianceReport(month=month, contracts=contracts, by_port_product=lifted)
