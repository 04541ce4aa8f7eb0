"""Sampled disruptions: which roads and ports are open each week, what is destroyed, real demand.

Each corridor alternates open and closed spells as a two-state Markov chain in weekly steps, so
spell lengths are geometric with the means of the `disruption_corridors` sheet. Common shocks
close every corridor of an axis together; port delays stop loading at a port; attacks and shock
onsets destroy a share of the loads on the road; demand is lognormal around the plan's seasonal
mean. Random numbers come in fixed blocks of `BLOCK` scenarios, each from its own
`SeedSequence(seed, spawn_key=(block, mechanism))`, so scenario i sees the same draws however
the scenarios are chunked or spread over workers.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nafolo.fuel.simulation.parameters import WEEKS_PER_YEAR, DisruptionParameters
from nafolo.fuel.simulation.system import SupplySystem

BLOCK = 256
"""Scenarios drawn together from one random stream; chunks are cut at multiples of it."""

_CORRIDOR, _SHOCK, _PORT, _ATTACK, _DEMAND = range(5)

Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]


@dataclass(frozen=True)
class DisruptionModel:
    """Disruption parameters as weekly probabilities aligned on a system's corridors and ports."""

    close_p: Floats  # corridor: P(open → closed) a week
    reopen_p: Floats  # corridor: P(closed → open) a week
    attack_p: Floats  # corridor: P(an attack) a week
    attack_loss_share: Floats  # corridor
    shock_on_p: Floats  # shock
    shock_off_p: Floats  # shock
    shock_hits: Bools  # shock, corridor
    shock_loss_share: Floats  # shock
    delay_p: Floats  # port
    delay_end_p: Floats  # port
    demand_sigma: Floats  # region, product: σ of log demand
    closures: tuple[tuple[Bools, int, int, float], ...]  # corridors, first, last week, loss
    stochastic: bool = True
    start_stationary: bool = True

    @classmethod
    def build(
        cls,
        system: SupplySystem,
        parameters: DisruptionParameters,
        *,
        scenario: str | None = None,
        stochastic: bool = True,
        start_stationary: bool = True,
    ) -> DisruptionModel:
        """The model of `parameters` on `system`, with the named `scenario`'s closures if given."""
        c_at = {c: i for i, c in enumerate(system.corridors)}
        n_c = len(system.corridors)
        close_p, reopen_p = np.zeros(n_c), np.ones(n_c)
        attack_p, attack_loss = np.zeros(n_c), np.zeros(n_c)
        for name, row in parameters.corridors.items():
            i = c_at[name]
            close_p[i] = 1.0 / row.mean_open_weeks
            reopen_p[i] = 1.0 / row.mean_closure_weeks
            attack_p[i] = min(1.0, row.attacks_per_year / WEEKS_PER_YEAR)
            attack_loss[i] = row.attack_loss_share
        shocks = parameters.shocks
        hits = np.zeros((len(shocks), n_c), dtype=bool)
        for h, shock in enumerate(shocks):
            hits[h, [c_at[c] for c in shock.corridors]] = True
        p_at = {p: i for i, p in enumerate(system.ports)}
        delay_p, delay_end_p = np.zeros(len(system.ports)), np.ones(len(system.ports))
        for port, delay in parameters.port_delays.items():
            delay_p[p_at[port]] = delay.onsets_per_year / WEEKS_PER_YEAR
            delay_end_p[p_at[port]] = 1.0 / delay.mean_delay_weeks
        cv = np.array([[parameters.cv(r, k) for k in system.products] for r in system.regions])
        closures: list[tuple[Bools, int, int, float]] = []
        if scenario is not None:
            if scenario not in parameters.scenarios:
                known = ", ".join(sorted(parameters.scenarios)) or "none"
                raise KeyError(f"unknown scenario {scenario!r}; named scenarios: {known}")
            for closure in parameters.scenarios[scenario]:
                mask = np.zeros(n_c, dtype=bool)
                mask[[c_at[c] for c in closure.corridors]] = True
                closures.append(
                    (mask, closure.first_week, closure.last_week, closure.truck_loss_share)
                )
        return cls(
            close_p=close_p,
            reopen_p=reopen_p,
            attack_p=attack_p,
            attack_loss_share=attack_loss,
            shock_on_p=np.array([s.onsets_per_year / WEEKS_PER_YEAR for s in shocks]),
            shock_off_p=np.array([1.0 / s.mean_duration_weeks for s in shocks]),
            shock_hits=hits,
            shock_loss_share=np.array([s.truck_loss_share for s in shocks]),
            delay_p=delay_p,
            delay_end_p=delay_end_p,
            demand_sigma=np.sqrt(np.log1p(cv**2)),
            closures=tuple(closures),
            stochastic=stochastic,
            start_stationary=start_stationary,
        )


@dataclass(frozen=True)
class Disruptions:
    """What happens in each sampled scenario (axis 0) and week (axis 1).

    `sample` returns these arrays as views of (week, …, scenario) arrays, scenario axis last: the
    layout `evaluate` works in. Arrays of any layout are accepted.
    """

    road_open: Bools  # scenario, week, corridor
    port_open: Bools  # scenario, week, port
    loss_share: Floats  # scenario, week, corridor: share of loads on the road destroyed
    demand_factor: Floats  # scenario, week, region, product: realised ÷ planned demand

    @property
    def scenarios(self) -> int:
        return int(self.road_open.shape[0])


def two_state_chain(
    start_u: NDArray[np.floating[Any]],
    step_u: NDArray[np.floating[Any]],
    enter_p: Floats,
    leave_p: Floats,
    stationary: bool,
) -> Bools:
    """In/out of a state week by week; `step_u` is (scenario, week, unit), uniform on [0, 1).

    Week 1 is in the state with its stationary probability (or never when not `stationary`); then
    an out week enters with `enter_p` and an in week leaves with `leave_p`, so spells are
    geometric with means 1/enter_p (out) and 1/leave_p (in).
    """
    weeks = step_u.shape[1]
    state = np.empty(step_u.shape, dtype=bool)
    state[:, 0] = (start_u < _stationary_p(enter_p, leave_p)) if stationary else False
    for w in range(1, weeks):
        state[:, w] = np.where(state[:, w - 1], step_u[:, w] >= leave_p, step_u[:, w] < enter_p)
    return state


def _stationary_p(enter_p: Floats, leave_p: Floats) -> Floats:
    total = enter_p + leave_p
    pi: Floats = np.divide(enter_p, total, out=np.zeros_like(enter_p), where=total > 0)
    return pi


_WORD = 2.0**32


def _below(u: NDArray[np.uint32], p: Floats) -> Bools:
    """u < p · 2³² for 32-bit uniform integers u (…, unit, scenario): probability p per unit."""
    threshold = np.round(np.clip(p, 0.0, 1.0) * _WORD)
    always = threshold >= _WORD
    hit: Bools = u < np.minimum(threshold, _WORD - 1).astype(np.uint32)[:, None]
    if always.any():
        hit[..., always, :] = True
    return hit


def _chain(u: NDArray[np.uint32], enter_p: Floats, leave_p: Floats, stationary: bool) -> Bools:
    """`two_state_chain` on 32-bit uniforms laid out (week, unit, scenario)."""
    state = np.empty(u.shape, dtype=bool)
    if stationary:
        state[0] = _below(u[0], _stationary_p(enter_p, leave_p))
    else:
        state[0] = False
    stays = ~_below(u[1:], leave_p)
    enters = _below(u[1:], enter_p)
    for w in range(1, u.shape[0]):
        state[w] = enters[w - 1]
        np.copyto(state[w], stays[w - 1], where=state[w - 1])
    return state


def _raw(
    seed: int, first: int, count: int, mechanism: int, shape: tuple[int, ...], dtype: type
) -> NDArray[Any]:
    """Random integers (*shape, scenario) for scenarios first…first+count−1, drawn block by block
    (a whole block from its own stream, then cut), so independent of how scenarios are chunked."""
    out: NDArray[Any] = np.empty((*shape, count), dtype=dtype)
    items = int(np.prod(shape)) * BLOCK
    words = -(-items * np.dtype(dtype).itemsize // 8)
    for block in range(first // BLOCK, (first + count - 1) // BLOCK + 1):
        stream = np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block, mechanism)))
        drawn: NDArray[Any] = stream.random_raw(words).view(dtype)[:items].reshape(*shape, BLOCK)
        lo = max(first, block * BLOCK)
        hi = min(first + count, (block + 1) * BLOCK)
        out[..., lo - first : hi - first] = drawn[..., lo - block * BLOCK : hi - block * BLOCK]
    return out


DEMAND_CELLS = 2**16
"""Equally likely cells of the demand factor's distribution (drawn by a 16-bit index)."""


@functools.lru_cache(maxsize=32)
def _lognormal_cells(sigma: float) -> Floats:
    """The mean-one lognormal of log-σ `sigma` as `DEMAND_CELLS` equally likely values: the
    conditional mean of each cell between consecutive quantiles, so the mean stays exactly 1."""
    if sigma <= 0.0:
        return np.ones(DEMAND_CELLS)
    from scipy.special import ndtr, ndtri

    edges = ndtri(np.arange(DEMAND_CELLS + 1) / DEMAND_CELLS)  # −inf … +inf
    lo, hi = edges[:-1] - sigma, edges[1:] - sigma
    upper = lo > 0.0  # use the upper tail there: no cancellation near 1
    mass = np.where(upper, ndtr(-lo) - ndtr(-hi), ndtr(hi) - ndtr(lo))
    cells: Floats = mass * DEMAND_CELLS
    return cells


def _demand_factor(model: DisruptionModel, weeks: int, seed: int, first: int, count: int) -> Floats:
    """Realised ÷ planned demand (week, region, product, scenario), lognormal with mean 1."""
    sigma = model.demand_sigma
    r, k = sigma.shape
    if not (model.stochastic and np.any(sigma > 0)):
        return np.ones((weeks, r, k, count))
    cell = _raw(seed, first, count, _DEMAND, (weeks, r, k), np.uint16)
    levels, group = np.unique(sigma, return_inverse=True)
    tables = np.concatenate([_lognormal_cells(float(s)) for s in levels])
    if len(levels) == 1:
        return tables.take(cell)
    offset = (group.reshape(r, k) * DEMAND_CELLS).astype(np.int32)[:, :, None]
    factor: Floats = tables.take(cell + offset)
    return factor


def sample(model: DisruptionModel, weeks: int, seed: int, first: int, count: int) -> Disruptions:
    """Disruptions of scenarios `first` … `first + count − 1` over `weeks` weeks."""
    if count < 1 or first < 0:
        raise ValueError(f"scenarios must be a non-empty range, got first={first}, count={count}")
    n_c, n_p = len(model.close_p), len(model.delay_p)
    n_h = len(model.shock_on_p)
    closed = np.zeros((weeks, n_c, count), dtype=bool)
    keep = np.ones((weeks, n_c, count))  # share of loads on the road kept
    port_open = np.ones((weeks, n_p, count), dtype=bool)
    stationary = model.start_stationary
    if model.stochastic:
        u = _raw(seed, first, count, _CORRIDOR, (weeks, n_c), np.uint32)
        closed |= _chain(u, model.close_p, model.reopen_p, stationary)
        u = _raw(seed, first, count, _ATTACK, (weeks, n_c), np.uint32)
        attacked = _below(u, model.attack_p)
        np.copyto(keep, (1.0 - model.attack_loss_share)[:, None], where=attacked)
        if n_h:
            u = _raw(seed, first, count, _SHOCK, (weeks, n_h), np.uint32)
            on = _chain(u, model.shock_on_p, model.shock_off_p, stationary)
            onset = np.zeros_like(on)
            onset[1:] = on[1:] & ~on[:-1]
            for h in range(n_h):
                hit = np.flatnonzero(model.shock_hits[h])
                closed[:, hit] |= on[:, h, None]
                kept = np.where(onset[:, h], 1.0 - model.shock_loss_share[h], 1.0)
                keep[:, hit] *= kept[:, None]
        if n_p:
            u = _raw(seed, first, count, _PORT, (weeks, n_p), np.uint32)
            port_open = ~_chain(u, model.delay_p, model.delay_end_p, stationary)
    for mask, first_week, last_week, loss in model.closures:
        if first_week > weeks:
            continue
        closed[first_week - 1 : last_week, mask] = True
        keep[first_week - 1, mask] *= 1.0 - loss
    factor = _demand_factor(model, weeks, seed, first, count)
    return Disruptions(
        road_open=np.moveaxis(~closed, -1, 0),
        port_open=np.moveaxis(port_open, -1, 0),
        loss_share=np.moveaxis(1.0 - keep, -1, 0),
        demand_factor=np.moveaxis(factor, -1, 0),
    )
