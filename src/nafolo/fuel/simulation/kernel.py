"""The static policy's week loop compiled with numba: groups of scenarios, scalar arithmetic.

Same rules, order of the week and bookkeeping as the numpy implementation in evaluate.py (the
reference, kept for tests and as a fallback): losses on the road, arrivals, dispatch within the
open trucks with re-routing at the port, releases within usable stock, demand and shortage, days
of cover. Sums over corridors, arcs and depots add their terms in the numpy implementation's
order; the two agree to 1e-9 relative (tests/fuel/simulation/test_simulation_kernel.py), not
bit for bit.

Layout. The disruption arrays come scenario-last (week, …, scenario), as `sample` draws them, and
the kernel keeps that layout: it takes `GROUP` scenarios at a time and runs their weeks together,
every innermost loop running over the group's scenarios with the place and product fixed. Those
loops read contiguous rows, are free of dependencies between iterations (the compiler turns them
into SIMD instructions), and the group's state (loads on the road, depot stock, loads at the
ports) stays in the core's cache. A first version running one scenario's weeks at a time in plain
scalar code was 4 µs per scenario-week on the Mali network: each step was a chain of dependent
loads and adds, and reading a scenario's values out of scenario-last arrays meant a strided copy.
Each scenario's arithmetic is the same whichever lane or group it falls in (no fast-math), so
results stay identical across chunk sizes. Outputs are written (week, region, scenario).

`cache=True` keeps the compiled code in __pycache__ next to this file; `nogil=True` lets threads
run chunks side by side.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

TINY = 1e-30
"""Stands in for a zero divisor, as in evaluate.py."""

GROUP = 64
"""Scenarios run together: the innermost loops' length."""

LEDGER = (
    "received_t",
    "lost_t",
    "rerouted_t",
    "closing_depots_t",
    "closing_on_road_t",
    "closing_at_port_t",
    "closing_to_regions_t",
)
"""Columns of the kernel's per-scenario ledger array, in order."""


@njit(cache=True, nogil=True)  # type: ignore[misc]
def static_policy(
    road_open: Any,  # week, corridor, scenario (bool)
    port_open: Any,  # week, port, scenario (bool)
    loss: Any,  # week, corridor, scenario: share destroyed
    factor: Any,  # week, region, product, scenario: realised ÷ planned demand
    corridor_port: Any,  # corridor
    corridor_depot: Any,  # corridor
    road_weeks: Any,  # corridor: slots of its ring, max(lead, 1)
    arrival_order: Any,  # corridors in the order their arrivals are added (lead, depot, index)
    shipments: Any,  # week, corridor, product
    plan_trucks: Any,  # week, corridor
    capacity: Any,  # week, corridor (trucks)
    port_start: Any,  # bounds into port_corridors of each port with several corridors
    port_corridors: Any,  # those ports' corridors, cheapest first
    in_transit: Any,  # arrival week, corridor, product: loads on the road at the start
    first_order: Any,  # corridors by depot: the order loads on the road at the start arrive
    arc_depot: Any,  # arc (arcs ranked by depot)
    arc_region: Any,  # arc
    arc_lead: Any,  # arc (weeks)
    receipt_order: Any,  # arcs in the order their releases are added into regions
    deliveries: Any,  # week, arc, product
    opening: Any,  # depot, product: stock at the start
    bottom: Any,  # depot, product
    demand: Any,  # week, region, product
    pair_start: Any,  # region: bounds into the (region, depot) pairs, ranked by region
    pair_depot: Any,  # pair
    cover_per_t: Any,  # week, pair, product: days of cover per usable tonne
    no_demand: Any,  # week, region, product (bool)
    without_demand: Any,  # week, region (bool)
    stockout_share: float,
    shortage: Any,  # out: week, region, scenario
    stockout: Any,  # out: week, region, scenario (bool)
    cover: Any,  # out: week, region, scenario
    demand_out: Any,  # out: week, region, scenario
    ledger: Any,  # out: LEDGER column, scenario
) -> None:
    """Follow the plan in every scenario; write the outputs in place."""
    n_w, n_c, n_s = loss.shape
    n_r, n_k = factor.shape[1], factor.shape[2]
    n_d = bottom.shape[0]
    n_a = arc_depot.shape[0]
    n_e = in_transit.shape[0]
    ring_weeks = 1
    for a in range(n_a):
        ring_weeks = max(ring_weeks, arc_lead[a] + 1)
    max_road = 1
    for c in range(n_c):
        max_road = max(max_road, road_weeks[c])
    max_port = 1
    for p in range(port_start.shape[0] - 1):
        max_port = max(max_port, port_start[p + 1] - port_start[p])
    g = GROUP

    road = np.zeros((n_c, max_road, n_k, g))
    first = np.zeros((n_e, n_c, n_k, g))
    depot = np.zeros((n_d, n_k, g))
    held = np.zeros((n_c, n_k, g))
    held_trucks = np.zeros((n_c, g))
    sent = np.zeros((n_c, n_k, g))
    spare = np.zeros((n_c, g))
    want = np.zeros((n_a, n_k, g))
    want_depot = np.zeros((n_d, n_k, g))
    served = np.zeros((n_d, n_k, g))
    usable = np.zeros((n_d, n_k, g))
    to_regions = np.zeros((ring_weeks, n_r, n_k, g))
    np.zeros((3, g))
    least = np.zeros(g)
    days = np.zeros(g)
    on = np.zeros(g)
    waiting_trucks = np.zeros(g)
    spare_trucks = np.zeros(g)
    short_t = np.zeros(g)
    demand_t = np.zeros(g)
    over = np.zeros(g)
    lost = np.zeros(g)
    rerouted = np.zeros(g)
    received = np.zeros(g)
    move = np.zeros((max_port, max_port))
    waiting = np.zeros(max_port)
    room = np.zeros(max_port)

    for s0 in range(0, n_s, g):
        m = min(g, n_s - s0)
        road[:] = 0.0
        for e in range(n_e):
            for c in range(n_c):
                for k in range(n_k):
                    first[e, c, k, :] = in_transit[e, c, k]
        for d in range(n_d):
            for k in range(n_k):
                depot[d, k, :] = opening[d, k]
        held[:] = 0.0
        held_trucks[:] = 0.0
        to_regions[:] = 0.0
        lost[:] = 0.0
        rerouted[:] = 0.0
        received[:] = 0.0

        for w in range(n_w):
            # Losses on the road (attacks, shock onsets, named closures), then arrivals.
            for c in range(n_c):
                struck = False
                for i in range(m):
                    if loss[w, c, s0 + i] != 0.0:
                        struck = True
                if not struck:
                    continue
                on[:] = 0.0
                for j in range(road_weeks[c]):
                    for k in range(n_k):
                        row = road[c, j, k]
                        for i in range(m):
                            on[i] += row[i]
                for j in range(road_weeks[c]):
                    for k in range(n_k):
                        row = road[c, j, k]
                        for i in range(m):
                            row[i] *= 1.0 - loss[w, c, s0 + i]
                for i in range(m):
                    lost[i] += on[i] * loss[w, c, s0 + i]
                if w < n_e:
                    on[:] = 0.0
                    for e in range(w, n_e):
                        for k in range(n_k):
                            row = first[e, c, k]
                            for i in range(m):
                                on[i] += row[i]
                                row[i] *= 1.0 - loss[w, c, s0 + i]
                    for i in range(m):
                        lost[i] += on[i] * loss[w, c, s0 + i]
            for c in arrival_order:
                slot = w % road_weeks[c]
                d = corridor_depot[c]
                for k in range(n_k):
                    into = depot[d, k]
                    row = road[c, slot, k]
                    for i in range(m):
                        into[i] += row[i]
            if w < n_e:
                for c in first_order:
                    d = corridor_depot[c]
                    for k in range(n_k):
                        into = depot[d, k]
                        row = first[w, c, k]
                        for i in range(m):
                            into[i] += row[i]
                            row[i] = 0.0

            # Dispatch: the plan plus what waited at the port, within the open corridors' trucks.
            for c in range(n_c):
                cap = capacity[w, c]
                planned = plan_trucks[w, c]
                pc = corridor_port[c]
                trucks = held_trucks[c]
                room_c = spare[c]
                leaving = on  # scratch
                for i in range(m):
                    need = trucks[i] + planned
                    if road_open[w, c, s0 + i] and port_open[w, pc, s0 + i]:
                        part = min(cap / max(need, TINY), 1.0)
                        room_c[i] = max(cap - need, 0.0)
                    else:
                        part = 0.0
                        room_c[i] = 0.0
                    leaving[i] = part
                    trucks[i] = (1.0 - part) * need
                for k in range(n_k):
                    ship = shipments[w, c, k]
                    kept = held[c, k]
                    out = sent[c, k]
                    for i in range(m):
                        here = kept[i] + ship
                        gone = here * leaving[i]
                        out[i] = gone
                        kept[i] = here - gone
            for p in range(port_start.shape[0] - 1):
                corridors = port_corridors[port_start[p] : port_start[p + 1]]
                waiting_trucks[:] = 0.0
                spare_trucks[:] = 0.0
                for c in corridors:
                    trucks = held_trucks[c]
                    room_c = spare[c]
                    for i in range(m):
                        waiting_trucks[i] += trucks[i]
                        spare_trucks[i] += room_c[i]
                for i in range(m):
                    if waiting_trucks[i] > 0.0 and spare_trucks[i] > 0.0:
                        _reroute_one(
                            i,
                            corridors,
                            held,
                            held_trucks,
                            spare,
                            sent,
                            rerouted,
                            move,
                            waiting,
                            room,
                            n_k,
                        )
            for c in range(n_c):
                slot = w % road_weeks[c]
                for k in range(n_k):
                    row = road[c, slot, k]
                    out = sent[c, k]
                    for i in range(m):
                        row[i] = out[i]

            # Releases: the plan's deliveries scaled to realised demand, within usable stock.
            want_depot[:] = 0.0
            for a in range(n_a):
                week = min(w + arc_lead[a], n_w - 1)
                r = arc_region[a]
                d = arc_depot[a]
                for k in range(n_k):
                    planned = deliveries[w, a, k]
                    row = want[a, k]
                    total = want_depot[d, k]
                    for i in range(m):
                        x = factor[week, r, k, s0 + i] * planned
                        row[i] = x
                        total[i] += x
            for d in range(n_d):
                for k in range(n_k):
                    base = bottom[d, k]
                    stock = depot[d, k]
                    asked = want_depot[d, k]
                    part_row = served[d, k]
                    for i in range(m):
                        free = max(stock[i] - base, 0.0)
                        part = min(free / max(asked[i], TINY), 1.0)
                        part_row[i] = part
                        stock[i] -= asked[i] * part
            for a in receipt_order:
                slot = (w + arc_lead[a]) % ring_weeks
                r = arc_region[a]
                d = arc_depot[a]
                for k in range(n_k):
                    into = to_regions[slot, r, k]
                    part_row = served[d, k]
                    row = want[a, k]
                    for i in range(m):
                        into[i] += part_row[i] * row[i]
            now = w % ring_weeks

            # Demand, shortage and stockout.
            for r in range(n_r):
                short_t[:] = 0.0
                demand_t[:] = 0.0
                over[:] = 0.0
                for k in range(n_k):
                    planned = demand[w, r, k]
                    arrived = to_regions[now, r, k]
                    for i in range(m):
                        realised = factor[w, r, k, s0 + i] * planned
                        got = arrived[i]
                        short = max(realised - got, 0.0)
                        received[i] += got
                        short_t[i] += short
                        demand_t[i] += realised
                        over[i] = max(over[i], short - realised * stockout_share)
                        arrived[i] = 0.0
                for i in range(m):
                    shortage[w, r, s0 + i] = short_t[i]
                    demand_out[w, r, s0 + i] = demand_t[i]
                    stockout[w, r, s0 + i] = over[i] > 0.0

            # Days of cover: each region's share of its depots' usable stock ÷ daily demand.
            for d in range(n_d):
                for k in range(n_k):
                    base = bottom[d, k]
                    stock = depot[d, k]
                    free_row = usable[d, k]
                    for i in range(m):
                        free_row[i] = max(stock[i] - base, 0.0)
            for r in range(n_r):
                if without_demand[w, r]:
                    for i in range(m):
                        cover[w, r, s0 + i] = np.nan
                    continue
                least[:] = np.inf
                for k in range(n_k):
                    if no_demand[w, r, k]:
                        continue
                    days[:] = 0.0
                    for q in range(pair_start[r], pair_start[r + 1]):
                        per_t = cover_per_t[w, q, k]
                        free_row = usable[pair_depot[q], k]
                        for i in range(m):
                            days[i] += free_row[i] * per_t
                    for i in range(m):
                        least[i] = min(least[i], days[i])
                for i in range(m):
                    cover[w, r, s0 + i] = least[i]

        for i in range(m):
            s = s0 + i
            on_road = 0.0
            for c in range(n_c):
                for j in range(road_weeks[c]):
                    for k in range(n_k):
                        on_road += road[c, j, k, i]
            for e in range(n_e):
                for c in range(n_c):
                    for k in range(n_k):
                        on_road += first[e, c, k, i]
            in_depots = 0.0
            for d in range(n_d):
                for k in range(n_k):
                    in_depots += depot[d, k, i]
            at_port = 0.0
            for c in range(n_c):
                for k in range(n_k):
                    at_port += held[c, k, i]
            to_come = 0.0
            for j in range(ring_weeks):
                for r in range(n_r):
                    for k in range(n_k):
                        to_come += to_regions[j, r, k, i]
            ledger[0, s] = received[i]
            ledger[1, s] = lost[i]
            ledger[2, s] = rerouted[i]
            ledger[3, s] = in_depots
            ledger[4, s] = on_road
            ledger[5, s] = at_port
            ledger[6, s] = to_come


@njit(cache=True, nogil=True, inline="always")  # type: ignore[misc]
def _reroute_one(
    i: int,
    corridors: Any,  # the port's corridors, cheapest first
    held: Any,
    held_trucks: Any,
    spare: Any,
    sent: Any,
    rerouted: Any,
    move: Any,
    waiting: Any,
    room: Any,
    n_k: int,
) -> None:
    """Re-route what waits at one port in scenario `i` of the group (evaluate._reroute's
    north-west corner rule on the cumulated waiting and spare trucks)."""
    n = corridors.shape[0]
    for j in range(n):
        waiting[j] = held_trucks[corridors[j], i]
        room[j] = spare[corridors[j], i]
    upto_t = 0.0
    for a in range(n):
        from_t = upto_t
        upto_t += waiting[a]
        upto_p = 0.0
        for b in range(n):
            from_p = upto_p
            upto_p += room[b]
            move[a, b] = max(min(upto_t, upto_p) - max(from_t, from_p), 0.0)
    for a in range(n):
        ca = corridors[a]
        divisor = max(waiting[a], TINY)
        out_share = 0.0
        moved_trucks = 0.0
        for b in range(n):
            moved_trucks += move[a, b]
            share = move[a, b] / divisor
            out_share += share
            if share != 0.0:
                cb = corridors[b]
                for k in range(n_k):
                    sent[cb, k, i] += share * held[ca, k, i]
        out_share = min(out_share, 1.0)
        for k in range(n_k):
            moved = held[ca, k, i] * out_share
            held[ca, k, i] -= moved
            rerouted[i] += moved
        held_trucks[ca, i] = max(waiting[a] - moved_trucks, 0.0)
