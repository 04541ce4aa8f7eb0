"""The weekly supply plan as a linopy model: one function per constraint block of docs/planner.md.

Blocks are vectorised over their domain dimensions. Time links (previous week's stock, lead times,
trucks still on the road) are written explicitly with `earlier`, which re-indexes an expression by
whole weeks and leaves no term where the source week falls before week 1: the first week's balances
therefore carry the opening stock as their constant, without relying on linopy's shift semantics.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import linopy
import numpy as np
import pandas as pd
import xarray as xr
from linopy import LinearExpression

from nafolo.fuel.planning.data import PlanData

HARD_LIMITS: tuple[str, ...] = (
    "contract_min",
    "contract_max",
    "port_storage",
    "port_loading",
    "corridor_capacity",
    "escort_capacity",
    "fleet_turnaround",
    "depot_capacity_max",
    "depot_capacity_min",
    "depot_throughput_in",
    "depot_throughput_out",
)
"""Constraint names that are limits (not balances): softened in the elastic (diagnosis) model."""


def violation_name(block: str) -> str:
    """Name of the elastic model's violation slack of a hard limit block."""
    return f"violation_{block}_pos"


def earlier(expr: LinearExpression, source_week: xr.DataArray) -> LinearExpression:
    """`expr` re-indexed in time: at week position i it holds `expr` at position `source_week[i]`
    (0-based, broadcast over any other dimension), and nothing where `source_week` is −1."""
    data = expr.data
    dims = list(data["const"].dims)
    src = xr.broadcast(source_week, data["const"])[0].transpose(*dims).to_numpy().astype(int)
    axis = dims.index("week")
    valid = src >= 0
    idx = np.where(valid, src, 0)
    const = np.where(valid, np.take_along_axis(data["const"].to_numpy(), idx, axis), 0.0)
    term_idx = np.broadcast_to(idx[..., None], data["vars"].shape)
    keep = np.broadcast_to(valid[..., None], data["vars"].shape)
    variables = np.where(keep, np.take_along_axis(data["vars"].to_numpy(), term_idx, axis), -1)
    coeffs = np.where(keep, np.take_along_axis(data["coeffs"].to_numpy(), term_idx, axis), np.nan)
    shifted = data.copy()
    shifted["const"] = (dims, const)
    shifted["vars"] = ([*dims, "_term"], variables)
    shifted["coeffs"] = ([*dims, "_term"], coeffs)
    return LinearExpression(shifted, expr.model)


def grouped_sum(expr: LinearExpression, groups: pd.Series, index: pd.Index) -> LinearExpression:
    """`expr` summed over the dimension `groups` is indexed by, into the groups its labels map to
    (`groups[label]`), on the full `index` (a group with no member holds no term). A sparse
    aggregation: each group gathers only its members' terms, never a dense incidence table."""
    summed = expr.groupby(groups).sum()
    return summed.reindex({str(index.name): index})


def lagged(expr: LinearExpression, data: PlanData, lag: xr.DataArray | int) -> LinearExpression:
    """`expr` `lag` weeks earlier (lag may vary along other dimensions, e.g. per corridor)."""
    position = xr.DataArray(np.arange(data.n_weeks), coords=[data.weeks]) - lag
    return earlier(expr, position.where(position >= 0, -1))


def next_week(expr: LinearExpression, data: PlanData) -> LinearExpression:
    """`expr` of the coming week (w′ = w + 1; the last week's own value for week N)."""
    position = np.minimum(np.arange(data.n_weeks) + 1, data.n_weeks - 1)
    return earlier(expr, xr.DataArray(position, coords=[data.weeks]))


BlockTimes = dict[str, float]
"""Seconds spent building each block (variables, shared flows, constraint blocks, objective)."""


def build_model(
    data: PlanData, integer_trucks: bool = False, *, timings: BlockTimes | None = None
) -> linopy.Model:
    """The plan's linear programme (mixed-integer in truckloads when `integer_trucks`).

    When `timings` is given, the seconds each block took are recorded in it (for profiling).
    """
    model = linopy.Model(force_dim_names=True)
    clock = _BlockClock(timings)
    with clock("variables"):
        add_variables(model, data, integer_trucks)
    with clock("flows"):
        f = flows(model, data)
    with clock("contract_band"):
        add_contract_band(model, data)
    with clock("port_balance"):
        add_port_balance(model, data, f)
    with clock("port_storage"):
        add_port_storage(model, data)
    with clock("port_loading"):
        add_port_loading(model, data, f)
    with clock("corridor_capacity"):
        add_corridor_capacity(model, data)
    with clock("escort_capacity"):
        add_escort_capacity(model, data)
    with clock("fleet_turnaround"):
        add_fleet_turnaround(model, data)
    with clock("depot_balance"):
        add_depot_balance(model, data, f)
    with clock("depot_capacity"):
        add_depot_capacity(model, data)
    with clock("depot_throughput"):
        add_depot_throughput(model, data, f)
    with clock("regional_demand"):
        add_regional_demand(model, data, f)
    with clock("days_of_cover"):
        add_days_of_cover(model, data, f)
    with clock("objective"):
        add_objective(model, data, f)
    return model


class _BlockClock:
    """Context managers that add the wall time of each named block to `timings` (if any)."""

    def __init__(self, timings: BlockTimes | None) -> None:
        self.timings = timings

    @contextmanager
    def __call__(self, block: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        if self.timings is not None:
            self.timings[block] = self.timings.get(block, 0.0) + time.perf_counter() - started


def build_elastic_model(data: PlanData) -> linopy.Model:
    """The plan with every hard limit softened by a violation slack; the objective is the total
    violation. Always feasible; its non-zero slacks show which requirements conflict."""
    model = build_model(data)
    total: LinearExpression | None = None
    for name in HARD_LIMITS:
        if name in model.constraints:
            slack = model.constraints[name].soften(1.0, name=f"violation_{name}")
            assert slack.positive.name == violation_name(name)
            term = slack.positive.sum()
            total = term if total is None else total + term
    assert total is not None
    model.add_objective(total, overwrite=True)
    return model


def add_variables(model: linopy.Model, data: PlanData, integer_trucks: bool) -> None:
    """lift, port_stock, trucks, depot_stock, deliver (arcs only), shortage, cover_gap; all ≥ 0."""
    w = data.weeks
    model.add_variables(lower=0.0, coords=[data.offers, w], name="lift")
    model.add_variables(lower=0.0, coords=[data.ports, data.products, w], name="port_stock")
    model.add_variables(
        lower=0.0, coords=[data.corridors, data.products, w], name="trucks", integer=integer_trucks
    )
    model.add_variables(lower=0.0, coords=[data.depots, data.products, w], name="depot_stock")
    arcs = data.arc.expand_dims(product=data.products, week=w).transpose(
        "region", "depot", "product", "week"
    )
    model.add_variables(
        lower=0.0, coords=[data.regions, data.depots, data.products, w], name="deliver", mask=arcs
    )
    model.add_variables(lower=0.0, coords=[data.regions, data.products, w], name="shortage")
    model.add_variables(lower=0.0, coords=[data.depots, data.products, w], name="cover_gap")


@dataclass(frozen=True)
class Flows:
    """Tonnage expressions several blocks share, built once per model."""

    shipped: LinearExpression  # corridor, product, week: payload_t · trucks (t)
    port_outflow: LinearExpression  # port, product, week: tonnes dispatched from the port
    depot_receipts: LinearExpression  # depot, product, week: loads of the plan arriving
    deliveries: LinearExpression  # region, depot, product, week: deliver, 0 off the arcs
    region_arcs: LinearExpression  # region, slot, product, week: deliver on the region's arcs
    depot_withdrawals: LinearExpression  # depot, product, week: tonnes leaving for the regions


def flows(model: linopy.Model, data: PlanData) -> Flows:
    """The shared flows of `model`'s variables: ship = payload · trucks, summed per port of
    departure, lagged by the lead time and summed per depot of arrival; deliveries gathered along
    each region's and each depot's arcs only (padding slots hold no term)."""
    shipped = model.variables["trucks"] * data.payload_t
    arriving = lagged(shipped, data, data.lead_weeks)
    deliveries = model.variables["deliver"].fillna(0)
    assert isinstance(deliveries, LinearExpression)
    return Flows(
        shipped=shipped,
        port_outflow=grouped_sum(shipped, data.corridor_port, data.ports),
        depot_receipts=grouped_sum(arriving, data.corridor_depot, data.depots),
        deliveries=deliveries,
        region_arcs=deliveries.isel(depot=data.depot_slots),
        depot_withdrawals=deliveries.isel(region=data.region_slots).sum("slot"),
    )


def first_week(data: PlanData, opening: xr.DataArray) -> xr.DataArray:
    """A constant that is the opening stock in week 1 and 0 afterwards."""
    is_first = xr.DataArray((data.weeks == 1).astype(float), coords=[data.weeks])
    return opening * is_first


def add_contract_band(model: linopy.Model, data: PlanData) -> None:
    """1. φ[m]·min_q ≤ Σ_{s∈q} Σ_w σ[w,m]·lift[s,w] ≤ φ[m]·max_q, per contract and month."""
    by_contract = grouped_sum(1 * model.variables["lift"], data.offer_contract, data.contracts)
    lifted = (by_contract * data.month_share).sum("week")
    model.add_constraints(
        lifted >= data.month_in_horizon * data.contract_min_t, name="contract_min"
    )
    model.add_constraints(
        lifted <= data.month_in_horizon * data.contract_max_t, name="contract_max"
    )


def add_port_balance(model: linopy.Model, data: PlanData, f: Flows) -> None:
    """2. port_stock[w] = port_stock[w−1] (opening in week 1) + landed − dispatched."""
    stock = model.variables["port_stock"]
    landed = (model.variables["lift"] * data.offer_at).sum("offer")
    balance = stock - lagged(1 * stock, data, 1) - landed + f.port_outflow
    model.add_constraints(balance == first_week(data, data.port_opening_t), name="port_balance")


def add_port_storage(model: linopy.Model, data: PlanData) -> None:
    """3. Σ_k port_stock[o,k,w] ≤ storage_capacity_t[o]."""
    model.add_constraints(
        model.variables["port_stock"].sum("product") <= data.port_storage_t, name="port_storage"
    )


def add_port_loading(model: linopy.Model, data: PlanData, f: Flows) -> None:
    """4. Σ_{c from o} Σ_k ship[c,k,w] ≤ loading_capacity_t_per_week[o]."""
    model.add_constraints(
        f.port_outflow.sum("product") <= data.port_loading_t_per_week,
        name="port_loading",
    )


def add_corridor_capacity(model: linopy.Model, data: PlanData) -> None:
    """5. Σ_k trucks[c,k,w] ≤ a[c,w] · max_trucks_per_week[c]."""
    model.add_constraints(
        model.variables["trucks"].sum("product") <= data.availability * data.max_trucks_per_week,
        name="corridor_capacity",
    )


def add_escort_capacity(model: linopy.Model, data: PlanData) -> None:
    """6. Escorted corridors: Σ_k trucks[c,k,w] ≤ a[c,w] · convoys a week · trucks a convoy."""
    escorted = [c for c, e in zip(data.corridors, data.escorted.to_numpy(), strict=True) if e]
    if not escorted:
        return
    trucks = model.variables["trucks"].sel(corridor=escorted).sum("product")
    limit = (data.availability * data.escort_trucks_per_week).sel(corridor=escorted)
    model.add_constraints(trucks <= limit, name="escort_capacity")


def add_fleet_turnaround(model: linopy.Model, data: PlanData) -> None:
    """7. Σ_c Σ_j β[c,j] · Σ_k trucks[c,k,w−j] ≤ trucks_in_fleet (w − j < 1 dropped)."""
    dispatched = model.variables["trucks"].sum("product")
    offset = data.busy_share.indexes["offset"]
    by_offset = dispatched.expand_dims(offset=offset)
    lag = xr.DataArray(offset.to_numpy(), coords=[offset])
    busy = (lagged(by_offset, data, lag) * data.busy_share).sum(["corridor", "offset"])
    model.add_constraints(busy <= float(data.fleet_trucks), name="fleet_turnaround")


def add_depot_balance(model: linopy.Model, data: PlanData, f: Flows) -> None:
    """8. depot_stock[w] = depot_stock[w−1] (opening in week 1) + arrivals + arr0 − withdrawals."""
    stock = model.variables["depot_stock"]
    balance = stock - lagged(1 * stock, data, 1) - f.depot_receipts + f.depot_withdrawals
    rhs = first_week(data, data.depot_opening_t) + data.arrivals_in_transit_t
    model.add_constraints(balance == rhs, name="depot_balance")


def add_depot_capacity(model: linopy.Model, data: PlanData) -> None:
    """9. bottom_t ≤ depot_stock ≤ cap_t (as constraints, so that tankage has a dual)."""
    stock = model.variables["depot_stock"]
    model.add_constraints(stock <= data.cap_t, name="depot_capacity_max")
    model.add_constraints(stock >= data.bottom_t, name="depot_capacity_min")


def add_depot_throughput(model: linopy.Model, data: PlanData, f: Flows) -> None:
    """10. Receipts (incl. opening in-transit) and loadings out ≤ throughput_t_per_week[d]."""
    receipts = f.depot_receipts.sum("product")
    arr0 = data.arrivals_in_transit_t.sum("product")
    model.add_constraints(receipts <= data.throughput_t_per_week - arr0, name="depot_throughput_in")
    model.add_constraints(
        f.depot_withdrawals.sum("product") <= data.throughput_t_per_week,
        name="depot_throughput_out",
    )


def add_regional_demand(model: linopy.Model, data: PlanData, f: Flows) -> None:
    """11. Σ_d deliver[r,d,k,w−ℓ[r,d]] + shortage[r,k,w] = dem[r,k,w]."""
    lead = data.arc_lead_weeks.isel(depot=data.depot_slots)
    arriving = lagged(f.region_arcs, data, lead).sum("slot")
    model.add_constraints(
        arriving + model.variables["shortage"] == data.demand_t, name="regional_demand"
    )


def add_days_of_cover(model: linopy.Model, data: PlanData, f: Flows) -> None:
    """12. (soft) depot_stock − bottom_t + cover_gap ≥ (target_d / 7) · withdrawals of week w′."""
    coming = next_week(f.depot_withdrawals, data)
    lhs = (
        model.variables["depot_stock"]
        + model.variables["cover_gap"]
        - coming * (data.cover_target_d / 7.0)
    )
    model.add_constraints(lhs >= data.bottom_t, name="days_of_cover")


def add_objective(model: linopy.Model, data: PlanData, f: Flows) -> None:
    """Purchases, transport, holding, penalties, minus the value of stock left at the end (XOF)."""
    v = model.variables
    p = data.parameters
    cost = (
        (v["lift"] * data.offer_price_xof_per_t).sum()
        + (f.shipped * data.corridor_cost_xof_per_t).sum()
        + (f.region_arcs * data.arc_cost_xof_per_t.isel(depot=data.depot_slots)).sum()
        + (v["depot_stock"] * data.holding_xof_per_t_week).sum()
        + p.shortage_penalty_xof_per_t * v["shortage"].sum()
        + p.cover_shortfall_penalty_xof_per_t_week * v["cover_gap"].sum()
    )
    if p.end_stock_value_xof_per_t:
        last = v["depot_stock"].sel(week=data.weeks[-1]).sum()
        cost = cost - p.end_stock_value_xof_per_t * last
    model.add_objective(cost)
