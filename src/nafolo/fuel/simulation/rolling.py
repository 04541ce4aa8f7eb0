"""Rolling-horizon policy: each week, a lean plan re-solved from what is seen, its first week done.

In each scenario and week the policy sees the stock in every depot (after this week's arrivals),
the loads on the road and when they land, what waits at each port, which corridors and ports are
open this week, and this week's demand. It solves a small linear programme over the next
`lookahead_weeks` weeks (docs/simulation.md, "Rolling-horizon policy") and carries out its first
week: dispatches on open corridors within their truck capacity, and releases from depots to
regions. Later weeks are planned on the expected availability of each corridor and port given
what is seen today (the two-state chains of the disruption model) and on planned demand.

The product reaching the ports is the static plan's: each week, the tonnes the plan dispatches
from a port become available there; the policy decides which corridor carries them, when, and
which depot serves which region. The physics of a week (losses, arrivals, sending, releases,
shortage, days of cover) and its bookkeeping are those of `evaluate`, so `check_conservation`
holds in every scenario.

The model's structure is built once per chunk; each solve changes only row bounds. Solves start
cold (no basis from an earlier scenario), so a scenario's result does not depend on which other
scenarios share its chunk; identical observed states (deterministic runs) are solved once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nafolo.fuel.simulation.disruption import DisruptionModel, Disruptions
from nafolo.fuel.simulation.evaluate import STOCKOUT_SHARE, Outcome
from nafolo.fuel.simulation.lp import LinearProgram, Solver
from nafolo.fuel.simulation.system import SupplySystem

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

SHORTAGE_PENALTY_XOF_PER_T = 5_000_000.0
"""Cost of a tonne short in the policy's model (the planner's default shortage penalty)."""

RELEASE_COST_XOF_PER_T = 1.0
"""A token cost on releases so that nothing leaves a depot without a region needing it."""


@dataclass(frozen=True)
class RollingSettings:
    """How the rolling policy plans: look-ahead, penalties, and the value of stock at its end.

    The end value stands for the weeks beyond the look-ahead: below the shortage penalty (a
    tonne short now is worse than a tonne less in stock later) and above any corridor's cost (so
    product is moved towards the depots rather than left at the port).
    """

    lookahead_weeks: int = 4
    shortage_penalty_xof_per_t: float = SHORTAGE_PENALTY_XOF_PER_T
    end_value_share: float = 0.1

    def __post_init__(self) -> None:
        if self.lookahead_weeks < 1:
            raise ValueError(f"lookahead_weeks must be ≥ 1, got {self.lookahead_weeks}")
        if not 0.0 < self.end_value_share < 1.0:
            raise ValueError(f"end_value_share must be in (0, 1), got {self.end_value_share}")


def port_supply_t(system: SupplySystem) -> Floats:
    """(week, port, product): the static plan's dispatches from each port, made available there."""
    supply = np.zeros((system.weeks, len(system.ports), len(system.products)))
    _add_into(supply, system.corridor_port, system.shipments_t)
    return supply


@dataclass
class _Model:
    """The look-ahead LP of one system, with the row blocks whose bounds change each solve."""

    solver: Solver
    lower: Floats
    upper: Floats
    x: Ints  # h, corridor, product
    y: Ints  # h, arc, product
    port_rows: Ints  # h, port, product
    cap_rows: Ints  # h, corridor
    depot_rows: Ints  # h, depot, product
    demand_rows: Ints  # h, region, product


def build_lookahead(system: SupplySystem, settings: RollingSettings) -> _Model:
    """The look-ahead LP: variables per week h = 0 … H − 1 of the look-ahead.

    send x[h,c,k] ≥ 0 (corridor cost), port stock p[h,o,k] ≥ 0, usable depot stock u[h,d,k] ≥ 0,
    release y[h,a,k] ≥ 0, shortage s[h,r,k] ≥ 0 (penalty); minus the end value on u[H−1] and on
    sends landing after the look-ahead. Rows (bounds set per solve):
    port  p[h] − p[h−1] + Σ_{c from o} x[h,c] = available at o in week h;
    cap   Σ_k x[h,c,k] / payload_k ≤ trucks expected on c in week h;
    depot u[h] − u[h−1] − Σ_{c into d} x[h−L_c,c] + Σ_{a from d} y[h,a] = landing in week h;
    demand Σ_{a into r} y[h−ℓ_a,a] + s[h,r] ≥ demand in week h − already on its way.
    """
    n_h = settings.lookahead_weeks
    n_c, n_k = system.shipments_t.shape[1:]
    n_o, n_d, n_r = len(system.ports), len(system.depots), len(system.regions)
    n_a = len(system.arc_region)
    end_value = settings.end_value_share * settings.shortage_penalty_xof_per_t
    lp = LinearProgram()
    h = np.arange(n_h)
    beyond = (h[:, None] + system.lead_weeks[None, :]) >= n_h  # h, corridor
    x_cost = system.cost_xof_per_t[None, :, None] - end_value * beyond[:, :, None]
    x = lp.variables((n_h, n_c, n_k), cost=x_cost)
    p = lp.variables((n_h, n_o, n_k))
    u_cost = np.zeros((n_h, 1, 1))
    u_cost[-1] = -end_value
    u = lp.variables((n_h, n_d, n_k), cost=u_cost)
    y = lp.variables((n_h, n_a, n_k), cost=RELEASE_COST_XOF_PER_T)
    s = lp.variables((n_h, n_r, n_k), cost=settings.shortage_penalty_xof_per_t)

    port_rows = lp.rows((n_h, n_o, n_k), 0.0, 0.0)
    lp.add(port_rows, p)
    lp.add(port_rows[1:], p[:-1], -1.0)
    lp.add(port_rows[:, system.corridor_port, :], x)

    cap_rows = lp.rows((n_h, n_c), upper=0.0)
    lp.add(cap_rows[:, :, None], x, 1.0 / system.payload_t[None, None, :])

    depot_rows = lp.rows((n_h, n_d, n_k), 0.0, 0.0)
    lp.add(depot_rows, u)
    lp.add(depot_rows[1:], u[:-1], -1.0)
    for c in range(n_c):
        lead = int(system.lead_weeks[c])
        if lead < n_h:
            lp.add(depot_rows[lead:, system.corridor_depot[c], :], x[: n_h - lead, c, :], -1.0)
    lp.add(depot_rows[:, system.arc_depot, :], y)

    demand_rows = lp.rows((n_h, n_r, n_k), 0.0)
    lp.add(demand_rows, s)
    for a in range(n_a):
        lead = int(system.arc_lead_weeks[a])
        if lead < n_h:
            lp.add(demand_rows[lead:, system.arc_region[a], :], y[: n_h - lead, a, :])
    return _Model(
        lp.solver(),
        lp.lower_rows(),
        lp.upper_rows(),
        x,
        y,
        port_rows,
        cap_rows,
        depot_rows,
        demand_rows,
    )


def _chain_open(p: Floats, q: Floats, open_now: NDArray[np.bool_], steps: Ints) -> Floats:
    """P(open after each number of `steps`) of two-state chains (close p, reopen q) seen open or
    closed now: (step, element)."""
    total = p + q
    stay_open = np.divide(q, total, out=np.ones_like(total), where=total > 0)
    decay = (1.0 - total)[None, :] ** steps[:, None]
    from_open = stay_open + (1.0 - stay_open) * decay
    from_closed = stay_open * (1.0 - decay)
    return np.where(open_now[None, :], from_open, from_closed)


def evaluate_rolling(
    system: SupplySystem,
    model: DisruptionModel,
    disruptions: Disruptions,
    settings: RollingSettings | None = None,
    *,
    stockout_share: float = STOCKOUT_SHARE,
) -> Outcome:
    """Run the rolling-horizon policy in every scenario of `disruptions` (same sampled futures as
    the static policy's `evaluate`)."""
    settings = settings or RollingSettings()
    n_s, n_w = disruptions.scenarios, system.weeks
    if disruptions.road_open.shape[1] != n_w:
        raise ValueError(f"disruptions cover {disruptions.road_open.shape[1]} weeks, plan {n_w}")
    n_c, n_k = system.shipments_t.shape[1:]
    n_o, n_d, n_r = len(system.ports), len(system.depots), len(system.regions)
    n_h = settings.lookahead_weeks
    lp = build_lookahead(system, settings)
    supply = port_supply_t(system)
    capacity = system.capacity_trucks
    ring = int(max(system.lead_weeks.max(initial=1), system.in_transit_t.shape[0])) + 1
    region_ring = int(system.arc_lead_weeks.max(initial=0)) + 1

    pipe = np.zeros((ring, n_s, n_c, n_k))  # landing week % ring
    for a in range(system.in_transit_t.shape[0]):
        pipe[a % ring] += system.in_transit_t[a]
    to_regions = np.zeros((region_ring, n_s, n_r, n_k))
    depot = np.broadcast_to(system.depot_opening_t, (n_s, n_d, n_k)).copy()
    bottom = system.bottom_t
    held = np.zeros((n_s, n_o, n_k))
    lost = np.zeros(n_s)
    rerouted = np.zeros(n_s)
    received_total = np.zeros(n_s)
    opening = np.full(n_s, system.depot_opening_t.sum() + system.in_transit_t.sum())
    dispatched = np.full(n_s, system.shipments_t.sum())
    allocation = _region_allocation(system)  # region, depot, product
    daily_demand = system.demand_t / 7.0  # week, region, product
    planned_by_corridor = system.shipments_t.sum(axis=2)  # week, corridor

    steps = np.arange(n_h, dtype=np.int64)
    port_of = system.corridor_port
    into = system.corridor_depot

    shortage = np.zeros((n_s, n_w, n_r))
    stockout = np.zeros((n_s, n_w, n_r), dtype=bool)
    cover = np.zeros((n_s, n_w, n_r))
    demand_out = np.zeros((n_s, n_w, n_r))
    path = [b""] * n_s
    bases: list[Any] = [None] * n_s
    lower, upper = lp.lower.copy(), lp.upper.copy()
    for w in range(n_w):
        loss = disruptions.loss_share[:, w]  # s, corridor
        if loss.any():
            lost += (pipe.sum(axis=(0, 3)) * loss).sum(axis=1)
            pipe *= (1.0 - loss)[None, :, :, None]
        slot = w % ring
        _add_into(depot, into, pipe[slot])
        pipe[slot] = 0.0

        weeks_ahead = w + steps
        inside = weeks_ahead < n_w
        clipped = np.minimum(weeks_ahead, n_w - 1)
        supply_ahead = supply[clipped] * inside[:, None, None]  # h, port, product
        capacity_ahead = capacity[clipped] * inside[:, None]  # h, corridor
        demand_ahead = system.demand_t[clipped] * inside[:, None, None]  # h, region, product
        port_open = disruptions.port_open[:, w]  # s, port
        can_leave = disruptions.road_open[:, w] & port_open[:, port_of]  # s, corridor
        cache: dict[bytes, tuple[Floats, Floats, Any]] = {}  # this week's, by path of states
        sends = np.zeros((n_s, n_c, n_k))
        releases = np.zeros((n_s, len(system.arc_region), n_k))
        for i in range(n_s):
            if model.stochastic:
                road = _chain_open(
                    model.close_p, model.reopen_p, disruptions.road_open[i, w], steps
                )
                port = _chain_open(model.delay_p, model.delay_end_p, port_open[i], steps)
                expected = road * port[:, port_of]
                expected[0] = can_leave[i]
            else:
                expected = np.broadcast_to(can_leave[i].astype(float), (n_h, n_c))
            port_rhs = supply_ahead.copy()
            port_rhs[0] += held[i]
            usable = np.maximum(depot[i] - bottom, 0.0)
            landing = np.zeros((n_h, n_d, n_k))
            landing[0] = usable
            for h in range(1, min(n_h, ring)):
                np.add.at(landing[h], into, pipe[(w + h) % ring, i])
            demand_rhs = demand_ahead.copy()
            demand_rhs[0] *= disruptions.demand_factor[i, w]
            for h in range(min(n_h, region_ring)):
                demand_rhs[h] -= to_regions[(w + h) % region_ring, i]
            cap_rhs = capacity_ahead * expected
            lower[lp.port_rows] = upper[lp.port_rows] = port_rhs
            upper[lp.cap_rows] = cap_rhs
            lower[lp.depot_rows] = upper[lp.depot_rows] = landing
            lower[lp.demand_rows] = demand_rhs
            state = np.round(np.concatenate([lower, upper[lp.cap_rows].ravel()]), 6)
            path[i] = hashlib.sha256(path[i] + state.tobytes()).digest()
            if path[i] not in cache:
                solution = lp.solver.solve(lower, upper, start=bases[i])
                cache[path[i]] = (solution[lp.x[0]], solution[lp.y[0]], lp.solver.basis())
            sends[i], releases[i], bases[i] = cache[path[i]]

        # Dispatch: what the plan chose, within what waits at the port and the open trucks.
        sends = np.maximum(sends, 0.0) * can_leave[:, :, None]
        available = held + supply[w][None]
        asked = np.zeros_like(available)
        _add_into(asked, port_of, sends)
        scale = np.minimum(
            1.0, np.divide(available, asked, out=np.ones_like(asked), where=asked > 0)
        )
        sends *= scale[:, port_of, :]
        trucks = (sends / system.payload_t).sum(axis=2)
        fits = np.minimum(
            1.0, np.divide(capacity[w], trucks, out=np.ones_like(trucks), where=trucks > 0)
        )
        sends *= fits[:, :, None]
        sent_from_port = np.zeros_like(available)
        _add_into(sent_from_port, port_of, sends)
        held = np.maximum(available - sent_from_port, 0.0)
        rerouted += np.maximum(sends.sum(axis=2) - planned_by_corridor[w], 0.0).sum(axis=1)
        for c in range(n_c):
            pipe[(w + int(system.lead_weeks[c])) % ring, :, c] += sends[:, c]

        # Releases: as planned, within each depot's usable stock (a shortfall shared pro rata).
        releases = np.maximum(releases, 0.0)
        want = np.zeros((n_s, n_d, n_k))
        _add_into(want, system.arc_depot, releases)
        usable = np.maximum(depot - bottom, 0.0)
        served = np.minimum(1.0, np.divide(usable, want, out=np.ones_like(want), where=want > 0))
        got = releases * served[:, system.arc_depot]
        depot -= want * served
        for a in range(len(system.arc_region)):
            lead = int(system.arc_lead_weeks[a])
            to_regions[(w + lead) % region_ring, :, system.arc_region[a]] += got[:, a]
        received = to_regions[w % region_ring].copy()
        to_regions[w % region_ring] = 0.0
        realised = system.demand_t[w] * disruptions.demand_factor[:, w]  # s, region, product
        short = np.maximum(realised - received, 0.0)
        received_total += received.sum(axis=(1, 2))
        shortage[:, w] = short.sum(axis=2)
        stockout[:, w] = (short > stockout_share * realised).any(axis=2)
        demand_out[:, w] = realised.sum(axis=2)
        usable = np.maximum(depot - bottom, 0.0)
        for_region = np.einsum("sdk,rdk->srk", usable, allocation)
        days = np.divide(
            for_region,
            daily_demand[w][None],
            out=np.full_like(for_region, np.inf),
            where=daily_demand[w][None] > 0,
        )
        least = days.min(axis=2)
        cover[:, w] = np.where(np.isfinite(least), least, np.nan)

    return Outcome(
        shortage_t=shortage,
        stockout=stockout,
        days_of_cover=cover,
        demand_t=demand_out,
        opening_t=opening,
        dispatched_t=dispatched,
        received_t=received_total,
        lost_t=lost,
        rerouted_t=rerouted,
        closing_depots_t=depot.sum(axis=(1, 2)),
        closing_on_road_t=pipe.sum(axis=(0, 2, 3)),
        closing_at_port_t=held.sum(axis=(1, 2)),
        closing_to_regions_t=to_regions.sum(axis=(0, 2, 3)),
    )


def _add_into(out: Floats, index: Ints, values: Floats) -> None:
    """out[:, index[j]] += values[:, j] (repeated indexes accumulate)."""
    np.add.at(out.swapaxes(0, 1), index, values.swapaxes(0, 1))


def _region_allocation(system: SupplySystem) -> Floats:
    """(region, depot, product): the region's share of the depot's planned withdrawals, the
    weights days of cover uses (as in the static evaluation)."""
    per_arc = system.deliveries_t.sum(axis=0)  # arc, product
    to_region = np.zeros((len(system.regions), len(system.depots), per_arc.shape[1]))
    np.add.at(to_region, (system.arc_region, system.arc_depot), per_arc)
    total = to_region.sum(axis=0, keepdims=True)
    share: Floats = np.divide(to_region, total, out=np.zeros_like(to_region), where=total > 0)
    return share
