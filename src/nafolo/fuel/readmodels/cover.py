"""Days of cover per depot and per region against forecast demand (not past withdrawals).

Days of cover = usable stock (book stock − tank bottom) ÷ forward average daily demand served
(docs/operations.md). Forward demand is the network's weekly demand × the month's seasonality,
averaged over the coming `horizon_days`, so a stock-out never hides demand (OpenLMIS's adjusted
consumption problem). A region's demand is split between the depots that serve it and hold the
product in proportion to their throughput; a region's cover is the stock those shares attribute
to it over its demand.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, computed_field

from nafolo.fuel.network.model import Network
from nafolo.fuel.readmodels.stock import depot_stocks
from nafolo.ledger import Ledger

DEFAULT_HORIZON_DAYS = 28


class DepotCover(BaseModel):
    """Days of cover of one product in one depot, against its target."""

    model_config = ConfigDict(frozen=True)

    depot: str
    product: str
    usable_t: Decimal
    daily_demand_t: float
    days_of_cover: float | None
    target_days: float

    @computed_field(  # type: ignore[prop-decorator]
        description="Cover under the target (targets of 0 unwatched)."
    )
    @property
    def below_target(self) -> bool:
        return self.days_of_cover is not None and self.days_of_cover < self.target_days


class RegionCover(BaseModel):
    """Days of cover of one product for one region, from the depots serving it."""

    model_config = ConfigDict(frozen=True)

    region: str
    product: str
    usable_t: float
    daily_demand_t: float
    days_of_cover: float | None


def days_of_cover(usable_t: float, daily_demand_t: float) -> float | None:
    """Usable stock over daily demand, in days; None when nothing is demanded (infinite cover)."""
    if daily_demand_t <= 0:
        return None
    return max(usable_t, 0.0) / daily_demand_t


def forward_daily_demand(
    network: Network, start: date, horizon_days: int
) -> dict[tuple[str, str], float]:
    """Average daily demand (t/d) per (region, product) over `horizon_days` from `start`."""
    if horizon_days < 1:
        raise ValueError(f"horizon_days: must be ≥ 1, got {horizon_days}")
    factor = {s.month: s.factor for s in network.seasonality}
    days = [start + timedelta(days=i) for i in range(horizon_days)]
    mean_factor = sum(factor.get(d.month, 1.0) for d in days) / horizon_days
    return {(d.region, d.product): d.t_per_week / 7.0 * mean_factor for d in network.demand}


def depot_shares(network: Network) -> dict[tuple[str, str, str], float]:
    """Share of (region, product) demand each depot serves: (region, depot, product) → share."""
    holds = {(t.depot, t.product) for t in network.depot_tanks if t.capacity_m3 > 0}
    throughput = {d.depot: d.throughput_t_per_week for d in network.depots}
    shares: dict[tuple[str, str, str], float] = {}
    for demand in network.demand:
        serving = [
            s.depot
            for s in network.region_supply
            if s.region == demand.region and (s.depot, demand.product) in holds
        ]
        total = sum(throughput[d] for d in serving)
        for depot in serving:
            weight = throughput[depot] / total if total > 0 else 1.0 / len(serving)
            shares[(demand.region, depot, demand.product)] = weight
    return shares


def _demand_by_depot(
    network: Network, start: date, horizon_days: int
) -> tuple[
    dict[tuple[str, str], float], dict[tuple[str, str, str], float], dict[tuple[str, str], float]
]:
    regional = forward_daily_demand(network, start, horizon_days)
    shares = depot_shares(network)
    depot_demand: dict[tuple[str, str], float] = defaultdict(float)
    for (region, depot, product), share in shares.items():
        depot_demand[(depot, product)] += regional.get((region, product), 0.0) * share
    return regional, shares, depot_demand


def depot_cover(
    ledger: Ledger,
    network: Network,
    as_of: datetime | None = None,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
) -> list[DepotCover]:
    """Days of cover of every depot tank at `as_of` (book stock then, demand from then on).

    Without `as_of`: the current stock (the ledger's balances projection) and demand from today.
    """
    _, _, demand = _demand_by_depot(network, _day(as_of), horizon_days)
    targets = {(t.depot, t.product): t.days_of_cover_target for t in network.depot_tanks}
    rows = []
    for stock in depot_stocks(ledger, network, as_of=as_of):
        daily = demand.get((stock.depot, stock.product), 0.0)
        rows.append(
            DepotCover(
                depot=stock.depot,
                product=stock.product,
                usable_t=stock.usable_t,
                daily_demand_t=daily,
                days_of_cover=days_of_cover(float(stock.usable_t), daily),
                target_days=targets[(stock.depot, stock.product)],
            )
        )
    return rows


def region_cover(
    ledger: Ledger,
    network: Network,
    as_of: datetime | None = None,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
) -> list[RegionCover]:
    """Days of cover of every (region, product) with demand, from the depots that serve it."""
    regional, shares, demand = _demand_by_depot(network, _day(as_of), horizon_days)
    usable = {(s.depot, s.product): float(s.usable_t) for s in depot_stocks(ledger, network, as_of)}
    attributed: dict[tuple[str, str], float] = defaultdict(float)
    for (region, depot, product), share in shares.items():
        depot_daily = demand.get((depot, product), 0.0)
        if depot_daily > 0:
            region_daily = regional[(region, product)] * share
            attributed[(region, product)] += (
                usable.get((depot, product), 0.0) * region_daily / depot_daily
            )
    return [
        RegionCover(
            region=region,
            product=product,
            usable_t=attributed.get((region, product), 0.0),
            daily_demand_t=daily,
            days_of_cover=days_of_cover(attributed.get((region, product), 0.0), daily),
        )
        for (region, product), daily in sorted(regional.items())
    ]


def _day(as_of: datetime | None) -> date:
    return (as_of or datetime.now(UTC)).date()
