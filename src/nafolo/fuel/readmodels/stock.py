"""Stock per depot and product, and product in transit per corridor, from the ledger's balances."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from nafolo.fuel.network.model import Network
from nafolo.fuel.operations import accounts
from nafolo.fuel.operations.loads import to_kilogram
from nafolo.ledger import Ledger
from nafolo.measurement import petroleum


class DepotStock(BaseModel):
    """Book stock of one product in one depot, in tonnes weight in air."""

    model_config = ConfigDict(frozen=True)

    depot: str
    product: str
    stock_t: Decimal
    tank_bottom_t: Decimal
    usable_t: Decimal
    capacity_t: Decimal


class CorridorTransit(BaseModel):
    """Product on the road on a corridor: tonnes (weight in air) and convoys carrying it."""

    model_config = ConfigDict(frozen=True)

    corridor: str
    product: str
    in_transit_t: Decimal
    convoys: int


def tonnes_of_m3(volume_15_m3: float, density_15_kg_m3: float) -> Decimal:
    """Tonnes weight in air of a standard volume at the product's reference density (Table 56)."""
    tonnes = petroleum.weight_in_air_t(volume_15_m3, density_15_kg_m3)
    return to_kilogram(Decimal(repr(tonnes)))


def depot_stocks(
    ledger: Ledger, network: Network, as_of: datetime | None = None
) -> list[DepotStock]:
    """Every depot tank of the network with its book stock, tank bottom and usable stock."""
    book = {
        (accounts.code_of(b.account, "DEPOT:"), b.commodity): b.quantity
        for b in ledger.balances(account_kind="depot", domain=accounts.DOMAIN, as_of=as_of)
    }
    density = {p.product: p.density_15_kg_m3 for p in network.products}
    rows = []
    for tank in network.depot_tanks:
        stock = book.get((tank.depot, tank.product), Decimal(0))
        bottom = tonnes_of_m3(tank.tank_bottom_m3, density[tank.product])
        rows.append(
            DepotStock(
                depot=tank.depot,
                product=tank.product,
                stock_t=stock,
                tank_bottom_t=bottom,
                usable_t=max(stock - bottom, Decimal(0)),
                capacity_t=tonnes_of_m3(tank.capacity_m3, density[tank.product]),
            )
        )
    return rows


def in_transit(ledger: Ledger, as_of: datetime | None = None) -> list[CorridorTransit]:
    """Product on the road per corridor and product (convoys' transit balances)."""
    tonnes: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    convoys: dict[tuple[str, str], set[str]] = defaultdict(set)
    for balance in ledger.balances(account_kind="transit", domain=accounts.DOMAIN, as_of=as_of):
        found = accounts.convoy_of_transit(balance.account)
        if found is None:
            continue
        corridor, convoy = found
        tonnes[(corridor, balance.commodity)] += balance.quantity
        convoys[(corridor, balance.commodity)].add(convoy)
    return [
        CorridorTransit(
            corridor=corridor,
            product=product,
            in_transit_t=t,
            convoys=len(convoys[(corridor, product)]),
        )
        for (corridor, product), t in sorted(tonnes.items())
        if t != 0
    ]
