"""The weekly supply plan of docs/planner.md written again in Pyomo, from the same `PlanData`.

It exists to check the linopy model (same optimal objective to 1e-6 relative) and to measure what
an algebraic modelling layer costs: `build_pyomo_model` is the construction, `PyomoHighs.hand_off`
passes the model to HiGHS (appsi's `set_instance`), `PyomoHighs.run` solves it. Written the way a
Pyomo user would: indexed variables and rule-based constraints over sparse index sets.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyomo.environ as pyo
from pyomo.contrib.appsi.solvers.highs import Highs

from nafolo.fuel.planning.data import PlanData

Index = tuple[Any, ...]


@dataclass(frozen=True)
class _Sets:
    """PlanData's labelled arrays as Python lookups over the model's sparse index sets."""

    weeks: list[int]
    products: list[str]
    offers: list[str]
    ports: list[str]
    corridors: list[str]
    depots: list[str]
    regions: list[str]
    arcs: list[tuple[str, str]]
    offers_at: dict[tuple[str, str], list[str]]
    offers_of: dict[str, list[str]]
    corridors_from: dict[str, list[str]]
    corridors_into: dict[str, list[str]]
    arcs_into_region: dict[str, list[str]]
    arcs_from_depot: dict[str, list[str]]


def _sets(data: PlanData) -> _Sets:
    offer_at = data.offer_at.transpose("offer", "port", "product").to_numpy()
    offers_at: dict[tuple[str, str], list[str]] = defaultdict(list)
    for s, o, k in zip(*np.nonzero(offer_at), strict=True):
        offers_at[(data.ports[o], data.products[k])].append(data.offers[s])
    offer_of = data.offer_of.transpose("offer", "contract").to_numpy()
    offers_of: dict[str, list[str]] = defaultdict(list)
    for s, q in zip(*np.nonzero(offer_of), strict=True):
        offers_of[data.contracts[q]].append(data.offers[s])
    c_from = data.corridor_from.transpose("port", "corridor").to_numpy()
    corridors_from: dict[str, list[str]] = defaultdict(list)
    for o, c in zip(*np.nonzero(c_from), strict=True):
        corridors_from[data.ports[o]].append(data.corridors[c])
    c_into = data.corridor_into.transpose("depot", "corridor").to_numpy()
    corridors_into: dict[str, list[str]] = defaultdict(list)
    for d, c in zip(*np.nonzero(c_into), strict=True):
        corridors_into[data.depots[d]].append(data.corridors[c])
    arc = data.arc.transpose("region", "depot").to_numpy()
    arcs = [(data.regions[r], data.depots[d]) for r, d in zip(*np.nonzero(arc), strict=True)]
    into_region: dict[str, list[str]] = defaultdict(list)
    from_depot: dict[str, list[str]] = defaultdict(list)
    for r, d in arcs:
        into_region[r].append(d)
        from_depot[d].append(r)
    return _Sets(
        weeks=[int(w) for w in data.weeks],
        products=list(data.products),
        offers=list(data.offers),
        ports=list(data.ports),
        corridors=list(data.corridors),
        depots=list(data.depots),
        regions=list(data.regions),
        arcs=arcs,
        offers_at=offers_at,
        offers_of=offers_of,
        corridors_from=corridors_from,
        corridors_into=corridors_into,
        arcs_into_region=into_region,
        arcs_from_depot=from_depot,
    )


def _table(array: Any, *dims: str) -> dict[Index, float]:
    """A labelled array as {label tuple: value}."""
    series = array.transpose(*dims).to_series()
    return {(k if isinstance(k, tuple) else (k,)): float(v) for k, v in series.items()}


def build_pyomo_model(data: PlanData) -> pyo.ConcreteModel:
    """The LP of docs/planner.md (continuous truckloads) as a Pyomo ConcreteModel."""
    s = _sets(data)
    n = len(s.weeks)
    payload = _table(data.payload_t, "product")
    price = _table(data.offer_price_xof_per_t, "offer")
    share = _table(data.month_share, "week", "month")
    phi = _table(data.month_in_horizon, "month")
    cmin = _table(data.contract_min_t, "contract")
    cmax = _table(data.contract_max_t, "contract")
    port_open = _table(data.port_opening_t, "port", "product")
    storage = _table(data.port_storage_t, "port")
    loading = _table(data.port_loading_t_per_week, "port")
    lead = {c: int(v) for c, v in zip(s.corridors, data.lead_weeks.to_numpy(), strict=True)}
    busy = _table(data.busy_share, "corridor", "offset")
    max_trucks = _table(data.max_trucks_per_week, "corridor")
    escort = _table(data.escort_trucks_per_week, "corridor")
    escorted = [c for c, e in zip(s.corridors, data.escorted.to_numpy(), strict=True) if e]
    avail = _table(data.availability, "corridor", "week")
    corridor_cost = _table(data.corridor_cost_xof_per_t, "corridor")
    cap = _table(data.cap_t, "depot", "product")
    bottom = _table(data.bottom_t, "depot", "product")
    depot_open = _table(data.depot_opening_t, "depot", "product")
    target = _table(data.cover_target_d, "depot", "product")
    throughput = _table(data.throughput_t_per_week, "depot")
    arc_cost = _table(data.arc_cost_xof_per_t, "region", "depot")
    arc_lead = _table(data.arc_lead_weeks, "region", "depot")
    demand = _table(data.demand_t, "region", "product", "week")
    arr0 = _table(data.arrivals_in_transit_t, "depot", "product", "week")
    holding = _table(data.holding_xof_per_t_week, "product")
    params = data.parameters

    m = pyo.ConcreteModel(name=f"plan-{data.network.name}")
    W, K = s.weeks, s.products
    m.lift = pyo.Var(s.offers, W, domain=pyo.NonNegativeReals)
    m.port_stock = pyo.Var(s.ports, K, W, domain=pyo.NonNegativeReals)
    m.trucks = pyo.Var(s.corridors, K, W, domain=pyo.NonNegativeReals)
    m.depot_stock = pyo.Var(s.depots, K, W, domain=pyo.NonNegativeReals)
    arc_kw = [(r, d, k, w) for r, d in s.arcs for k in K for w in W]
    m.deliver = pyo.Var(arc_kw, domain=pyo.NonNegativeReals)
    m.shortage = pyo.Var(s.regions, K, W, domain=pyo.NonNegativeReals)
    m.cover_gap = pyo.Var(s.depots, K, W, domain=pyo.NonNegativeReals)

    def ship(c: str, k: str, w: int) -> Any:
        return payload[(k,)] * m.trucks[c, k, w]

    def receipts(d: str, k: str, w: int) -> Any:
        return pyo.quicksum(
            ship(c, k, w - lead[c]) for c in s.corridors_into[d] if w - lead[c] >= 1
        )

    def withdrawals(d: str, k: str, w: int) -> Any:
        return pyo.quicksum(m.deliver[r, d, k, w] for r in s.arcs_from_depot[d])

    months = list(data.months)
    month_weeks = {mo: [w for w in W if share[(w, mo)] > 0] for mo in months}

    def contract_band(m: Any, q: str, mo: str) -> Any:
        lifted = pyo.quicksum(
            share[(w, mo)] * m.lift[o, w] for o in s.offers_of[q] for w in month_weeks[mo]
        )
        return (phi[(mo,)] * cmin[(q,)], lifted, phi[(mo,)] * cmax[(q,)])

    m.contract_band = pyo.Constraint(list(data.contracts), months, rule=contract_band)

    def port_balance(m: Any, o: str, k: str, w: int) -> Any:
        previous = m.port_stock[o, k, w - 1] if w > 1 else port_open[(o, k)]
        landed = pyo.quicksum(m.lift[x, w] for x in s.offers_at[(o, k)])
        sent = pyo.quicksum(ship(c, k, w) for c in s.corridors_from[o])
        return m.port_stock[o, k, w] == previous + landed - sent

    m.port_balance = pyo.Constraint(s.ports, K, W, rule=port_balance)
    m.port_storage = pyo.Constraint(
        s.ports, W, rule=lambda m, o, w: sum(m.port_stock[o, k, w] for k in K) <= storage[(o,)]
    )

    def port_loading(m: Any, o: str, w: int) -> Any:
        if not s.corridors_from[o]:
            return pyo.Constraint.Skip
        sent = pyo.quicksum(ship(c, k, w) for c in s.corridors_from[o] for k in K)
        return sent <= loading[(o,)]

    m.port_loading = pyo.Constraint(s.ports, W, rule=port_loading)
    m.corridor_capacity = pyo.Constraint(
        s.corridors,
        W,
        rule=lambda m, c, w: sum(m.trucks[c, k, w] for k in K) <= avail[(c, w)] * max_trucks[(c,)],
    )
    m.escort_capacity = pyo.Constraint(
        escorted,
        W,
        rule=lambda m, c, w: sum(m.trucks[c, k, w] for k in K) <= avail[(c, w)] * escort[(c,)],
    )
    offsets = [int(j) for j in data.busy_share.indexes["offset"]]

    def fleet_turnaround(m: Any, w: int) -> Any:
        busy_trucks = pyo.quicksum(
            busy[(c, j)] * m.trucks[c, k, w - j]
            for c in s.corridors
            for j in offsets
            if w - j >= 1 and busy[(c, j)] > 0
            for k in K
        )
        return busy_trucks <= float(data.fleet_trucks)

    m.fleet_turnaround = pyo.Constraint(W, rule=fleet_turnaround)

    def depot_balance(m: Any, d: str, k: str, w: int) -> Any:
        previous = m.depot_stock[d, k, w - 1] if w > 1 else depot_open[(d, k)]
        inflow = receipts(d, k, w) + arr0[(d, k, w)]
        return m.depot_stock[d, k, w] == previous + inflow - withdrawals(d, k, w)

    m.depot_balance = pyo.Constraint(s.depots, K, W, rule=depot_balance)
    m.depot_capacity = pyo.Constraint(
        s.depots,
        K,
        W,
        rule=lambda m, d, k, w: (bottom[(d, k)], m.depot_stock[d, k, w], cap[(d, k)]),
    )

    def throughput_in(m: Any, d: str, w: int) -> Any:
        if not any(w - lead[c] >= 1 for c in s.corridors_into[d]):
            return pyo.Constraint.Skip
        arriving = pyo.quicksum(receipts(d, k, w) for k in K)
        return arriving <= throughput[(d,)] - sum(arr0[(d, k, w)] for k in K)

    def throughput_out(m: Any, d: str, w: int) -> Any:
        if not s.arcs_from_depot[d]:
            return pyo.Constraint.Skip
        return pyo.quicksum(withdrawals(d, k, w) for k in K) <= throughput[(d,)]

    m.depot_throughput_in = pyo.Constraint(s.depots, W, rule=throughput_in)
    m.depot_throughput_out = pyo.Constraint(s.depots, W, rule=throughput_out)

    def regional_demand(m: Any, r: str, k: str, w: int) -> Any:
        delivered = pyo.quicksum(
            m.deliver[r, d, k, w - int(arc_lead[(r, d)])]
            for d in s.arcs_into_region[r]
            if w - int(arc_lead[(r, d)]) >= 1
        )
        return delivered + m.shortage[r, k, w] == demand[(r, k, w)]

    m.regional_demand = pyo.Constraint(s.regions, K, W, rule=regional_demand)

    def days_of_cover(m: Any, d: str, k: str, w: int) -> Any:
        coming = withdrawals(d, k, min(w + 1, n))
        usable = m.depot_stock[d, k, w] - bottom[(d, k)] + m.cover_gap[d, k, w]
        return usable >= (target[(d, k)] / 7.0) * coming

    m.days_of_cover = pyo.Constraint(s.depots, K, W, rule=days_of_cover)

    cost = (
        pyo.quicksum(price[(o,)] * m.lift[o, w] for o in s.offers for w in W)
        + pyo.quicksum(
            corridor_cost[(c,)] * ship(c, k, w) for c in s.corridors for k in K for w in W
        )
        + pyo.quicksum(arc_cost[(r, d)] * m.deliver[r, d, k, w] for r, d, k, w in arc_kw)
        + pyo.quicksum(
            holding[(k,)] * m.depot_stock[d, k, w] for d in s.depots for k in K for w in W
        )
        + params.shortage_penalty_xof_per_t * pyo.quicksum(m.shortage.values())
        + params.cover_shortfall_penalty_xof_per_t_week * pyo.quicksum(m.cover_gap.values())
        - params.end_stock_value_xof_per_t
        * pyo.quicksum(m.depot_stock[d, k, n] for d in s.depots for k in K)
    )
    m.cost = pyo.Objective(expr=cost, sense=pyo.minimize)
    return m


class PyomoHighs:
    """HiGHS through Pyomo's appsi interface, with the hand-off and the solve timed apart."""

    def __init__(self, highs_options: dict[str, Any] | None = None) -> None:
        self.solver = Highs()
        self.solver.highs_options = dict(highs_options or {})
        self.solver.config.load_solution = False
        self.solver.config.stream_solver = False
        for name in list(self.solver.update_config):
            setattr(self.solver.update_config, name, False)

    def hand_off(self, model: pyo.ConcreteModel) -> None:
        """Pass the model's variables, constraints and objective to a highspy model."""
        self.solver.set_instance(model)

    def run(self, model: pyo.ConcreteModel) -> float:
        """Solve the handed-off model; the optimal objective (XOF)."""
        results = self.solver.solve(model)
        status = str(results.termination_condition)
        if not status.endswith("optimal"):
            raise RuntimeError(f"Pyomo/HiGHS did not reach an optimum: {status}")
        return float(results.best_feasible_objective)

    @property
    def size(self) -> tuple[int, int]:
        """(columns, rows) of the highspy model."""
        lp = self.solver._solver_model.getLp()
        return int(lp.num_col_), int(lp.num_row_)
