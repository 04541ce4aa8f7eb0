"""Robust plan: dispatches and deliveries chosen by a two-stage LP over K sampled scenarios.

First stage (the plan, the same in every scenario): tonnes dispatched on each corridor each week
x[w,c,k], and how each region's planned deliveries are split among its depots z[w,a,k] (the
region's weekly total stays the static plan's). Second stage (per design scenario ξ, weight 1/K):
what leaves v[ξ,w,c,k] within the corridor's trucks in the weeks it and its port are open (the
rest waits at the port; in a week its corridor is closed it may be re-routed to another corridor
of the same port, as in the evaluation), what survives attacks on the road, releases = z × the
realised demand factor less what is held back when a depot is empty (penalised like shortage),
and shortage. The product reaching the ports is the static plan's: the robust plan may send it on
other corridors and later (never earlier), and must send all of it by the end of the horizon.
Every tonne planned otherwise than in the static plan costs `DEPARTURE_XOF_PER_T`, so the plan
departs from the static one only where that pays.

The robust plan is then followed like any plan (`evaluate`, static policy with re-routing) on
the evaluation scenarios, drawn from another seed than the K design scenarios, so its gain is
measured out of sample. Its cost is the static plan's plus the difference in corridor transport
cost (XOF) of its dispatches. Not constraints here: tank capacity, depot throughput, the fleet.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from nafolo.fuel.simulation.disruption import DisruptionModel, sample
from nafolo.fuel.simulation.evaluate import reroute_order
from nafolo.fuel.simulation.lp import LinearProgram
from nafolo.fuel.simulation.rolling import SHORTAGE_PENALTY_XOF_PER_T, port_supply_t
from nafolo.fuel.simulation.system import SupplySystem

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

DESIGN_SCENARIOS = 4
"""K: sampled scenarios the robust plan is designed on (LP size grows linearly with it)."""

DESIGN_SEED_OFFSET = 1_000_003
"""Design scenarios use seed + this, so they are not the scenarios the plan is evaluated on."""

PLAN_COST_XOF_PER_T = 1.0
"""A token cost on planned deliveries, so that none is planned without a use."""

DEPARTURE_XOF_PER_T = 1_000.0
"""Cost in the LP of a tonne dispatched or delivered otherwise than in the static plan."""

REROUTE_XOF_PER_T = 1.0
"""A token cost on re-routing, so that loads take their planned corridor when it is open."""

HELD_BACK_SHARE = 1.0
"""Cost of a planned release not made (the depot is empty), as a share of the shortage penalty:
planning deliveries from a depot that will often be empty is discouraged."""


@dataclass(frozen=True)
class RobustPlan:
    """The robust plan as a system to follow, and what it costs beyond the static plan."""

    system: SupplySystem
    design_scenarios: int
    design_seed: int
    extra_transport_xof: float
    """Corridor transport cost of the robust dispatches less that of the static plan's."""
    expected_design_shortage_t: float
    """Expected shortage over the design scenarios, as the LP sees it."""
    static_design_shortage_t: float
    """The same for the static plan (its dispatches and deliveries fixed in the same LP)."""
    variables: int
    constraints: int
    seconds: float


def _stay_close(lp: LinearProgram, plan: Ints, static: Floats) -> None:
    """Charge `DEPARTURE_XOF_PER_T` on every tonne the robust plan moves away from the static
    plan, so that it keeps the static plan wherever departing buys nothing (the LP has many
    equally good plans otherwise, and an arbitrary one can do worse out of sample)."""
    shape = plan.shape
    departure = lp.variables(shape, cost=DEPARTURE_XOF_PER_T)
    above = lp.rows(shape, upper=static)
    lp.add(above, plan)
    lp.add(above, departure, -1.0)
    below = lp.rows(shape, lower=static)
    lp.add(below, plan)
    lp.add(below, departure)


def _survival(system: SupplySystem, keep: Floats) -> Floats:
    """(week sent, corridor): share of a load surviving the attacks and shock onsets of the weeks
    it spends on the road (weeks w + 1 … w + L, as in the evaluation)."""
    n_w, n_c = keep.shape
    survive = np.ones((n_w, n_c))
    for c in range(n_c):
        for j in range(1, int(system.lead_weeks[c]) + 1):
            survive[: n_w - j, c] *= keep[j:, c]
    return survive


def robust_plan(
    system: SupplySystem,
    model: DisruptionModel,
    seed: int,
    *,
    design_scenarios: int = DESIGN_SCENARIOS,
    shortage_penalty_xof_per_t: float = SHORTAGE_PENALTY_XOF_PER_T,
    plan_deliveries: bool = True,
) -> RobustPlan:
    """The two-stage robust plan of `system` under `model`, designed on `design_scenarios`
    scenarios drawn with seed `seed + DESIGN_SEED_OFFSET`."""
    if design_scenarios < 1:
        raise ValueError(f"design_scenarios must be ≥ 1, got {design_scenarios}")
    started = time.perf_counter()
    design_seed = seed + DESIGN_SEED_OFFSET
    futures = sample(model, system.weeks, design_seed, 0, design_scenarios)
    n_w = system.weeks
    n_c, n_k = system.shipments_t.shape[1:]
    n_o, n_d, n_r = len(system.ports), len(system.depots), len(system.regions)
    n_a, n_x = len(system.arc_region), design_scenarios
    weight = 1.0 / n_x
    penalty = shortage_penalty_xof_per_t
    lp = LinearProgram()

    x = lp.variables((n_w, n_c, n_k))
    unplanned_upper = np.full((n_w, n_o, n_k), np.inf)
    unplanned_upper[-1] = 0.0
    unplanned = lp.variables((n_w, n_o, n_k), upper=unplanned_upper)
    supply = port_supply_t(system)
    port_rows = lp.rows((n_w, n_o, n_k), supply, supply)
    lp.add(port_rows, unplanned)
    lp.add(port_rows[1:], unplanned[:-1], -1.0)
    lp.add(port_rows[:, system.corridor_port, :], x)
    cap_rows = lp.rows((n_w, n_c), upper=system.capacity_trucks)
    lp.add(cap_rows[:, :, None], x, 1.0 / system.payload_t[None, None, :])

    _stay_close(lp, x, system.shipments_t)
    weeks = np.arange(n_w)
    arrival = weeks[:, None] + system.arc_lead_weeks[None, :]  # week, arc
    z_upper = np.where(arrival < n_w, np.inf, 0.0)[:, :, None] * np.ones((1, 1, n_k))
    z = lp.variables((n_w, n_a, n_k), cost=PLAN_COST_XOF_PER_T, upper=z_upper)
    _stay_close(lp, z, system.deliveries_t)
    planned_to_region = np.zeros((n_w, n_r, n_k))
    for a in range(n_a):
        lead = int(system.arc_lead_weeks[a])
        if lead < n_w:
            planned_to_region[lead:, system.arc_region[a]] += system.deliveries_t[: n_w - lead, a]
    plan_rows = lp.rows((n_w, n_r, n_k), planned_to_region, planned_to_region)
    for a in range(n_a):
        lead = int(system.arc_lead_weeks[a])
        if lead < n_w:
            lp.add(plan_rows[lead:, system.arc_region[a], :], z[: n_w - lead, a, :])

    opening_usable = np.maximum(system.depot_opening_t - system.bottom_t, 0.0)
    landing = np.zeros((n_w, n_d, n_k))
    for w in range(min(n_w, system.in_transit_t.shape[0])):
        np.add.at(landing[w], system.corridor_depot, system.in_transit_t[w])
    landing[0] += opening_usable
    capacity = system.capacity_trucks
    pairs = [(c, a) for c, others in reroute_order(system) for a in others]
    source = np.array([c for c, _ in pairs], dtype=np.int64)
    target = np.array([a for _, a in pairs], dtype=np.int64)
    shortages: list[Ints] = []
    for i in range(n_x):
        open_i = futures.road_open[i] & futures.port_open[i][:, system.corridor_port]
        keep = 1.0 - futures.loss_share[i]  # week, corridor
        factor = futures.demand_factor[i]  # week, region, product
        v = lp.variables((n_w, n_c, n_k), cost=weight * system.cost_xof_per_t[None, :, None])
        moved = lp.variables(
            (n_w, len(pairs), n_k),
            cost=weight * (system.cost_xof_per_t[target][None, :, None] + REROUTE_XOF_PER_T),
            upper=np.where(open_i[:, source], 0.0, np.inf)[:, :, None],
        )
        queue = lp.variables((n_w, n_c, n_k))
        queue_rows = lp.rows((n_w, n_c, n_k), 0.0, 0.0)
        lp.add(queue_rows, queue)
        lp.add(queue_rows[1:], queue[:-1], -1.0)
        lp.add(queue_rows, x, -1.0)
        lp.add(queue_rows, v)
        lp.add(queue_rows[:, source, :], moved)
        road_rows = lp.rows((n_w, n_c), upper=capacity * open_i)
        lp.add(road_rows[:, :, None], v, 1.0 / system.payload_t[None, None, :])
        lp.add(road_rows[:, target, None], moved, 1.0 / system.payload_t[None, None, :])

        u = lp.variables((n_w, n_d, n_k))
        held_back = lp.variables((n_w, n_a, n_k), cost=weight * HELD_BACK_SHARE * penalty)
        s = lp.variables((n_w, n_r, n_k), cost=weight * penalty)
        shortages.append(s)
        depot_rows = lp.rows((n_w, n_d, n_k), landing, landing)
        lp.add(depot_rows, u)
        lp.add(depot_rows[1:], u[:-1], -1.0)
        survive = _survival(system, keep)  # week sent, corridor
        for c in range(n_c):
            lead = int(system.lead_weeks[c])
            if lead >= n_w:
                continue
            into = depot_rows[lead:, system.corridor_depot[c], :]
            lp.add(into, v[: n_w - lead, c, :], -survive[: n_w - lead, c, None])
            for p, (_, a) in enumerate(pairs):
                if a == c:
                    lp.add(into, moved[: n_w - lead, p, :], -survive[: n_w - lead, c, None])
        arrival_factor = factor[np.minimum(arrival, n_w - 1), system.arc_region[None, :], :]
        lp.add(depot_rows[:, system.arc_depot, :], z, arrival_factor)
        lp.add(depot_rows[:, system.arc_depot, :], held_back, -1.0)
        release_rows = lp.rows((n_w, n_a, n_k), upper=0.0)
        lp.add(release_rows, held_back)
        lp.add(release_rows, z, -arrival_factor)
        demand_rows = lp.rows((n_w, n_r, n_k), lower=system.demand_t * factor)
        lp.add(demand_rows, s)
        for a in range(n_a):
            lead = int(system.arc_lead_weeks[a])
            if lead < n_w:
                rows = demand_rows[lead:, system.arc_region[a], :]
                lp.add(rows, z[: n_w - lead, a, :], arrival_factor[: n_w - lead, a, :])
                lp.add(rows, held_back[: n_w - lead, a, :], -1.0)

    solver = lp.solver(method="ipm", crossover=False)
    if plan_deliveries:
        solution = solver.solve()
    else:
        lower = np.concatenate(lp.col_lower)
        upper = np.concatenate(lp.col_upper)
        lower[z.ravel()] = upper[z.ravel()] = system.deliveries_t.ravel()
        solution = solver.solve_with_columns(lower, upper)
    shipments = np.maximum(solution[x], 0.0)
    deliveries = np.maximum(solution[z], 0.0)
    design_shortage = float(sum(solution[s].sum() for s in shortages) * weight)

    # The static plan in the same LP: its dispatches and deliveries fixed, the recourse free.
    col_lower = np.concatenate(lp.col_lower)
    col_upper = np.concatenate(lp.col_upper)
    col_lower[x.ravel()] = col_upper[x.ravel()] = system.shipments_t.ravel()
    col_lower[z.ravel()] = col_upper[z.ravel()] = system.deliveries_t.ravel()
    col_lower[unplanned.ravel()] = 0.0
    col_upper[unplanned.ravel()] = np.inf
    static_solution = solver.solve_with_columns(col_lower, col_upper)
    static_shortage = float(sum(static_solution[s].sum() for s in shortages) * weight)

    extra = float(((shipments - system.shipments_t).sum(axis=(0, 2)) * system.cost_xof_per_t).sum())
    return RobustPlan(
        system=replace(system, shipments_t=shipments, deliveries_t=deliveries),
        design_scenarios=n_x,
        design_seed=design_seed,
        extra_transport_xof=extra,
        expected_design_shortage_t=design_shortage,
        static_design_shortage_t=static_shortage,
        variables=lp.n_cols,
        constraints=lp.n_rows,
        seconds=time.perf_counter() - started,
    )
