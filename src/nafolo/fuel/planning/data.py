"""The planner's indexed parameters, derived from a network before any model is built.

Everything here is pure: a `Network`, a horizon and a start date in, labelled arrays (xarray) out,
in tonnes (weight in air) and plan weeks, exactly as docs/planner.md § Derived parameters defines
them. Inputs that make the plan infeasible before any optimisation (opening stock outside the tank,
opening port stock above port storage) are refused here, naming sheet, row and column.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
import xarray as xr

from nafolo.fuel.network.model import Network, PlannerParameters
from nafolo.measurement.petroleum import weight_in_air_t
from nafolo.workbook.problems import InputError, Problem


def next_monday(today: date) -> date:
    """The first Monday strictly after `today`: the default start of a plan."""
    return today + timedelta(days=7 - today.weekday())


@dataclass(frozen=True)
class PlanData:
    """Sets and derived parameters of one plan, every array labelled by its domain dimensions.

    Dimensions: product, port, offer (supply row), contract, corridor, depot, region, week (1…N),
    month (``YYYY-MM``), offset (weeks after dispatch a truck is still busy).
    """

    network: Network
    start: date
    weeks: pd.Index
    week_start: tuple[date, ...]
    products: pd.Index
    ports: pd.Index
    offers: pd.Index
    contracts: pd.Index
    corridors: pd.Index
    depots: pd.Index
    regions: pd.Index
    months: pd.Index
    payload_t: xr.DataArray  # product
    holding_xof_per_t_week: xr.DataArray  # product
    offer_price_xof_per_t: xr.DataArray  # offer
    offer_at: xr.DataArray  # offer, port, product: 1 where the offer lands k at o
    offer_of: xr.DataArray  # offer, contract: 1 where the offer belongs to q
    contract_min_t: xr.DataArray  # contract
    contract_max_t: xr.DataArray  # contract
    month_share: xr.DataArray  # week, month: σ
    month_in_horizon: xr.DataArray  # month: φ
    port_opening_t: xr.DataArray  # port, product
    port_storage_t: xr.DataArray  # port
    port_loading_t_per_week: xr.DataArray  # port
    corridor_from: xr.DataArray  # port, corridor: 1 where c leaves o
    corridor_into: xr.DataArray  # depot, corridor: 1 where c enters d
    door_to_door_d: xr.DataArray  # corridor: τ
    lead_weeks: xr.DataArray  # corridor: L (int)
    round_trip_weeks: xr.DataArray  # corridor: ρ
    busy_share: xr.DataArray  # corridor, offset: β
    max_trucks_per_week: xr.DataArray  # corridor
    escorted: xr.DataArray  # corridor (bool)
    escort_trucks_per_week: xr.DataArray  # corridor: convoys × trucks a convoy (0 if unescorted)
    corridor_cost_xof_per_t: xr.DataArray  # corridor
    availability: xr.DataArray  # corridor, week
    fleet_trucks: int
    cap_t: xr.DataArray  # depot, product
    bottom_t: xr.DataArray  # depot, product
    depot_opening_t: xr.DataArray  # depot, product
    cover_target_d: xr.DataArray  # depot, product
    throughput_t_per_week: xr.DataArray  # depot
    arc: xr.DataArray  # region, depot (bool): the region_supply arcs A
    arc_cost_xof_per_t: xr.DataArray  # region, depot
    arc_lead_weeks: xr.DataArray  # region, depot (int): ℓ
    demand_t: xr.DataArray  # region, product, week
    arrivals_in_transit_t: xr.DataArray  # depot, product, week: arr0
    in_transit_opening_t: xr.DataArray  # product: all in_transit rows
    in_transit_after_horizon_t: xr.DataArray  # product: in_transit rows arriving after week N
    parameters: PlannerParameters

    @property
    def n_weeks(self) -> int:
        return len(self.weeks)

    @property
    def offer_contract(self) -> pd.Series:
        """The contract each supply offer belongs to, indexed by offer and named `contract`."""
        return _mapping(self.offer_of, "offer", "contract")

    @property
    def corridor_port(self) -> pd.Series:
        """The port each corridor leaves from, indexed by corridor and named `port`."""
        return _mapping(self.corridor_from, "corridor", "port")

    @property
    def corridor_depot(self) -> pd.Series:
        """The depot each corridor enters, indexed by corridor and named `depot`."""
        return _mapping(self.corridor_into, "corridor", "depot")

    @property
    def depot_slots(self) -> xr.DataArray:
        """Positions of the depots serving each region (region, slot), arcs first; a region with
        fewer arcs than the busiest one is padded with depots that do not serve it."""
        return _slots(self.arc, "region", "depot")

    @property
    def region_slots(self) -> xr.DataArray:
        """Positions of the regions each depot serves (depot, slot), padded likewise."""
        return _slots(self.arc, "depot", "region")


def _slots(arc: xr.DataArray, owner: str, member: str) -> xr.DataArray:
    """For each `owner`, the positions along `member` of its arcs, then of non-arcs as padding."""
    table = arc.transpose(owner, member).to_numpy()
    width = max(1, int(table.sum(axis=1).max()))
    order = np.argsort(~table, axis=1, kind="stable")[:, :width]
    slot = pd.Index(np.arange(width), name="slot")
    return xr.DataArray(order, coords=[arc.indexes[owner], slot])


def _mapping(incidence: xr.DataArray, member: str, group: str) -> pd.Series:
    """member → group labels of a 0/1 incidence table with exactly one 1 per member."""
    table = incidence.transpose(member, group)
    at = table.to_numpy().argmax(axis=1)
    labels = table.indexes[group].to_numpy()[at]
    return pd.Series(labels, index=table.indexes[member], name=group)


def _index(values: list[str], name: str) -> pd.Index:
    return pd.Index(values, name=name, dtype=object)


def _array(
    indexes: tuple[pd.Index, ...],
    entries: list[tuple[tuple[object, ...], float]],
    *,
    fill: float = 0.0,
    add: bool = False,
) -> xr.DataArray:
    """A labelled array from (coordinates, value) pairs; values at repeated coordinates are summed
    when `add`, else the last one wins."""
    values = np.full(tuple(len(i) for i in indexes), fill, dtype=float)
    positions = [{label: n for n, label in enumerate(i)} for i in indexes]
    for keys, value in entries:
        at = tuple(pos[k] for pos, k in zip(positions, keys, strict=True))
        values[at] = values[at] + value if add else value
    return xr.DataArray(values, coords=[(i.name, i) for i in indexes])


def prepare(network: Network, weeks: int, start: date) -> PlanData:
    """The plan's sets and derived parameters; InputError names any row that makes it infeasible."""
    if weeks < 1:
        raise InputError([Problem("plan", None, "weeks", f"weeks must be ≥ 1, got {weeks}")])
    problems = list(_opening_problems(network))
    if problems:
        raise InputError(problems, source=network.name)

    week = pd.Index(np.arange(1, weeks + 1), name="week")
    week_start = tuple(start + timedelta(days=7 * i) for i in range(weeks))
    products = _index([p.product for p in network.products], "product")
    ports = _index([p.port for p in network.ports], "port")
    offers = _index([f"{s.contract}|{s.port}|{s.product}" for s in network.supply], "offer")
    contracts = _index([c.contract for c in network.contracts], "contract")
    corridors = _index([c.corridor for c in network.corridors], "corridor")
    depots = _index([d.depot for d in network.depots], "depot")
    regions = _index([r.region for r in network.regions], "region")
    fleet = network.fleet[0]

    density = {p.product: p.density_15_kg_m3 for p in network.products}
    payload = _array(
        (products,),
        [
            ((p.product,), weight_in_air_t(fleet.truck_capacity_m3, p.density_15_kg_m3))
            for p in network.products
        ],
    )
    holding = _array(
        (products,), [((p.product,), p.holding_cost_xof_per_t_week) for p in network.products]
    )
    supply = list(zip(network.supply, offers, strict=True))
    price = _array((offers,), [((key,), s.price_xof_per_t) for s, key in supply])
    offer_at = _array((offers, ports, products), [((k, s.port, s.product), 1.0) for s, k in supply])
    offer_of = _array((offers, contracts), [((key, s.contract), 1.0) for s, key in supply])
    cmin = _array((contracts,), [((c.contract,), c.min_t_per_month) for c in network.contracts])
    cmax = _array((contracts,), [((c.contract,), c.max_t_per_month) for c in network.contracts])

    month_share, month_in_horizon = _months(week_start)
    months = month_in_horizon.indexes["month"]

    port_open = _array(
        (ports, products),
        [((ps.port, ps.product), ps.opening_stock_t) for ps in network.port_stocks],
        add=True,
    )
    storage = _array((ports,), [((o.port,), o.storage_capacity_t) for o in network.ports])
    loading = _array((ports,), [((o.port,), o.loading_capacity_t_per_week) for o in network.ports])

    cs = network.corridors
    c_from = _array((ports, corridors), [((c.port, c.corridor), 1.0) for c in cs])
    c_into = _array((depots, corridors), [((c.depot, c.corridor), 1.0) for c in cs])
    tau = _array(
        (corridors,),
        [
            (
                (c.corridor,),
                c.transit_days
                + c.border_days
                + (c.escort_extra_days if c.escort_required else 0.0),
            )
            for c in cs
        ],
    )
    max_trucks = _array((corridors,), [((c.corridor,), c.max_trucks_per_week) for c in cs])
    escort_trucks = _array(
        (corridors,),
        [
            ((c.corridor,), c.escort_convoys_per_week * c.trucks_per_convoy)
            for c in cs
            if c.escort_required
        ],
    )
    cost = _array((corridors,), [((c.corridor,), c.cost_xof_per_t) for c in cs])
    escorted = xr.DataArray([c.escort_required for c in cs], coords=[corridors])
    lead = xr.DataArray(np.ceil(tau.to_numpy() / 7.0).astype(int), coords=[corridors])
    rho = (2.0 * tau + fleet.loading_days + fleet.unloading_days) / 7.0
    offsets = pd.Index(np.arange(max(1, math.ceil(float(rho.max())))), name="offset")
    offset_da = xr.DataArray(offsets.to_numpy(), coords=[offsets])
    busy = (rho - offset_da).clip(min=0.0, max=1.0).transpose("corridor", "offset")

    availability = _array(
        (corridors, week),
        [((a.corridor, a.week), a.factor) for a in network.availability if a.week <= weeks],
        fill=1.0,
    )

    tanks = network.depot_tanks
    cap = _array(
        (depots, products),
        [((t.depot, t.product), weight_in_air_t(t.capacity_m3, density[t.product])) for t in tanks],
    )
    bottom = _array(
        (depots, products),
        [
            ((t.depot, t.product), weight_in_air_t(t.tank_bottom_m3, density[t.product]))
            for t in tanks
        ],
    )
    opening = _array((depots, products), [((t.depot, t.product), t.opening_stock_t) for t in tanks])
    target = _array(
        (depots, products), [((t.depot, t.product), t.days_of_cover_target) for t in tanks]
    )
    throughput = _array((depots,), [((d.depot,), d.throughput_t_per_week) for d in network.depots])

    arcs = network.region_supply
    arc = _array((regions, depots), [((a.region, a.depot), 1.0) for a in arcs]) > 0
    arc_cost = _array((regions, depots), [((a.region, a.depot), a.cost_xof_per_t) for a in arcs])
    arc_lead = _array(
        (regions, depots),
        [((a.region, a.depot), float(math.floor(a.delivery_days / 7.0))) for a in arcs],
    ).astype(int)

    season = {s.month: s.factor for s in network.seasonality}
    thursday_month = [(ws + timedelta(days=3)).month for ws in week_start]
    season_w = xr.DataArray([season.get(m, 1.0) for m in thursday_month], coords=[week])
    base = _array(
        (regions, products),
        [((dm.region, dm.product), dm.t_per_week) for dm in network.demand],
        add=True,
    )
    demand = (base * season_w).transpose("region", "product", "week")

    into = {c.corridor: c.depot for c in network.corridors}
    in_transit = network.in_transit
    arr0 = _array(
        (depots, products, week),
        [
            ((into[it.corridor], it.product, it.arrival_week), it.tonnes)
            for it in in_transit
            if it.arrival_week <= weeks
        ],
        add=True,
    )
    transit_open = _array((products,), [((it.product,), it.tonnes) for it in in_transit], add=True)
    transit_after = _array(
        (products,),
        [((it.product,), it.tonnes) for it in in_transit if it.arrival_week > weeks],
        add=True,
    )

    return PlanData(
        network=network,
        start=start,
        weeks=week,
        week_start=week_start,
        products=products,
        ports=ports,
        offers=offers,
        contracts=contracts,
        corridors=corridors,
        depots=depots,
        regions=regions,
        months=months,
        payload_t=payload,
        holding_xof_per_t_week=holding,
        offer_price_xof_per_t=price,
        offer_at=offer_at,
        offer_of=offer_of,
        contract_min_t=cmin,
        contract_max_t=cmax,
        month_share=month_share,
        month_in_horizon=month_in_horizon,
        port_opening_t=port_open,
        port_storage_t=storage,
        port_loading_t_per_week=loading,
        corridor_from=c_from,
        corridor_into=c_into,
        door_to_door_d=tau,
        lead_weeks=lead,
        round_trip_weeks=rho,
        busy_share=busy,
        max_trucks_per_week=max_trucks,
        escorted=escorted,
        escort_trucks_per_week=escort_trucks,
        corridor_cost_xof_per_t=cost,
        availability=availability,
        fleet_trucks=fleet.trucks,
        cap_t=cap,
        bottom_t=bottom,
        depot_opening_t=opening,
        cover_target_d=target,
        throughput_t_per_week=throughput,
        arc=arc,
        arc_cost_xof_per_t=arc_cost,
        arc_lead_weeks=arc_lead,
        demand_t=demand,
        arrivals_in_transit_t=arr0,
        in_transit_opening_t=transit_open,
        in_transit_after_horizon_t=transit_after,
        parameters=network.parameters,
    )


def _months(week_start: tuple[date, ...]) -> tuple[xr.DataArray, xr.DataArray]:
    """σ[week, month] (share of the week's days in the month) and φ[month] (share of the month
    inside the horizon)."""
    days = [ws + timedelta(days=i) for ws in week_start for i in range(7)]
    labels = sorted({f"{d.year:04d}-{d.month:02d}" for d in days})
    month = pd.Index(labels, name="month", dtype=object)
    week = pd.Index(np.arange(1, len(week_start) + 1), name="week")
    share = np.zeros((len(week_start), len(labels)))
    inside = np.zeros(len(labels))
    pos = {m: i for i, m in enumerate(labels)}
    for w, ws in enumerate(week_start):
        for i in range(7):
            d = ws + timedelta(days=i)
            j = pos[f"{d.year:04d}-{d.month:02d}"]
            share[w, j] += 1.0 / 7.0
            inside[j] += 1.0
    for j, m in enumerate(labels):
        year, mon = int(m[:4]), int(m[5:])
        inside[j] /= calendar.monthrange(year, mon)[1]
    return (
        xr.DataArray(share, coords=[week, month]),
        xr.DataArray(inside, coords=[month]),
    )


def _opening_problems(network: Network) -> list[Problem]:
    """Opening stocks that no plan can respect: outside a depot tank, or above port storage."""
    density = {p.product: p.density_15_kg_m3 for p in network.products}
    problems: list[Problem] = []
    for i, t in enumerate(network.depot_tanks):
        cap_t = weight_in_air_t(t.capacity_m3, density[t.product])
        bottom_t = weight_in_air_t(t.tank_bottom_m3, density[t.product])
        if t.opening_stock_t > cap_t + 1e-9:
            problems.append(
                Problem(
                    "depot_tanks",
                    i + 2,
                    "opening_stock_t",
                    f"opening stock {t.opening_stock_t:,.0f} t of {t.product} at {t.depot} exceeds "
                    f"the tank capacity {t.capacity_m3:,.0f} m³ = {cap_t:,.0f} t (weight in air)",
                )
            )
        elif t.opening_stock_t < bottom_t - 1e-9:
            problems.append(
                Problem(
                    "depot_tanks",
                    i + 2,
                    "opening_stock_t",
                    f"opening stock {t.opening_stock_t:,.0f} t of {t.product} at {t.depot} is "
                    "below "
                    f"the tank bottom {t.tank_bottom_m3:,.0f} m³ = {bottom_t:,.0f} t",
                )
            )
    storage = {o.port: o.storage_capacity_t for o in network.ports}
    held: dict[str, float] = {}
    first_row: dict[str, int] = {}
    for i, ps in enumerate(network.port_stocks):
        held[ps.port] = held.get(ps.port, 0.0) + ps.opening_stock_t
        first_row.setdefault(ps.port, i + 2)
    for port, held_t in held.items():
        if held_t > storage[port] + 1e-9:
            problems.append(
                Problem(
                    "port_stocks",
                    first_row[port],
                    "opening_stock_t",
                    f"opening stocks at {port} total {held_t:,.0f} t, above the port's storage "
                    f"capacity {storage[port]:,.0f} t",
                )
            )
    return problems
