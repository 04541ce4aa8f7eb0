"""The straightforward discrete-event reference of the disruption simulation, with SimPy.

One SimPy environment per scenario, one process per corridor closure chain, shock, port delay,
attack clock and truck load; plain Python, no vectorisation. It follows the same rules as
`nafolo.fuel.simulation.evaluate` (docs/simulation.md) but samples its own random numbers (spell
lengths drawn as geometric durations), so the two agree on KPIs within Monte Carlo error, not
scenario by scenario. Time is in weeks; within week t the phases run at t + 0.00 (state changes,
shock onsets, attacks), t + 0.05 (arrivals), t + 0.10 (dispatch), t + 0.20 (depot releases),
t + 0.30 (regional demand).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import simpy

from nafolo.fuel.simulation.disruption import DisruptionModel
from nafolo.fuel.simulation.evaluate import STOCKOUT_SHARE, reroute_order
from nafolo.fuel.simulation.system import SupplySystem


@dataclass
class ScenarioKpis:
    """What one scenario produced, in tonnes."""

    shortage_t: float = 0.0
    lost_t: float = 0.0
    rerouted_t: float = 0.0
    stockout_weeks: list[int] = field(default_factory=list)  # per region
    shortage_by_region_t: list[float] = field(default_factory=list)


class Scenario:
    """One sampled scenario of the supply system, run as SimPy processes."""

    def __init__(
        self, system: SupplySystem, model: DisruptionModel, rng: np.random.Generator
    ) -> None:
        self.s = system
        self.m = model
        self.rng = rng
        self.env = simpy.Environment()
        n_c, n_k = system.shipments_t.shape[1:]
        self.own_closed = [False] * n_c
        self.shocks_on = [False] * len(model.shock_on_p)
        self.port_delayed = [False] * len(system.ports)
        self.depot = system.depot_opening_t.copy()
        self.held = np.zeros((n_c, n_k))
        self.loads: list[list[float | int]] = []  # [corridor, product, tonnes] on the road
        self.to_region = np.zeros((system.weeks + 64, len(system.regions), n_k))
        self.kpis = ScenarioKpis(
            stockout_weeks=[0] * len(system.regions),
            shortage_by_region_t=[0.0] * len(system.regions),
        )
        self.order = reroute_order(system)
        for a in range(system.in_transit_t.shape[0]):
            for c in range(n_c):
                for k in range(n_k):
                    tonnes = float(system.in_transit_t[a, c, k])
                    if tonnes > 0:
                        self.env.process(self.load(c, k, tonnes, a + 0.05))

    def geometric(self, p: float) -> int:
        return int(self.rng.geometric(p)) if p > 0 else 10**9

    def start_state(self, enter: float, leave: float) -> bool:
        total = enter + leave
        return bool(self.m.start_stationary and total > 0 and self.rng.random() < enter / total)

    def corridor_chain(self, c: int):  # type: ignore[no-untyped-def]
        enter, leave = float(self.m.close_p[c]), float(self.m.reopen_p[c])
        self.own_closed[c] = self.start_state(enter, leave)
        while True:
            p = leave if self.own_closed[c] else enter
            yield self.env.timeout(self.geometric(p))
            self.own_closed[c] = not self.own_closed[c]

    def shock_chain(self, h: int):  # type: ignore[no-untyped-def]
        enter, leave = float(self.m.shock_on_p[h]), float(self.m.shock_off_p[h])
        self.shocks_on[h] = self.start_state(enter, leave)
        while True:
            p = leave if self.shocks_on[h] else enter
            yield self.env.timeout(self.geometric(p))
            self.shocks_on[h] = not self.shocks_on[h]
            if self.shocks_on[h]:
                self.destroy(self.m.shock_hits[h], float(self.m.shock_loss_share[h]))

    def port_chain(self, p: int):  # type: ignore[no-untyped-def]
        enter, leave = float(self.m.delay_p[p]), float(self.m.delay_end_p[p])
        self.port_delayed[p] = self.start_state(enter, leave)
        while True:
            q = leave if self.port_delayed[p] else enter
            yield self.env.timeout(self.geometric(q))
            self.port_delayed[p] = not self.port_delayed[p]

    def attacks(self):  # type: ignore[no-untyped-def]
        yield self.env.timeout(0.01)
        while True:
            for c, p in enumerate(self.m.attack_p):
                if self.rng.random() < p:
                    only = np.zeros(len(self.m.attack_p), dtype=bool)
                    only[c] = True
                    self.destroy(only, float(self.m.attack_loss_share[c]))
            week = int(self.env.now)
            for mask, first, _last, loss in self.m.closures:
                if week == first - 1:
                    self.destroy(mask, loss)
            yield self.env.timeout(1)

    def destroy(self, corridors: np.ndarray, share: float) -> None:
        for load in self.loads:
            if corridors[int(load[0])]:
                gone = float(load[2]) * share
                load[2] = float(load[2]) - gone
                self.kpis.lost_t += gone

    def load(self, c: int, k: int, tonnes: float, travel: float):  # type: ignore[no-untyped-def]
        entry: list[float | int] = [c, k, tonnes]
        self.loads.append(entry)
        yield self.env.timeout(travel)
        self.loads.remove(entry)
        self.depot[self.s.corridor_depot[c], k] += float(entry[2])

    def road_open(self, c: int, week: int) -> bool:
        if self.own_closed[c]:
            return False
        for h, on in enumerate(self.shocks_on):
            if on and self.m.shock_hits[h, c]:
                return False
        for mask, first, last, _loss in self.m.closures:
            if mask[c] and first - 1 <= week <= last - 1:
                return False
        return not self.port_delayed[int(self.s.corridor_port[c])]

    def weeks(self):  # type: ignore[no-untyped-def]
        s = self.s
        n_c, n_k = s.shipments_t.shape[1:]
        yield self.env.timeout(0.1)
        for w in range(s.weeks):
            # dispatch (t + 0.10)
            to_send = self.held + s.shipments_t[w]
            capacity = s.capacity_trucks[w]
            sent = np.zeros((n_c, n_k))
            left = np.zeros((n_c, n_k))
            need = [float(to_send[c] @ (1.0 / s.payload_t)) for c in range(n_c)]
            spare = [0.0] * n_c
            left_trucks = [0.0] * n_c
            for c in range(n_c):
                if self.road_open(c, w):
                    fits = min(1.0, capacity[c] / need[c]) if need[c] > 0 else 1.0
                    sent[c] = to_send[c] * fits
                    left[c] = to_send[c] - sent[c]
                    left_trucks[c] = need[c] * (1.0 - fits)
                    spare[c] = max(capacity[c] - need[c] * fits, 0.0)
                else:
                    left[c] = to_send[c]
                    left_trucks[c] = need[c]
            for c, others in self.order:
                for a in others:
                    if left_trucks[c] <= 0:
                        break
                    move = min(left_trucks[c], spare[a])
                    if move <= 0:
                        continue
                    moved = left[c] * (move / left_trucks[c])
                    left[c] -= moved
                    sent[a] += moved
                    left_trucks[c] -= move
                    spare[a] -= move
                    self.kpis.rerouted_t += float(moved.sum())
            self.held = left
            for c in range(n_c):
                for k in range(n_k):
                    if sent[c, k] > 0:
                        travel = float(s.lead_weeks[c]) - 0.05
                        self.env.process(self.load(c, k, float(sent[c, k]), travel))
            yield self.env.timeout(0.1)
            # depot releases (t + 0.20)
            factor = self.demand_factor
            want = np.zeros((len(s.arc_region), n_k))
            for a in range(len(s.arc_region)):
                week = min(w + int(s.arc_lead_weeks[a]), s.weeks - 1)
                want[a] = s.deliveries_t[w, a] * factor[week, s.arc_region[a]]
            for d in range(len(s.depots)):
                arcs = [a for a in range(len(s.arc_region)) if s.arc_depot[a] == d]
                for k in range(n_k):
                    asked = sum(want[a, k] for a in arcs)
                    usable = max(self.depot[d, k] - s.bottom_t[d, k], 0.0)
                    served = min(1.0, usable / asked) if asked > 0 else 1.0
                    self.depot[d, k] -= asked * served
                    for a in arcs:
                        at = w + int(s.arc_lead_weeks[a])
                        self.to_region[at, s.arc_region[a], k] += want[a, k] * served
            yield self.env.timeout(0.1)
            # regional demand (t + 0.30)
            for r in range(len(s.regions)):
                out = False
                for k in range(n_k):
                    realised = s.demand_t[w, r, k] * factor[w, r, k]
                    short = max(realised - self.to_region[w, r, k], 0.0)
                    self.kpis.shortage_t += short
                    self.kpis.shortage_by_region_t[r] += short
                    out = out or short > STOCKOUT_SHARE * realised
                self.kpis.stockout_weeks[r] += int(out)
            yield self.env.timeout(0.8)

    def run(self) -> ScenarioKpis:
        s = self.s
        sigma = self.m.demand_sigma
        z = self.rng.standard_normal((s.weeks, *sigma.shape))
        self.demand_factor = np.exp(sigma * z - 0.5 * sigma**2)
        if self.m.stochastic:
            for c in range(len(s.corridors)):
                self.env.process(self.corridor_chain(c))
            for h in range(len(self.m.shock_on_p)):
                self.env.process(self.shock_chain(h))
            for p in range(len(s.ports)):
                self.env.process(self.port_chain(p))
        else:
            self.demand_factor = np.ones_like(self.demand_factor)
        self.env.process(self.attacks() if self.m.stochastic else self.named_losses())
        self.env.process(self.weeks())
        self.env.run(until=s.weeks)
        return self.kpis

    def named_losses(self):  # type: ignore[no-untyped-def]
        yield self.env.timeout(0.01)
        while True:
            week = int(self.env.now)
            for mask, first, _last, loss in self.m.closures:
                if week == first - 1:
                    self.destroy(mask, loss)
            yield self.env.timeout(1)


def simulate_simpy(
    system: SupplySystem, model: DisruptionModel, scenarios: int, seed: int
) -> list[ScenarioKpis]:
    """`scenarios` independent scenarios, one SimPy environment each."""
    streams = np.random.SeedSequence(seed).spawn(scenarios)
    return [Scenario(system, model, np.random.default_rng(ss)).run() for ss in streams]
