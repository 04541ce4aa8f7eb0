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
    """What happens in each sampled scenario (axis 0) and week (axis 1)."""

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
    total = enter_p + leave_p
    pi = np.divide(enter_p, total, out=np.zeros_like(enter_p), where=total > 0)
    state[:, 0] = (start_u < pi) if stationary else False
    for w in range(1, weeks):
        state[:, w] = np.where(state[:, w - 1], step_u[:, w] >= leave_p, step_u[:, w] < enter_p)
    return state


def _block_draws(seed: int, block: int, mechanism: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block, mechanism)))


def _uniforms(
    seed: int, first: int, count: int, mechanism: int, shape: tuple[int, ...]
) -> NDArray[np.float32]:
    """Uniforms of scenarios first…first+count−1, block by block (independent of chunking)."""
    parts = []
    for block in range(first // BLOCK, (first + count - 1) // BLOCK + 1):
        drawn = _block_draws(seed, block, mechanism).random((BLOCK, *shape), dtype=np.float32)
        lo = max(first, block * BLOCK) - block * BLOCK
        hi = min(first + count, (block + 1) * BLOCK) - block * BLOCK
        parts.append(drawn[lo:hi])
    return np.concatenate(parts)


def _normals(seed: int, first: int, count: int, shape: tuple[int, ...]) -> NDArray[np.float32]:
    parts = []
    for block in range(first // BLOCK, (first + count - 1) // BLOCK + 1):
        drawn = _block_draws(seed, block, _DEMAND).standard_normal(
            (BLOCK, *shape), dtype=np.float32
        )
        lo = max(first, block * BLOCK) - block * BLOCK
        hi = min(first + count, (block + 1) * BLOCK) - block * BLOCK
        parts.append(drawn[lo:hi])
    return np.concatenate(parts)


def sample(model: DisruptionModel, weeks: int, seed: int, first: int, count: int) -> Disruptions:
    """Disruptions of scenarios `first` … `first + count − 1` over `weeks` weeks."""
    if count < 1 or first < 0:
        raise ValueError(f"scenarios must be a non-empty range, got first={first}, count={count}")
    n_c, n_p = len(model.close_p), len(model.delay_p)
    n_h = len(model.shock_on_p)
    closed = np.zeros((count, weeks, n_c), dtype=bool)
    loss_keep = np.ones((count, weeks, n_c))
    port_open = np.ones((count, weeks, n_p), dtype=bool)
    r, k = model.demand_sigma.shape
    factor = np.ones((count, weeks, r, k))
    stationary = model.start_stationary
    if model.stochastic:
        u = _uniforms(seed, first, count, _CORRIDOR, (weeks + 1, n_c))
        closed |= two_state_chain(u[:, 0], u[:, 1:], model.close_p, model.reopen_p, stationary)
        a = _uniforms(seed, first, count, _ATTACK, (weeks, n_c))
        loss_keep *= np.where(a < model.attack_p, 1.0 - model.attack_loss_share, 1.0)
        if n_h:
            u = _uniforms(seed, first, count, _SHOCK, (weeks + 1, n_h))
            on = two_state_chain(u[:, 0], u[:, 1:], model.shock_on_p, model.shock_off_p, stationary)
            closed |= (on.astype(np.float64) @ model.shock_hits.astype(np.float64)) > 0
            onset = on.copy()
            onset[:, 1:] &= ~on[:, :-1]
            onset[:, 0] = False
            keep = np.where(onset, 1.0 - model.shock_loss_share, 1.0)  # scenario, week, shock
            for h in range(n_h):
                loss_keep[:, :, model.shock_hits[h]] *= keep[:, :, h, None]
        if n_p:
            u = _uniforms(seed, first, count, _PORT, (weeks + 1, n_p))
            delayed = two_state_chain(
                u[:, 0], u[:, 1:], model.delay_p, model.delay_end_p, stationary
            )
            port_open = ~delayed
        if np.any(model.demand_sigma > 0):
            z = _normals(seed, first, count, (weeks, r, k))
            sigma = model.demand_sigma.astype(np.float32)
            factor = np.exp(sigma * z - np.float32(0.5) * sigma**2).astype(np.float64)
    for mask, first_week, last_week, loss in model.closures:
        if first_week > weeks:
            continue
        closed[:, first_week - 1 : last_week, mask] = True
        loss_keep[:, first_week - 1, mask] *= 1.0 - loss
    return Disruptions(~closed, port_open, 1.0 - loss_keep, factor)


def _st(model: DisruptionModel) -> bool:
    return model.start_stationary
