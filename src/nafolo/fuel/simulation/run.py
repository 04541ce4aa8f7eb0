"""Many scenarios in chunks: bounded memory, results independent of the chunk size."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import fields
from typing import Any

import numpy as np

from nafolo.fuel.simulation.disruption import BLOCK, DisruptionModel, sample
from nafolo.fuel.simulation.evaluate import Outcome, evaluate
from nafolo.fuel.simulation.system import SupplySystem
from nafolo.fuel.simulation.workspace import Workspace

CHUNK = 8 * BLOCK
"""Scenarios per chunk by default (a multiple of the random-number block): the unit of progress,
of the sweep's cache files and of the pool's tasks."""

PIECE = BLOCK
"""Scenarios sampled and evaluated at once inside a chunk: one random-number block, drawn without
a copy, whose arrays stay in the core's caches from sampling to evaluation (on the Mali network
one core ran 5–20 % faster in pieces of 256 than of 512, and slower still at 2,048–8,192)."""

CONSERVATION_TOLERANCE_T = 1e-6
"""Tonnes a scenario may gain or lose by rounding, per tonne handled."""


class ConservationError(RuntimeError):
    """A scenario that created or lost product other than by destroyed trucks: a modelling bug."""


def check_conservation(outcome: Outcome) -> None:
    """Raise ConservationError if any scenario's tonnes do not balance."""
    scale = np.maximum(1.0, outcome.opening_t + outcome.dispatched_t)
    off = np.abs(outcome.imbalance_t()) / scale
    if np.any(off > CONSERVATION_TOLERANCE_T):
        worst = int(np.argmax(off))
        raise ConservationError(f"scenario {worst} is off by {outcome.imbalance_t()[worst]:,.3f} t")


def evaluate_range(
    system: SupplySystem,
    model: DisruptionModel,
    seed: int,
    first: int,
    count: int,
    workspace: Workspace | None = None,
) -> Outcome:
    """Scenarios first … first + count − 1, conservation checked (in `workspace` if given)."""
    disruptions = sample(model, system.weeks, seed, first, count, workspace=workspace)
    outcome = evaluate(system, disruptions, workspace=workspace)
    check_conservation(outcome)
    return outcome


def chunks(scenarios: int, chunk: int = CHUNK) -> list[tuple[int, int]]:
    """(first, count) ranges covering 0 … scenarios − 1."""
    if scenarios < 1:
        raise ValueError(f"scenarios must be ≥ 1, got {scenarios}")
    if chunk < 1:
        raise ValueError(f"chunk must be ≥ 1, got {chunk}")
    return [(first, min(chunk, scenarios - first)) for first in range(0, scenarios, chunk)]


def concatenate(parts: list[Outcome]) -> Outcome:
    """Outcomes of consecutive scenario ranges as one."""
    return Outcome(
        **{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Outcome)}
    )


def simulate(
    system: SupplySystem,
    model: DisruptionModel,
    scenarios: int,
    seed: int,
    *,
    chunk: int = CHUNK,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """`scenarios` seeded scenarios of the static policy, compact, evaluated in this process a
    chunk at a time; `progress` is told how many scenarios each finished chunk held."""
    result = compact_outcome(system, scenarios)
    workspace = Workspace()
    for first, count in chunks(scenarios, chunk):
        evaluate_into(system, model, seed, first, count, result, first, workspace)
        if progress is not None:
            progress(count)
    return result


def pieces(first: int, count: int) -> list[tuple[int, int]]:
    """(first, count) ranges covering first … first + count − 1, cut at multiples of PIECE."""
    cuts = [first, *range((first // PIECE + 1) * PIECE, first + count, PIECE), first + count]
    return [(a, b - a) for a, b in itertools.pairwise(cuts)]


def evaluate_into(
    system: SupplySystem,
    model: DisruptionModel,
    seed: int,
    first: int,
    count: int,
    result: Outcome,
    at: int,
    workspace: Workspace | None = None,
) -> None:
    """Scenarios first … first + count − 1, conservation checked, written compact into
    `result` from scenario `at` on, a piece (PIECE scenarios) at a time."""
    for start, size in pieces(first, count):
        piece = evaluate_range(system, model, seed, start, size, workspace)
        write_compact(result, at + start - first, piece)


def compact_outcome(system: SupplySystem, scenarios: int) -> Outcome:
    """An uninitialised compact outcome of `scenarios` scenarios (the types `compact` gives)."""
    per_week = (scenarios, system.weeks, len(system.regions))
    arrays: dict[str, Any] = {}
    for f in fields(Outcome):
        if f.name in COMPACT_SINGLE:
            arrays[f.name] = np.empty(per_week, dtype=np.float32)
        elif f.name == "stockout":
            arrays[f.name] = np.empty(per_week, dtype=bool)
        else:
            arrays[f.name] = np.empty(scenarios)
    return Outcome(**arrays)


COMPACT_SINGLE = ("shortage_t", "days_of_cover", "demand_t")
"""The (scenario, week, region) figures a compact outcome keeps in single precision."""


def write_compact(result: Outcome, at: int, outcome: Outcome) -> None:
    """`outcome` into `result` from scenario `at` on, in `result`'s types (converted as copied)."""
    count = outcome.scenarios
    for f in fields(Outcome):
        getattr(result, f.name)[at : at + count] = getattr(outcome, f.name)
