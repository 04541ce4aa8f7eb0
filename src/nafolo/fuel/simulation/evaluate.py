"""A plan followed over many sampled scenarios at once (static policy with re-routing).

Every array carries the scenario as its first axis; the only Python loop runs over weeks (and over
the few corridor pairs that can take each other's loads). Each week: loads due arrive at their
depot; attacks and shock onsets destroy a share of the loads still on the road; the plan's
dispatches (plus those held at the port earlier) leave on their corridor if it and its port are
open, within the corridor's truck capacity; what cannot leave is re-routed to the cheapest open
corridor from the same port with spare capacity, else held at the port for the next week; depots
release the plan's deliveries scaled to the realised demand, as far as their usable stock goes;
a region's shortage is its realised demand less what reached it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nafolo.fuel.simulation.disruption import Disruptions
from nafolo.fuel.simulation.system import SupplySystem

Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]

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


MATMUL_ROWS = 1024
"""Rows per BLAS call: small enough that BLAS stays on one thread (threads only slow it here)."""


def _small_matmul(a: Floats, b: Floats) -> Floats:
    """a @ b in blocks of `MATMUL_ROWS` rows; each row's result is the same whatever the block."""
    out = np.empty((a.shape[0], b.shape[1]))
    for i in range(0, a.shape[0], MATMUL_ROWS):
        np.matmul(a[i : i + MATMUL_ROWS], b, out=out[i : i + MATMUL_ROWS])
    return out


def _onehot(index: NDArray[np.int64], size: int) -> Floats:
    out = np.zeros((len(index), size))
    out[np.arange(len(index)), index] = 1.0
    return out


def _region_allocation(system: SupplySystem) -> Floats:
    """(region, depot, product): share of the depot's planned withdrawals destined to the region."""
    per_arc = system.deliveries_t.sum(axis=0)  # arc, product
    n_r, n_d = len(system.regions), len(system.depots)
    to_region = np.zeros((n_r, n_d, per_arc.shape[1]))
    np.add.at(to_region, (system.arc_region, system.arc_depot), per_arc)
    total = to_region.sum(axis=0, keepdims=True)
    share: Floats = np.divide(to_region, total, out=np.zeros_like(to_region), where=total > 0)
    return share


def evaluate(
    system: SupplySystem, disruptions: Disruptions, *, stockout_share: float = STOCKOUT_SHARE
) -> Outcome:
    """Follow the plan in every scenario of `disruptions` (static policy with re-routing)."""
    n_s, n_w = disruptions.scenarios, system.weeks
    if disruptions.road_open.shape[1] != n_w:
        raise ValueError(f"disruptions cover {disruptions.road_open.shape[1]} weeks, plan {n_w}")
    n_c, n_k = system.shipments_t.shape[1:]
    n_d, n_r = len(system.depots), len(system.regions)
    # State arrays put product before place: (scenario, product, place) for 2-D matrix products.
    ring = int(max(system.lead_weeks.max(initial=1), system.in_transit_t.shape[0])) + 1
    pipe = np.zeros((ring, n_s, n_k, n_c))
    for a in range(system.in_transit_t.shape[0]):
        pipe[a % ring] += system.in_transit_t[a].T
    region_ring = int(system.arc_lead_weeks.max(initial=0)) + 1
    to_regions = np.zeros((region_ring, n_s, n_k, n_r))
    depot = np.broadcast_to(system.depot_opening_t.T, (n_s, n_k, n_d)).copy()
    bottom = system.bottom_t.T
    held = np.zeros((n_s, n_k, n_c))
    lost = np.zeros(n_s)
    rerouted = np.zeros(n_s)
    received_total = np.zeros(n_s)
    opening = np.full(n_s, system.depot_opening_t.sum() + system.in_transit_t.sum())
    dispatched = np.full(n_s, system.shipments_t.sum())

    shipments = system.shipments_t.transpose(0, 2, 1)  # week, product, corridor
    deliveries = system.deliveries_t.transpose(0, 2, 1)  # week, product, arc
    demand = system.demand_t.transpose(0, 2, 1)  # week, product, region
    demand_factor = disruptions.demand_factor.transpose(0, 1, 3, 2)  # s, week, product, region
    into = _onehot(system.corridor_depot, n_d)  # corridor, depot
    arc_into_depot = _onehot(system.arc_depot, n_d)  # arc, depot
    per_payload = 1.0 / system.payload_t
    order = reroute_order(system)
    leads = [(int(lead), system.lead_weeks == lead) for lead in np.unique(system.lead_weeks)]
    arc_leads = [
        (int(lead), _onehot(system.arc_region, n_r) * (system.arc_lead_weeks == lead)[:, None])
        for lead in np.unique(system.arc_lead_weeks)
    ]
    allocation = _region_allocation(system).transpose(2, 1, 0)  # product, depot, region
    daily_demand = demand / 7.0
    same_arc_lead = bool(np.all(system.arc_lead_weeks == system.arc_lead_weeks[0]))

    def spread(values: Floats, matrix: Floats) -> Floats:
        """(s, k, x) @ (x, y) → (s, k, y)."""
        s, k, x = values.shape
        return _small_matmul(values.reshape(s * k, x), matrix).reshape(s, k, matrix.shape[1])

    shortage = np.zeros((n_s, n_w, n_r))
    stockout = np.zeros((n_s, n_w, n_r), dtype=bool)
    cover = np.zeros((n_s, n_w, n_r))
    demand_out = np.zeros((n_s, n_w, n_r))
    for w in range(n_w):
        loss = disruptions.loss_share[:, w]
        if loss.any():
            lost += (pipe.sum(axis=(0, 2)) * loss).sum(axis=1)
            pipe *= (1.0 - loss)[None, :, None, :]
        slot = w % ring
        depot += spread(pipe[slot], into)
        pipe[slot] = 0.0

        port_open = disruptions.port_open[:, w][:, system.corridor_port]
        can_leave = disruptions.road_open[:, w] & port_open
        to_send = held + shipments[w]
        need_trucks = per_payload @ to_send  # s, corridor
        capacity = system.capacity_trucks[w]
        fits = np.minimum(
            1.0,
            np.divide(capacity, need_trucks, out=np.ones_like(need_trucks), where=need_trucks > 0),
        )
        leaving = np.where(can_leave, fits, 0.0)
        sent = to_send * leaving[:, None, :]
        left = to_send - sent
        left_trucks = need_trucks * (1.0 - leaving)
        spare = np.where(can_leave, np.maximum(capacity - need_trucks * leaving, 0.0), 0.0)
        for c, others in order:
            waiting = left_trucks[:, c] > 0.0
            if not waiting.any():
                continue
            rows = np.flatnonzero(waiting & (spare[:, others].max(axis=1) > 0.0))
            if rows.size == 0:
                continue
            trucks = left_trucks[rows, c]
            tonnes = left[rows, :, c]
            for a in others:
                room = spare[rows, a]
                if not room.any():
                    continue
                move = np.minimum(trucks, room)
                share = np.divide(move, trucks, out=np.zeros_like(move), where=trucks > 0.0)
                moved = tonnes * share[:, None]
                tonnes -= moved
                sent[rows, :, a] += moved
                trucks = trucks - move
                spare[rows, a] = room - move
                rerouted[rows] += moved.sum(axis=1)
            left[rows, :, c] = tonnes
        held = left
        for lead, on in leads:
            pipe[(w + lead) % ring][:, :, on] += sent[:, :, on]

        if same_arc_lead:
            week = min(w + int(system.arc_lead_weeks[0]), n_w - 1)
            factor = demand_factor[:, week][:, :, system.arc_region]  # s, k, arc
        else:
            week_of_arc = np.minimum(w + system.arc_lead_weeks, n_w - 1)
            factor = demand_factor[:, week_of_arc, :, system.arc_region].transpose(1, 2, 0)
        want = deliveries[w] * factor  # s, k, arc
        want_depot = spread(want, arc_into_depot)
        usable = np.maximum(depot - bottom, 0.0)
        served = np.minimum(
            1.0, np.divide(usable, want_depot, out=np.ones_like(usable), where=want_depot > 0)
        )
        got = want * served[:, :, system.arc_depot]
        depot -= want_depot * served
        for lead, arc_to_region in arc_leads:
            to_regions[(w + lead) % region_ring] += spread(got, arc_to_region)
        received = to_regions[w % region_ring].copy()
        to_regions[w % region_ring] = 0.0
        realised = demand[w] * demand_factor[:, w]
        short = np.maximum(realised - received, 0.0)
        received_total += received.sum(axis=(1, 2))
        shortage[:, w] = short.sum(axis=1)
        stockout[:, w] = (short > stockout_share * realised).any(axis=1)
        demand_out[:, w] = realised.sum(axis=1)
        usable = np.maximum(depot - bottom, 0.0)
        stock_for_region = np.stack(
            [_small_matmul(usable[:, k], allocation[k]) for k in range(n_k)], axis=1
        )
        days = np.divide(
            stock_for_region,
            daily_demand[w],
            out=np.full_like(stock_for_region, np.inf),
            where=daily_demand[w] > 0,
        )
        least = days.min(axis=1)
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
