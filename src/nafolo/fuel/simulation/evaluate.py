"""A plan followed over many sampled scenarios at once (static policy with re-routing).

The public arrays (`Disruptions`, `Outcome`) carry the scenario as their first axis; inside, every
array carries it LAST, so a week's slice of any state is contiguous. The Python loops run over
weeks and over the few corridors, arcs or ports whose rows are summed. Each week: attacks and shock
onsets destroy a share of the loads on the road; loads due arrive at their depot; the plan's
dispatches (plus those held at the port earlier) leave on their corridor if it and its port are
open, within the corridor's truck capacity; what cannot leave is re-routed to the cheapest open
corridor from the same port with spare capacity, else held at the port for the next week; depots
release the plan's deliveries scaled to the realised demand, as far as their usable stock goes;
a region's shortage is its realised demand less what reached it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nafolo.fuel.simulation.disruption import Disruptions
from nafolo.fuel.simulation.system import SupplySystem
from nafolo.fuel.simulation.workspace import Workspace, empty

Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]
Reals = NDArray[np.floating[Any]]

STOCKOUT_SHARE = 0.01
"""A region is in stockout in a week when a product's shortage exceeds this share of its demand."""


@dataclass(frozen=True)
class Outcome:
    """Per scenario (axis 0), week and region: shortage, stockout, days of cover; and the ledger.

    The ledger balances in every scenario: opening_t + dispatched_t = received_t + lost_t +
    closing_depots_t + closing_on_road_t + closing_at_port_t + closing_to_regions_t, where
    dispatched_t is what the plan puts on the road at the ports over the horizon.
    """

    shortage_t: Floats  # scenario, week, region
    stockout: Bools  # scenario, week, region
    days_of_cover: Floats  # scenario, week, region (NaN where the region has no demand)
    demand_t: Floats  # scenario, week, region: realised demand
    opening_t: Floats  # scenario
    dispatched_t: Floats  # scenario
    received_t: Floats  # scenario: reached the regions
    lost_t: Floats  # scenario: destroyed on the road
    rerouted_t: Floats  # scenario
    closing_depots_t: Floats  # scenario
    closing_on_road_t: Floats  # scenario
    closing_at_port_t: Floats  # scenario
    closing_to_regions_t: Floats  # scenario

    @property
    def scenarios(self) -> int:
        return int(self.shortage_t.shape[0])

    def imbalance_t(self) -> Floats:
        """Sources less uses, per scenario (zero up to rounding)."""
        uses = (
            self.received_t
            + self.lost_t
            + self.closing_depots_t
            + self.closing_on_road_t
            + self.closing_at_port_t
            + self.closing_to_regions_t
        )
        return self.opening_t + self.dispatched_t - uses


def reroute_order(system: SupplySystem) -> list[tuple[int, list[int]]]:
    """For each corridor sharing its port, the other corridors of the port, cheapest first."""
    order = []
    for c in np.argsort(system.cost_xof_per_t, kind="stable"):
        same = np.flatnonzero(system.corridor_port == system.corridor_port[c])
        others = [int(a) for a in same[np.argsort(system.cost_xof_per_t[same], kind="stable")]]
        others = [a for a in others if a != c]
        if others:
            order.append((int(c), others))
    return order


def _region_allocation(system: SupplySystem) -> Floats:
    """(region, depot, product): share of the depot's planned withdrawals destined to the region."""
    per_arc = system.deliveries_t.sum(axis=0)  # arc, product
    n_r, n_d = len(system.regions), len(system.depots)
    to_region = np.zeros((n_r, n_d, per_arc.shape[1]))
    np.add.at(to_region, (system.arc_region, system.arc_depot), per_arc)
    total = to_region.sum(axis=0, keepdims=True)
    share: Floats = np.divide(to_region, total, out=np.zeros_like(to_region), where=total > 0)
    return share


_TINY = 1e-30
"""Stands in for a zero divisor: x / max(d, _TINY) is huge (so capped at 1) when d = 0."""


class _Groups:
    """Rows of an array summed by a key (corridors into depots, arcs into regions…). Rows are
    ranked by key and each key's rows summed in that fixed order, so a scenario's sums do not
    depend on how many scenarios are evaluated with it. (`np.add.reduceat` would do the same in
    one call but is many times slower on these shapes.)"""

    def __init__(self, keys: NDArray[np.integer[Any]], size: int) -> None:
        self.order = np.argsort(keys, kind="stable")
        ranked = keys[self.order]
        edges = np.r_[True, ranked[1:] != ranked[:-1], True] if len(keys) else np.zeros(0, bool)
        bounds: list[int] = np.flatnonzero(edges).tolist()
        self.runs = [(int(ranked[a]), int(a), int(b)) for a, b in itertools.pairwise(bounds)]
        self.missing = np.setdiff1d(np.arange(size), ranked)
        self.identity = len(keys) == size and not len(self.missing)

    def sum_into(self, ranked: Reals, out: Reals) -> None:
        """out[key] = Σ rows of that key; `ranked` holds the rows in `self.order`."""
        if self.identity:
            out[...] = ranked
            return
        for key, a, b in self.runs:
            if b - a == 1:
                out[key] = ranked[a]
            else:
                ranked[a:b].sum(axis=0, out=out[key])
        if len(self.missing):
            out[self.missing] = 0.0

    def add_into(self, ranked: Reals, out: Reals) -> None:
        """out[key] += Σ rows of that key; `ranked` holds the rows in `self.order`."""
        if self.identity:
            out += ranked
            return
        for key, a, b in self.runs:
            row = out[key]
            for i in range(a, b):
                row += ranked[i]


@dataclass(frozen=True)
class _Road:
    """Loads on the road on the corridors of one lead time L: L slots of (corridor, product,
    scenario); the slot w mod L holds what arrives in week w, and is refilled by week w's
    dispatch once emptied. Corridors are ranked by depot so arrivals sum with one reduceat."""

    lead: int
    corridors: NDArray[np.intp]
    into_depots: _Groups
    slots: Reals  # slot, corridor, product, scenario


def _scenario_last(values: NDArray[Any], dtype: Any = None) -> NDArray[Any]:
    """The (scenario, week, …) array as a contiguous (week, …, scenario) array (a view when
    `sample` made it)."""
    return np.ascontiguousarray(np.moveaxis(values, 0, -1), dtype=dtype)


KERNELS = ("compiled", "numpy")


def evaluate(
    system: SupplySystem,
    disruptions: Disruptions,
    *,
    stockout_share: float = STOCKOUT_SHARE,
    kernel: str = "compiled",
    workspace: Workspace | None = None,
) -> Outcome:
    """Follow the plan in every scenario of `disruptions` (static policy with re-routing).

    Given a `workspace`, the compiled kernel writes its outputs there (see `Workspace`).

    `kernel="compiled"` runs the numba week loop of kernel.py (groups of scenarios, one scenario
    per SIMD lane); `kernel="numpy"` the vectorised reference below. Both follow the same rules and
    agree to rounding; a scenario's result never depends on the other scenarios evaluated with it.
    """
    n_w = system.weeks
    if disruptions.road_open.shape[1] != n_w:
        raise ValueError(f"disruptions cover {disruptions.road_open.shape[1]} weeks, plan {n_w}")
    if kernel == "compiled":
        return _evaluate_compiled(system, disruptions, stockout_share, workspace)
    if kernel == "numpy":
        return _evaluate_numpy(system, disruptions, stockout_share)
    raise ValueError(f"kernel must be one of {', '.join(KERNELS)}, got {kernel!r}")


def _kernel_network(system: SupplySystem) -> tuple[NDArray[Any], ...]:
    """The kernel's network and plan arguments (`static_policy`'s from `corridor_port` to
    `without_demand`): index arrays in the numpy version's summation orders, contiguous."""
    n_r = len(system.regions)
    ints = np.int64
    lead = np.maximum(system.lead_weeks, 1).astype(ints)
    arrival_order = np.lexsort((np.arange(len(lead)), system.corridor_depot, system.lead_weeks))
    first_order = np.argsort(system.corridor_depot, kind="stable")
    port_corridors: list[int] = []
    port_start = [0]
    for p in range(len(system.ports)):
        on = np.flatnonzero(system.corridor_port == p)
        if len(on) > 1:
            port_corridors += on[np.argsort(system.cost_xof_per_t[on], kind="stable")].tolist()
            port_start.append(len(port_corridors))
    by_depot = np.argsort(system.arc_depot, kind="stable")
    arc_region = system.arc_region[by_depot]
    arc_lead = system.arc_lead_weeks[by_depot]
    receipt_order = []
    for weeks in np.unique(arc_lead):
        arcs = np.flatnonzero(arc_lead == weeks)
        receipt_order += arcs[np.argsort(arc_region[arcs], kind="stable")].tolist()

    share = _region_allocation(system)  # region, depot, product
    pair_region, pair_depot = np.nonzero(share.any(axis=2))  # ranked by region
    daily = system.demand_t / 7.0  # week, region, product
    per_day = np.divide(1.0, daily, out=np.zeros_like(daily), where=daily > 0)
    cover_per_t = share[pair_region, pair_depot][None] * per_day[:, pair_region]
    no_demand = daily <= 0
    return (
        np.ascontiguousarray(system.corridor_port, dtype=ints),
        np.ascontiguousarray(system.corridor_depot, dtype=ints),
        lead,
        arrival_order.astype(ints),
        np.ascontiguousarray(system.shipments_t, dtype=np.float64),
        np.ascontiguousarray((system.shipments_t / system.payload_t).sum(axis=2)),
        np.ascontiguousarray(system.capacity_trucks, dtype=np.float64),
        np.array(port_start, dtype=ints),
        np.array(port_corridors, dtype=ints),
        np.ascontiguousarray(system.in_transit_t, dtype=np.float64),
        first_order.astype(ints),
        np.ascontiguousarray(system.arc_depot[by_depot], dtype=ints),
        np.ascontiguousarray(arc_region, dtype=ints),
        np.ascontiguousarray(arc_lead, dtype=ints),
        np.array(receipt_order, dtype=ints),
        np.ascontiguousarray(system.deliveries_t[:, by_depot], dtype=np.float64),
        np.ascontiguousarray(system.depot_opening_t, dtype=np.float64),
        np.ascontiguousarray(system.bottom_t, dtype=np.float64),
        np.ascontiguousarray(system.demand_t, dtype=np.float64),
        np.searchsorted(pair_region, np.arange(n_r + 1)).astype(ints),
        pair_depot.astype(ints),
        np.ascontiguousarray(cover_per_t, dtype=np.float64),
        np.ascontiguousarray(no_demand),
        np.ascontiguousarray(no_demand.all(axis=2)),
    )


def _evaluate_compiled(
    system: SupplySystem,
    disruptions: Disruptions,
    stockout_share: float,
    workspace: Workspace | None = None,
) -> Outcome:
    """`evaluate` by the compiled kernel: the network's arrays (built once per system and
    workspace), the disruptions scenario-last, outputs written by the kernel."""
    from nafolo.fuel.simulation.kernel import static_policy

    policy: Any = static_policy  # numba's dispatcher: its arguments are checked when compiled
    n_s, n_w = disruptions.scenarios, system.weeks
    n_r = len(system.regions)
    if workspace is None:
        network = _kernel_network(system)
    else:
        network = workspace.derived("kernel-network", system, _kernel_network)
    per_week = (n_w, n_r, n_s)
    shortage = empty(workspace, "shortage", per_week, np.float64)
    stockout = empty(workspace, "stockout", per_week, bool)
    cover = empty(workspace, "cover", per_week, np.float64)
    demand_out = empty(workspace, "demand", per_week, np.float64)
    ledger = empty(workspace, "ledger", (7, n_s), np.float64)
    ints = np.int64
    draws = disruptions.demand
    if draws is not None:
        factor = np.ones((1, 1, 1, 1))
        cells, table, offset = draws.cells, draws.table, draws.offset
    else:
        factor = _scenario_last(disruptions.demand_factor, np.float64)
        cells, table = np.zeros((1, 1, 1, 1), dtype=np.uint16), np.ones(1, np.float32)
        offset = np.zeros((1, 1), dtype=ints)
    policy(
        _scenario_last(disruptions.road_open, bool),
        _scenario_last(disruptions.port_open, bool),
        _scenario_last(disruptions.loss_share, np.float64),
        factor,
        np.ascontiguousarray(cells, dtype=np.uint16),
        np.ascontiguousarray(table, dtype=np.float32),
        np.ascontiguousarray(offset, dtype=ints),
        draws is not None,
        *network,
        float(stockout_share),
        shortage,
        stockout,
        cover,
        demand_out,
        ledger,
    )
    return Outcome(
        shortage_t=np.moveaxis(shortage, -1, 0),
        stockout=np.moveaxis(stockout, -1, 0),
        days_of_cover=np.moveaxis(cover, -1, 0),
        demand_t=np.moveaxis(demand_out, -1, 0),
        opening_t=np.full(n_s, system.depot_opening_t.sum() + system.in_transit_t.sum()),
        dispatched_t=np.full(n_s, system.shipments_t.sum()),
        received_t=ledger[0],
        lost_t=ledger[1],
        rerouted_t=ledger[2],
        closing_depots_t=ledger[3],
        closing_on_road_t=ledger[4],
        closing_at_port_t=ledger[5],
        closing_to_regions_t=ledger[6],
    )


def _evaluate_numpy(
    system: SupplySystem, disruptions: Disruptions, stockout_share: float
) -> Outcome:
    """`evaluate` vectorised over scenarios (the reference implementation).

    Internally every array has the scenario as its LAST axis, so each week's slice of a state is
    contiguous and every operation runs over whole rows of scenarios; all sums over corridors,
    arcs or products add their terms in a fixed order, so a scenario's result does not depend on
    the other scenarios evaluated with it.
    """
    n_s, n_w = disruptions.scenarios, system.weeks
    real = np.float64  # single precision would leave ≈ 1e-7 of the tonnes unbalanced
    n_c, n_k = system.shipments_t.shape[1:]
    n_d, n_r = len(system.depots), len(system.regions)

    road_open = _scenario_last(disruptions.road_open, bool)  # week, corridor, s
    can_leave = road_open & _scenario_last(disruptions.port_open, bool)[:, system.corridor_port]
    leaves = can_leave.astype(real)  # 1 where a load can leave
    loss = _scenario_last(disruptions.loss_share, real)  # week, corridor, s
    lossy: Bools = np.asarray(loss.reshape(n_w, -1).any(axis=1))
    factor = _scenario_last(disruptions.demand_factor, real)  # week, region, product, s

    # The plan and the network in the working precision.
    shipments = system.shipments_t.astype(real)  # week, corridor, product
    plan_trucks = (system.shipments_t / system.payload_t).sum(axis=2).astype(real)
    capacity = system.capacity_trucks.astype(real)[:, :, None]  # week, corridor, 1
    bottom = system.bottom_t.astype(real)[:, :, None]  # depot, product, 1
    demand = system.demand_t.astype(real)[:, :, :, None]  # week, region, product, 1

    roads = []
    for lead in np.unique(system.lead_weeks):
        on = np.flatnonzero(system.lead_weeks == lead)
        on = on[np.argsort(system.corridor_depot[on], kind="stable")]
        weeks_on_road = max(int(lead), 1)  # dispatch follows arrivals: a load waits ≥ 1 week
        slots = np.zeros((weeks_on_road, len(on), n_k, n_s), dtype=real)
        roads.append(_Road(weeks_on_road, on, _Groups(system.corridor_depot[on], n_d), slots))
    arriving = _Groups(system.corridor_depot, n_d)  # loads on the road at the start
    first_loads = np.broadcast_to(
        system.in_transit_t[:, arriving.order, :, None].astype(real),
        (*system.in_transit_t.shape, n_s),
    ).copy()  # arrival week, corridor (by depot), product, s
    early_weeks = system.in_transit_t.shape[0]

    ports = [np.flatnonzero(system.corridor_port == p) for p in range(len(system.ports))]
    ports = [c[np.argsort(system.cost_xof_per_t[c], kind="stable")] for c in ports if len(c) > 1]

    by_depot = _Groups(system.arc_depot, n_d)
    arc_region = system.arc_region[by_depot.order]
    arc_lead = system.arc_lead_weeks[by_depot.order]
    deliveries = system.deliveries_t[:, by_depot.order, :, None].astype(real)  # week, arc, k, 1
    arc_served = system.arc_depot[by_depot.order]
    lead_groups = []
    for lead in np.unique(arc_lead):
        arcs = np.flatnonzero(arc_lead == lead)
        into_regions = _Groups(arc_region[arcs], n_r)
        ranked_arcs = arcs[into_regions.order]
        buffer = np.empty((len(arcs), n_k, n_s), dtype=real)
        lead_groups.append((int(lead), ranked_arcs, into_regions, buffer))
    same_arc_lead = len(lead_groups) == 1
    region_ring = int(arc_lead.max(initial=0)) + 1
    to_regions = np.zeros((region_ring, n_r, n_k, n_s), dtype=real)

    share = _region_allocation(system)  # region, depot, product
    pair_region, pair_depot = np.nonzero(share.any(axis=2))
    daily = system.demand_t / 7.0  # week, region, product
    per_day = np.divide(1.0, daily, out=np.zeros_like(daily), where=daily > 0)
    cover_per_t = (share[pair_region, pair_depot][None] * per_day[:, pair_region]).astype(real)
    by_region = _Groups(pair_region, n_r)
    pair_depot = pair_depot[by_region.order]
    cover_per_t = cover_per_t[:, by_region.order, :, None]  # week, pair, product, 1
    no_demand_inf = np.where(daily > 0, 0.0, np.inf).astype(real)[:, :, :, None]
    no_demand: Bools = np.asarray(daily <= 0)  # week, region, product
    some_without: Bools = np.asarray(no_demand.any(axis=(1, 2)))
    without_demand: Bools = np.asarray(no_demand.all(axis=2))  # week, region

    depot = np.broadcast_to(system.depot_opening_t.astype(real)[:, :, None], (n_d, n_k, n_s)).copy()
    held = np.zeros((n_c, n_k, n_s), dtype=real)  # at the port; to send this week
    held_trucks = np.zeros((n_c, n_s), dtype=real)
    sent = np.empty_like(held)
    need = np.empty((n_c, n_s), dtype=real)
    leaving = np.empty_like(need)
    spare = np.empty_like(need)
    on_road = np.empty_like(need)
    want = np.empty((len(arc_region), n_k, n_s), dtype=real)
    got = np.empty_like(want)
    want_depot = np.empty((n_d, n_k, n_s), dtype=real)
    usable = np.empty_like(want_depot)
    served = np.empty_like(want_depot)
    scratch = np.empty_like(want_depot)
    received = np.empty((n_r, n_k, n_s), dtype=real)
    realised = np.empty_like(received)
    short = np.empty_like(received)
    days = np.empty_like(received)
    out_of_stock = np.empty(received.shape, dtype=bool)
    pair_stock = np.empty((len(pair_region), n_k, n_s), dtype=real)

    lost = np.zeros(n_s)
    rerouted = np.zeros(n_s)
    received_total = np.zeros(n_s)
    shortage = np.empty((n_w, n_r, n_s), dtype=real)
    stockout = np.empty((n_w, n_r, n_s), dtype=bool)
    cover = np.empty((n_w, n_r, n_s), dtype=real)
    demand_out = np.empty((n_w, n_r, n_s), dtype=real)

    for w in range(n_w):
        # Losses on the road (attacks, shock onsets, named closures), then arrivals.
        if lossy[w]:
            for road in roads:
                hit = loss[w][road.corridors]  # corridor, s
                here = on_road[: len(road.corridors)]
                road.slots.sum(axis=(0, 2), out=here)
                here *= hit
                lost += here.sum(axis=0)
                np.multiply(road.slots, (1.0 - hit)[None, :, None, :], out=road.slots)
            if w < early_weeks:
                hit = loss[w][arriving.order]
                first_loads[w:].sum(axis=(0, 2), out=on_road)
                on_road *= hit
                lost += on_road.sum(axis=0)
                first_loads[w:] *= (1.0 - hit)[None, :, None, :]
        for road in roads:
            road.into_depots.add_into(road.slots[w % road.lead], depot)
        if w < early_weeks:
            arriving.add_into(first_loads[w], depot)
            first_loads[w] = 0.0

        # Dispatch: the plan plus what waited at the port, within the open corridors' trucks.
        held += shipments[w][:, :, None]
        np.add(held_trucks, plan_trucks[w][:, None], out=need)
        np.maximum(need, _TINY, out=leaving)
        np.divide(capacity[w], leaving, out=leaving)
        np.minimum(leaving, 1.0, out=leaving)
        leaving *= leaves[w]
        np.multiply(held, leaving[:, None, :], out=sent)
        held -= sent
        np.subtract(capacity[w], need, out=spare)
        np.maximum(spare, 0.0, out=spare)
        spare *= leaves[w]
        np.subtract(1.0, leaving, out=held_trucks)
        held_trucks *= need
        for corridors in ports:
            _reroute(corridors, held, held_trucks, spare, sent, rerouted)
        for road in roads:
            np.take(sent, road.corridors, axis=0, out=road.slots[w % road.lead], mode="clip")

        # Releases: the plan's deliveries scaled to realised demand, within usable stock.
        if same_arc_lead:
            week = min(w + int(arc_lead[0]), n_w - 1)
            np.take(factor[week], arc_region, axis=0, out=want, mode="clip")
        else:
            want[...] = factor[np.minimum(w + arc_lead, n_w - 1), arc_region]
        want *= deliveries[w]
        by_depot.sum_into(want, want_depot)
        np.subtract(depot, bottom, out=usable)
        np.maximum(usable, 0.0, out=usable)
        np.maximum(want_depot, _TINY, out=served)
        np.divide(usable, served, out=served)
        np.minimum(served, 1.0, out=served)
        np.multiply(want_depot, served, out=scratch)
        depot -= scratch
        np.take(served, arc_served, axis=0, out=got, mode="clip")
        got *= want
        for lead, ranked_arcs, into_regions, by_region_arcs in lead_groups:
            np.take(got, ranked_arcs, axis=0, out=by_region_arcs, mode="clip")
            if region_ring == 1:
                into_regions.sum_into(by_region_arcs, received)
            else:
                into_regions.add_into(by_region_arcs, to_regions[(w + lead) % region_ring])
        if region_ring > 1:
            slot = to_regions[w % region_ring]
            received[...] = slot
            slot.fill(0.0)

        # Demand, shortage and stockout.
        np.multiply(factor[w], demand[w], out=realised)
        np.subtract(realised, received, out=short)
        np.maximum(short, 0.0, out=short)
        received_total += received.sum(axis=(0, 1))
        short.sum(axis=1, out=shortage[w])
        realised.sum(axis=1, out=demand_out[w])
        np.multiply(realised, stockout_share, out=days)
        np.greater(short, days, out=out_of_stock)
        out_of_stock.any(axis=1, out=stockout[w])

        # Days of cover: each region's share of the usable stock of its depots ÷ daily demand.
        np.subtract(depot, bottom, out=usable)
        np.maximum(usable, 0.0, out=usable)
        np.take(usable, pair_depot, axis=0, out=pair_stock, mode="clip")
        pair_stock *= cover_per_t[w]
        by_region.sum_into(pair_stock, days)
        if some_without[w]:
            days += no_demand_inf[w]
        days.min(axis=1, out=cover[w])
        if without_demand[w].any():
            cover[w][without_demand[w]] = np.nan

    on_road_t = sum(road.slots.sum(axis=(0, 1, 2), dtype=np.float64) for road in roads)
    return Outcome(
        shortage_t=np.moveaxis(shortage, -1, 0),
        stockout=np.moveaxis(stockout, -1, 0),
        days_of_cover=np.moveaxis(cover, -1, 0),
        demand_t=np.moveaxis(demand_out, -1, 0),
        opening_t=np.full(n_s, system.depot_opening_t.sum() + system.in_transit_t.sum()),
        dispatched_t=np.full(n_s, system.shipments_t.sum()),
        received_t=received_total,
        lost_t=lost,
        rerouted_t=rerouted,
        closing_depots_t=depot.sum(axis=(0, 1), dtype=np.float64),
        closing_on_road_t=on_road_t + first_loads.sum(axis=(0, 1, 2), dtype=np.float64),
        closing_at_port_t=held.sum(axis=(0, 1), dtype=np.float64),
        closing_to_regions_t=to_regions.sum(axis=(0, 1, 2), dtype=np.float64),
    )


def _reroute(
    corridors: NDArray[np.intp],
    held: Reals,
    held_trucks: Reals,
    spare: Reals,
    sent: Reals,
    rerouted: Floats,
) -> None:
    """Re-route what waits at one port onto its open corridors' spare trucks, in place.

    `corridors` are the port's corridors, cheapest first. A corridor with loads waiting has no
    spare trucks (it is closed or full), so taking the waiting corridors cheapest first, each
    filling the spare corridors cheapest first, is the north-west corner rule on the two
    cumulated queues: waiting corridor i sends to spare corridor j the overlap of
    [T₁+…+Tᵢ₋₁, T₁+…+Tᵢ] and [P₁+…+Pⱼ₋₁, P₁+…+Pⱼ] trucks (with two corridors: min(T₁, P₂) one
    way, min(T₂, P₁) the other). Each product follows its corridor's trucks in proportion.
    """
    waiting = held_trucks[corridors]  # corridor, s
    room = spare[corridors]
    n = len(corridors)
    if n == 2:
        move = np.empty((2, 2, waiting.shape[1]), dtype=waiting.dtype)
        move[0, 0] = move[1, 1] = 0.0
        np.minimum(waiting[0], room[1], out=move[0, 1])
        np.minimum(waiting[1], room[0], out=move[1, 0])
    else:
        upto_t, upto_p = _cumulated(waiting), _cumulated(room)
        from_t, from_p = np.zeros_like(upto_t), np.zeros_like(upto_p)
        from_t[1:], from_p[1:] = upto_t[:-1], upto_p[:-1]
        move = np.minimum(upto_t[:, None], upto_p[None, :])  # from, to, s
        move -= np.maximum(from_t[:, None], from_p[None, :])
        np.maximum(move, 0.0, out=move)
    if not move.any():
        return
    share = move / np.maximum(waiting, _TINY)[:, None]  # from, to, s
    out_share = np.minimum(share.sum(axis=1), 1.0)  # from, s
    tonnes = held[corridors]  # from, product, s
    moved = tonnes * out_share[:, None]
    held[corridors] = tonnes - moved
    sent[corridors] += np.einsum("ijs,iks->jks", share, tonnes)
    rerouted += moved.sum(axis=(0, 1))
    held_trucks[corridors] = np.maximum(waiting - move.sum(axis=1), 0.0)


def _cumulated(values: Reals) -> Reals:
    """Running sums down axis 0 (np.cumsum is slow along a non-contiguous axis)."""
    out = np.empty_like(values)
    out[0] = values[0]
    for i in range(1, len(values)):
        np.add(out[i - 1], values[i], out=out[i])
    return out
