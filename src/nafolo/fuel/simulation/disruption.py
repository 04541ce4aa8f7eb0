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
from nafolo.fuel.simulation.workspace import Workspace, empty

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
class DemandDraws:
    """The demand factor in compact form, as `sample` draws it: a 16-bit cell per (week, region,
    product, scenario), scenario axis last, and the cells' values in single precision (a 256 KB
    table per σ that stays in the core's cache; 6·10⁻⁸ relative is nothing for a demand
    multiplier). The compiled kernel looks the factor up itself (2 bytes a value read instead of
    8, no float array to fill); `factor()` spells it out for the others."""

    cells: NDArray[np.uint16]  # week, region, product, scenario
    table: NDArray[np.float32]  # cell values, DEMAND_CELLS per demand σ
    offset: NDArray[np.int64]  # region, product: where its σ's values start in `table`

    def factor(self) -> Floats:
        """Realised ÷ planned demand (week, region, product, scenario)."""
        index: NDArray[np.integer[Any]] = self.cells
        if self.offset.any():
            index = self.cells.astype(np.int64) + self.offset[:, :, None]
        values: Floats = self.table.take(index).astype(np.float64)
        return values


class Disruptions:
    """What happens in each sampled scenario (axis 0) and week (axis 1).

    `sample` returns these arrays as views of (week, …, scenario) arrays, scenario axis last: the
    layout `evaluate` works in. Arrays of any layout are accepted. The demand factor is given
    either as an array or as `DemandDraws`, spelled out on first use of `demand_factor`.
    """

    road_open: Bools  # scenario, week, corridor
    port_open: Bools  # scenario, week, port
    loss_share: Floats  # scenario, week, corridor: share of loads on the road destroyed
    demand: DemandDraws | None  # the demand factor's cells, when sampled

    def __init__(
        self,
        road_open: Bools,
        port_open: Bools,
        loss_share: Floats,
        demand_factor: Floats | None = None,
        *,
        demand: DemandDraws | None = None,
    ) -> None:
        if (demand_factor is None) == (demand is None):
            raise ValueError("give the demand factor either as an array or as DemandDraws")
        self.road_open = road_open
        self.port_open = port_open
        self.loss_share = loss_share
        self.demand = demand
        self._demand_factor = demand_factor

    @property
    def demand_factor(self) -> Floats:
        """Realised ÷ planned demand (scenario, week, region, product)."""
        if self._demand_factor is None:
            assert self.demand is not None
            self._demand_factor = np.moveaxis(self.demand.factor(), -1, 0)
        return self._demand_factor

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


def _raw(
    seed: int,
    first: int,
    count: int,
    mechanism: int,
    shape: tuple[int, ...],
    dtype: type,
    workspace: Workspace | None = None,
) -> NDArray[Any]:
    """Random integers (*shape, scenario) for scenarios first…first+count−1, drawn block by block
    (a whole block from its own stream, then cut), so independent of how scenarios are chunked."""
    if count == BLOCK and first % BLOCK == 0:  # one whole block: its draws as they come
        return _block(seed, first // BLOCK, mechanism, shape, dtype)
    out = empty(workspace, f"uniforms-{mechanism}", (*shape, count), dtype)
    for block in range(first // BLOCK, (first + count - 1) // BLOCK + 1):
        drawn = _block(seed, block, mechanism, shape, dtype)
        lo = max(first, block * BLOCK)
        hi = min(first + count, (block + 1) * BLOCK)
        out[..., lo - first : hi - first] = drawn[..., lo - block * BLOCK : hi - block * BLOCK]
    return out


def _block(
    seed: int, block: int, mechanism: int, shape: tuple[int, ...], dtype: type
) -> NDArray[Any]:
    """The random integers (*shape, BLOCK) of one block, from the block's own stream."""
    items = int(np.prod(shape)) * BLOCK
    words = -(-items * np.dtype(dtype).itemsize // 8)
    stream = np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block, mechanism)))
    drawn: NDArray[Any] = stream.random_raw(words).view(dtype)[:items].reshape(*shape, BLOCK)
    return drawn


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


def _demand_draws(
    model: DisruptionModel,
    weeks: int,
    seed: int,
    first: int,
    count: int,
    workspace: Workspace | None = None,
) -> DemandDraws:
    """Realised ÷ planned demand (week, region, product, scenario), lognormal with mean 1, as
    cells of its distribution."""
    sigma = model.demand_sigma
    r, k = sigma.shape
    if not (model.stochastic and np.any(sigma > 0)):
        cells = np.zeros((weeks, r, k, count), dtype=np.uint16)
        return DemandDraws(cells, np.ones(1, np.float32), np.zeros((r, k), dtype=np.int64))
    cells = _raw(seed, first, count, _DEMAND, (weeks, r, k), np.uint16, workspace)
    levels, group = np.unique(sigma, return_inverse=True)
    table = np.concatenate([_lognormal_cells(float(s)) for s in levels]).astype(np.float32)
    offset = group.reshape(r, k).astype(np.int64) * DEMAND_CELLS
    return DemandDraws(cells, table, offset)


def _thresholds(p: Floats) -> NDArray[np.uint64]:
    """round(p · 2³²) for 32-bit uniforms u: u < it with probability p (2³²: always)."""
    below: NDArray[np.uint64] = np.round(np.clip(p, 0.0, 1.0) * _WORD).astype(np.uint64)
    return below


def sample(
    model: DisruptionModel,
    weeks: int,
    seed: int,
    first: int,
    count: int,
    *,
    workspace: Workspace | None = None,
) -> Disruptions:
    """Disruptions of scenarios `first` … `first + count − 1` over `weeks` weeks.

    Given a `workspace`, the arrays are its own and the next call with it overwrites them.
    """
    from nafolo.fuel.simulation.kernel import disruption_weeks

    if count < 1 or first < 0:
        raise ValueError(f"scenarios must be a non-empty range, got first={first}, count={count}")
    n_c, n_p = len(model.close_p), len(model.delay_p)
    n_h = len(model.shock_on_p)
    stationary = model.start_stationary
    if model.stochastic:
        corridor_u = _raw(seed, first, count, _CORRIDOR, (weeks, n_c), np.uint32, workspace)
        attack_u = _raw(seed, first, count, _ATTACK, (weeks, n_c), np.uint32, workspace)
        shock_u = (
            _raw(seed, first, count, _SHOCK, (weeks, n_h), np.uint32, workspace)
            if n_h
            else np.zeros((weeks, 0, count), np.uint32)
        )
        port_u = (
            _raw(seed, first, count, _PORT, (weeks, n_p), np.uint32, workspace)
            if n_p
            else np.zeros((weeks, 0, count), np.uint32)
        )
    else:
        corridor_u = attack_u = shock_u = port_u = np.zeros((1, 1, 1), np.uint32)

    def start(enter_p: Floats, leave_p: Floats) -> NDArray[np.uint64]:
        if stationary:
            return _thresholds(_stationary_p(enter_p, leave_p))
        return np.zeros(len(enter_p), np.uint64)

    closures = model.closures
    closure_hits = np.array([c[0] for c in closures], dtype=bool).reshape(len(closures), n_c)
    closure_weeks = np.array([(c[1], c[2]) for c in closures], dtype=np.int64).reshape(-1, 2)
    road_open = empty(workspace, "road_open", (weeks, n_c, count), bool)
    port_open = empty(workspace, "port_open", (weeks, n_p, count), bool)
    loss = empty(workspace, "loss", (weeks, n_c, count), np.float64)
    disruption_weeks(
        corridor_u,
        attack_u,
        shock_u,
        port_u,
        model.stochastic,
        _thresholds(model.close_p),
        _thresholds(model.reopen_p),
        start(model.close_p, model.reopen_p),
        _thresholds(model.attack_p),
        1.0 - model.attack_loss_share,
        _thresholds(model.shock_on_p),
        _thresholds(model.shock_off_p),
        start(model.shock_on_p, model.shock_off_p),
        np.ascontiguousarray(model.shock_hits, dtype=bool).reshape(n_h, n_c),
        1.0 - model.shock_loss_share,
        _thresholds(model.delay_p),
        _thresholds(model.delay_end_p),
        start(model.delay_p, model.delay_end_p),
        closure_hits,
        closure_weeks,
        np.array([1.0 - c[3] for c in closures], dtype=np.float64),
        road_open,
        port_open,
        loss,
    )
    return Disruptions(
        road_open=np.moveaxis(road_open, -1, 0),
        port_open=np.moveaxis(port_open, -1, 0),
        loss_share=np.moveaxis(loss, -1, 0),
        demand=_demand_draws(model, weeks, seed, first, count, workspace),
    )
