"""The static policy's week loop compiled with numba: groups of scenarios, scalar arithmetic.

Same rules, order of the week and bookkeeping as the numpy implementation in evaluate.py (the
reference, kept for tests and as a fallback): losses on the road, arrivals, dispatch within the
open trucks with re-routing at the port, releases within usable stock, demand and shortage, days
of cover. Sums over corridors, arcs and depots add their terms in the numpy implementation's
order; the two agree to 1e-9 relative (tests/fuel/simulation/test_simulation_kernel.py), not
bit for bit.

Layout. The disruption arrays come scenario-last (week, …, scenario), as `sample` draws them. The
kernel takes `GROUP` scenarios at a time and runs their weeks together. At the start of each week
it copies the group's inputs into rows of exactly GROUP lanes (losses and kept shares, open roads
and ports, and the demand factors looked up from their 16-bit cells for the weeks up to the
longest arc lead ahead); every later loop indexes [place, product, lane] from lane 0 with a trip
count known at compile time, so it is a plain vector loop (indexing the chunk's arrays at s0 + i
kept numba's negative-index wrap-around and blocked vector loads; a row slice per loop cost a
reference count per row). Lanes past the last scenario of a short group hold harmless values and
are never written out. The group's state (loads on the road, depot stock, loads at the ports)
stays in the core's cache. A first version running one scenario's weeks at a time in plain scalar
code was 4 µs per scenario-week on the Mali network. Two things keep the lane loops vector loops:
`_max`/`_min` instead of the builtins (numba's `max(a, b)` compiles to a branch LLVM does not
vectorise: 16 loops stayed scalar), and re-routing at a port running every lane branch-free
(`_reroute`) where it used to call a scalar routine per lane that had trucks waiting; on the
Mali network the kernel went from 0.87 to 0.66 µs per scenario-week, results bit for bit the
same. 128 lanes per group beat 64 (per-week costs spread over more lanes) and 256 (state
outgrows the core's cache). Each scenario's arithmetic is the same
whichever lane or group it falls in (no fast-math; `error_model="numpy"` only drops the checks for
division by zero, every divisor being max(x, TINY)), so results stay identical across chunk
sizes. Outputs are written (week, region, scenario).

`disruption_weeks` turns `sample`'s 32-bit uniforms into the weekly road, port and loss arrays.

`cache=True` keeps the compiled code in __pycache__ next to this file; `nogil=True` lets threads
run chunks side by side.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

TINY = 1e-30
"""Stands in for a zero divisor, as in evaluate.py."""

GROUP = 128
"""Scenarios run together: the innermost loops' length."""

DEMAND_CELLS = 2**16
"""Values of the demand factor per σ (disruption.DEMAND_CELLS; a 16-bit cell indexes them)."""

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


@njit(inline="always")
def _max(a: float, b: float) -> float:
    """max for finite numbers; unlike the builtin, it lets LLVM vectorise the loop around it."""
    return a if a > b else b


@njit(inline="always")
def _min(a: float, b: float) -> float:
    """min for finite numbers (see `_max`)."""
    return a if a < b else b


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _reroute(
    corridors: Any,  # the port's corridors, cheapest first
    m: int,  # lanes in use
    held: Any,
    held_trucks: Any,
    spare: Any,
    sent: Any,
    rerouted: Any,
    own: Any,  # scratch (corridor of the port, lane): trucks waiting on each corridor
    t_from: Any,  # scratch: cumulated waiting trucks before / up to each corridor
    t_upto: Any,
    p_from: Any,  # scratch: cumulated spare trucks before / up to each corridor
    p_upto: Any,
    lane: Any,  # scratch rows (6, lane): waiting, room, moved trucks, out share, divisor, share
    n_k: int,
) -> None:
    """Re-route what waits at one port onto its corridors' spare trucks, every lane at once
    (evaluate._reroute's north-west corner rule on the cumulated waiting and spare trucks).

    A lane with nothing waiting or no spare truck moves nothing: every move is then
    max(min(…) − max(…), 0) = 0 and each update adds or removes exactly zero, so running all
    lanes branch-free gives the same numbers as running only the others, in the same order of
    additions, and lets the loops run as vector loops.
    """
    n = corridors.shape[0]
    g = held_trucks.shape[1]
    waiting, room = lane[0], lane[1]
    moved_trucks, out_share, divisor, share = lane[2], lane[3], lane[4], lane[5]
    for i in range(g):
        waiting[i] = 0.0
        room[i] = 0.0
    for j in range(n):
        c = corridors[j]
        for i in range(g):
            own[j, i] = held_trucks[c, i]
            t_from[j, i] = waiting[i]
            p_from[j, i] = room[i]
            waiting[i] += held_trucks[c, i]
            room[i] += spare[c, i]
            t_upto[j, i] = waiting[i]
            p_upto[j, i] = room[i]
    both = 0
    for i in range(m):
        both += 1 if (waiting[i] > 0.0) & (room[i] > 0.0) else 0
    if both == 0:
        return
    for a in range(n):
        ca = corridors[a]
        waiting_lanes = 0
        for i in range(g):
            moved_trucks[i] = 0.0
            out_share[i] = 0.0
            divisor[i] = _max(own[a, i], TINY)
            waiting_lanes += 1 if own[a, i] > 0.0 else 0
        if waiting_lanes == 0:
            continue  # nothing waits on a: its loads and trucks stay as they are
        for b in range(n):
            cb = corridors[b]
            moving = 0
            for i in range(g):
                move = _max(
                    _min(t_upto[a, i], p_upto[b, i]) - _max(t_from[a, i], p_from[b, i]), 0.0
                )
                share[i] = move
                moving += 1 if move > 0.0 else 0
            if moving == 0:
                continue  # no lane moves trucks from a to b
            for i in range(g):
                moved_trucks[i] += share[i]
                share[i] = share[i] / divisor[i]
                out_share[i] += share[i]
            for k in range(n_k):
                for i in range(g):
                    sent[cb, k, i] += share[i] * held[ca, k, i]
        for k in range(n_k):
            for i in range(g):
                moved = held[ca, k, i] * _min(out_share[i], 1.0)
                held[ca, k, i] -= moved
                rerouted[i] += moved
        for i in range(g):
            held_trucks[ca, i] = _max(own[a, i] - moved_trucks[i], 0.0)


@njit(cache=True, nogil=True, error_model="numpy")
def static_policy(
    road_open: Any,  # week, corridor, scenario (bool)
    port_open: Any,  # week, port, scenario (bool)
    loss: Any,  # week, corridor, scenario: share destroyed
    factor: Any,  # week, region, product, scenario: realised ÷ planned demand (unless cells)
    cells: Any,  # week, region, product, scenario: the factor's cell in `table` (if use_cells)
    table: Any,  # cell values
    cell_offset: Any,  # region, product: where its values start in `table`
    use_cells: bool,  # read the factor from cells (else from `factor`)
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
    n_p = port_open.shape[1]
    n_r, n_k = demand.shape[1], demand.shape[2]
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

    # The group's inputs of the week, copied into contiguous rows of exactly GROUP lanes.
    hit = np.zeros((n_c, g))
    keep = np.ones((n_c, g))
    struck = np.zeros(n_c, dtype=np.bool_)
    road_ok = np.zeros((n_c, g), dtype=np.bool_)
    port_ok = np.zeros((n_p, g), dtype=np.bool_)
    scale = np.ones((ring_weeks, n_r, n_k, g))
    # The group's state and scratch rows.
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
    least = np.zeros(g)
    days = np.zeros(g)
    on = np.zeros(g)
    leaving = np.zeros(g)
    short_t = np.zeros(g)
    demand_t = np.zeros(g)
    over = np.zeros(g)
    lost = np.zeros(g)
    rerouted = np.zeros(g)
    received = np.zeros(g)
    own = np.zeros((max_port, g))
    t_from = np.zeros((max_port, g))
    t_upto = np.zeros((max_port, g))
    p_from = np.zeros((max_port, g))
    p_upto = np.zeros((max_port, g))
    lane = np.zeros((6, g))

    for s0 in range(0, n_s, g):
        m = min(g, n_s - s0)
        s1 = s0 + m
        filled = -1
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
            # This week's disruptions into the group's rows; demand factors up to the longest
            # arc lead ahead (a ring of weeks).
            for c in range(n_c):
                loss_row = loss[w, c, s0:s1]
                is_open = road_open[w, c, s0:s1]
                any_hit = False
                for i in range(m):
                    x = loss_row[i]
                    hit[c, i] = x
                    keep[c, i] = 1.0 - x
                    any_hit |= x != 0.0
                    road_ok[c, i] = is_open[i]
                struck[c] = any_hit
            for p in range(n_p):
                is_open = port_open[w, p, s0:s1]
                for i in range(m):
                    port_ok[p, i] = is_open[i]
            while filled < min(w + ring_weeks - 1, n_w - 1):
                filled += 1
                slot = filled % ring_weeks
                for r in range(n_r):
                    for k in range(n_k):
                        if use_cells:
                            base = cell_offset[r, k]
                            values = table[base : base + DEMAND_CELLS]
                            drawn = cells[filled, r, k, s0:s1]
                            for i in range(m):
                                scale[slot, r, k, i] = values[drawn[i]]
                        else:
                            given = factor[filled, r, k, s0:s1]
                            for i in range(m):
                                scale[slot, r, k, i] = given[i]

            # Losses on the road (attacks, shock onsets, named closures), then arrivals.
            for c in range(n_c):
                if not struck[c]:
                    continue
                on[:] = 0.0
                for j in range(road_weeks[c]):
                    for k in range(n_k):
                        for i in range(g):
                            on[i] += road[c, j, k, i]
                for j in range(road_weeks[c]):
                    for k in range(n_k):
                        for i in range(g):
                            road[c, j, k, i] *= keep[c, i]
                for i in range(g):
                    lost[i] += on[i] * hit[c, i]
                if w < n_e:
                    on[:] = 0.0
                    for e in range(w, n_e):
                        for k in range(n_k):
                            for i in range(g):
                                on[i] += first[e, c, k, i]
                                first[e, c, k, i] *= keep[c, i]
                    for i in range(g):
                        lost[i] += on[i] * hit[c, i]
            for c in arrival_order:
                slot = w % road_weeks[c]
                d = corridor_depot[c]
                for k in range(n_k):
                    for i in range(g):
                        depot[d, k, i] += road[c, slot, k, i]
            if w < n_e:
                for c in first_order:
                    d = corridor_depot[c]
                    for k in range(n_k):
                        for i in range(g):
                            depot[d, k, i] += first[w, c, k, i]
                            first[w, c, k, i] = 0.0

            # Dispatch: the plan plus what waited at the port, within the open corridors' trucks.
            for c in range(n_c):
                cap = capacity[w, c]
                planned = plan_trucks[w, c]
                pc = corridor_port[c]
                for i in range(g):
                    need = held_trucks[c, i] + planned
                    go = road_ok[c, i] & port_ok[pc, i]
                    part = _min(cap / _max(need, TINY), 1.0) if go else 0.0
                    spare[c, i] = _max(cap - need, 0.0) if go else 0.0
                    leaving[i] = part
                    held_trucks[c, i] = (1.0 - part) * need
                for k in range(n_k):
                    ship = shipments[w, c, k]
                    for i in range(g):
                        here = held[c, k, i] + ship
                        gone = here * leaving[i]
                        sent[c, k, i] = gone
                        held[c, k, i] = here - gone
            for p in range(port_start.shape[0] - 1):
                _reroute(
                    port_corridors[port_start[p] : port_start[p + 1]],
                    m,
                    held,
                    held_trucks,
                    spare,
                    sent,
                    rerouted,
                    own,
                    t_from,
                    t_upto,
                    p_from,
                    p_upto,
                    lane,
                    n_k,
                )
            for c in range(n_c):
                slot = w % road_weeks[c]
                for k in range(n_k):
                    for i in range(g):
                        road[c, slot, k, i] = sent[c, k, i]

            # Releases: the plan's deliveries scaled to realised demand, within usable stock.
            want_depot[:] = 0.0
            for a in range(n_a):
                week = min(w + arc_lead[a], n_w - 1)
                r = arc_region[a]
                d = arc_depot[a]
                for k in range(n_k):
                    planned = deliveries[w, a, k]
                    for i in range(g):
                        x = scale[week % ring_weeks, r, k, i] * planned
                        want[a, k, i] = x
                        want_depot[d, k, i] += x
            for d in range(n_d):
                for k in range(n_k):
                    base = bottom[d, k]
                    for i in range(g):
                        asked = want_depot[d, k, i]
                        free = _max(depot[d, k, i] - base, 0.0)
                        part = _min(free / _max(asked, TINY), 1.0)
                        served[d, k, i] = part
                        depot[d, k, i] -= asked * part
            for a in receipt_order:
                slot = (w + arc_lead[a]) % ring_weeks
                r = arc_region[a]
                d = arc_depot[a]
                for k in range(n_k):
                    for i in range(g):
                        to_regions[slot, r, k, i] += served[d, k, i] * want[a, k, i]
            now = w % ring_weeks

            # Demand, shortage and stockout.
            for r in range(n_r):
                short_t[:] = 0.0
                demand_t[:] = 0.0
                over[:] = 0.0
                for k in range(n_k):
                    planned = demand[w, r, k]
                    for i in range(g):
                        realised = scale[now, r, k, i] * planned
                        got = to_regions[now, r, k, i]
                        short = _max(realised - got, 0.0)
                        received[i] += got
                        short_t[i] += short
                        demand_t[i] += realised
                        over[i] = _max(over[i], short - realised * stockout_share)
                        to_regions[now, r, k, i] = 0.0
                short_row = shortage[w, r, s0:s1]
                demand_row = demand_out[w, r, s0:s1]
                stockout_row = stockout[w, r, s0:s1]
                for i in range(m):
                    short_row[i] = short_t[i]
                    demand_row[i] = demand_t[i]
                    stockout_row[i] = over[i] > 0.0

            # Days of cover: each region's share of its depots' usable stock ÷ daily demand.
            for d in range(n_d):
                for k in range(n_k):
                    base = bottom[d, k]
                    for i in range(g):
                        usable[d, k, i] = _max(depot[d, k, i] - base, 0.0)
            for r in range(n_r):
                cover_row = cover[w, r, s0:s1]
                if without_demand[w, r]:
                    for i in range(m):
                        cover_row[i] = np.nan
                    continue
                least[:] = np.inf
                for k in range(n_k):
                    if no_demand[w, r, k]:
                        continue
                    days[:] = 0.0
                    for q in range(pair_start[r], pair_start[r + 1]):
                        per_t = cover_per_t[w, q, k]
                        dq = pair_depot[q]
                        for i in range(g):
                            days[i] += usable[dq, k, i] * per_t
                    for i in range(g):
                        least[i] = _min(least[i], days[i])
                for i in range(m):
                    cover_row[i] = least[i]

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


@njit(cache=True, nogil=True)
def disruption_weeks(
    corridor_u: Any,  # week, corridor, scenario: 32-bit uniforms of the corridors' chains
    attack_u: Any,  # week, corridor, scenario
    shock_u: Any,  # week, shock, scenario
    port_u: Any,  # week, port, scenario
    stochastic: bool,  # else the uniforms are not read: named closures only
    close_below: Any,  # corridor: u < this closes an open corridor (p · 2³², 2³² = always)
    reopen_below: Any,  # corridor
    closed_first_below: Any,  # corridor: week 1 (0 when not starting stationary)
    attack_below: Any,  # corridor
    attack_keep: Any,  # corridor: share of the loads on the road an attack leaves
    shock_on_below: Any,  # shock
    shock_off_below: Any,  # shock
    shock_first_below: Any,  # shock
    shock_hits: Any,  # shock, corridor (bool)
    shock_keep: Any,  # shock: share an onset leaves
    delay_below: Any,  # port
    delay_end_below: Any,  # port
    delay_first_below: Any,  # port
    closure_hits: Any,  # named closure, corridor (bool)
    closure_weeks: Any,  # named closure: first, last plan week (inclusive, from 1)
    closure_keep: Any,  # named closure: share its first week leaves
    road_open: Any,  # out: week, corridor, scenario (bool)
    port_open: Any,  # out: week, port, scenario (bool)
    loss: Any,  # out: week, corridor, scenario: share destroyed
) -> None:
    """The weekly disruptions from the sampled uniforms: the same two-state chains, thresholds
    and products of kept shares as the numpy formulation (`two_state_chain`, `_below`), one
    pass over the weeks. A uniform u hits with probability p when u < round(p · 2³²)."""
    n_w, n_c, n_s = road_open.shape
    n_h = shock_hits.shape[0]
    n_p = port_open.shape[1]
    n_x = closure_hits.shape[0]
    closed = np.zeros((n_c, n_s), dtype=np.bool_)  # the corridors' own chains, last week
    shock_on = np.zeros((n_h, n_s), dtype=np.bool_)
    onset = np.zeros((n_h, n_s), dtype=np.bool_)
    delayed = np.zeros((n_p, n_s), dtype=np.bool_)
    is_closed = np.zeros(n_s, dtype=np.bool_)
    share = np.ones(n_s)
    for w in range(n_w):
        if stochastic:
            for h in range(n_h):
                on_t, off_t, first_t = shock_on_below[h], shock_off_below[h], shock_first_below[h]
                if w == 0:
                    for s in range(n_s):
                        shock_on[h, s] = np.uint64(shock_u[w, h, s]) < first_t
                        onset[h, s] = False
                else:
                    for s in range(n_s):
                        u = np.uint64(shock_u[w, h, s])
                        was = shock_on[h, s]
                        now = (was & (u >= off_t)) | (~was & (u < on_t))
                        onset[h, s] = now & ~was
                        shock_on[h, s] = now
            for p in range(n_p):
                on_t, off_t, first_t = delay_below[p], delay_end_below[p], delay_first_below[p]
                for s in range(n_s):
                    u = np.uint64(port_u[w, p, s])
                    if w == 0:
                        now = u < first_t
                    else:
                        was = delayed[p, s]
                        now = (was & (u >= off_t)) | (~was & (u < on_t))
                    delayed[p, s] = now
                    port_open[w, p, s] = not now
        else:
            for p in range(n_p):
                for s in range(n_s):
                    port_open[w, p, s] = True
        for c in range(n_c):
            named = False
            for x in range(n_x):
                if closure_hits[x, c] and closure_weeks[x, 0] - 1 <= w < closure_weeks[x, 1]:
                    named = True
            if stochastic:
                on_t, off_t, first_t = close_below[c], reopen_below[c], closed_first_below[c]
                hit_t, kept = attack_below[c], attack_keep[c]
                for s in range(n_s):
                    u = np.uint64(corridor_u[w, c, s])
                    if w == 0:
                        now = u < first_t
                    else:
                        was = closed[c, s]
                        now = (was & (u >= off_t)) | (~was & (u < on_t))
                    closed[c, s] = now
                    is_closed[s] = named | now
                    attacked = np.uint64(attack_u[w, c, s]) < hit_t
                    share[s] = kept if attacked else 1.0
                for h in range(n_h):
                    if shock_hits[h, c]:
                        factor = shock_keep[h]
                        for s in range(n_s):
                            is_closed[s] = is_closed[s] | shock_on[h, s]
                            share[s] *= factor if onset[h, s] else 1.0
            else:
                for s in range(n_s):
                    is_closed[s] = named
                    share[s] = 1.0
            for x in range(n_x):
                if closure_hits[x, c] and closure_weeks[x, 0] - 1 == w:
                    factor = closure_keep[x]
                    for s in range(n_s):
                        share[s] *= factor
            for s in range(n_s):
                road_open[w, c, s] = not is_closed[s]
                loss[w, c, s] = 1.0 - share[s]
