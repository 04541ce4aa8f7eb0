"""Scenario sweeps on an engine: this process, a local process pool, or a Dask cluster.

A sweep cuts the scenarios into chunks (multiples of the random-number block), evaluates them on
the engine and puts them back in scenario order, so the same seed gives identical results
whatever the engine and the number of workers. With a cache folder, each finished chunk is saved
under a hash of everything that determines it (system, disruption model, seed, scenario range)
and found again after a kill: the sweep resumes where it stopped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np

from nafolo.fuel.simulation.disruption import BLOCK, DisruptionModel
from nafolo.fuel.simulation.evaluate import Outcome
from nafolo.fuel.simulation.run import CHUNK, chunks, compact, concatenate, evaluate_range
from nafolo.fuel.simulation.system import SupplySystem

ENGINES = ("serial", "local", "dask")
CACHE_VERSION = "simulation-1"
"""Bumped whenever the model's rules change, so stale cached chunks are never reused."""


def scenario_hash(
    system: SupplySystem, model: DisruptionModel, seed: int, first: int, count: int
) -> str:
    """A key for one chunk's results: same key, same numbers."""
    digest = hashlib.sha256(CACHE_VERSION.encode())
    for value in (*_values(system), *_values(model), seed, first, count):
        if isinstance(value, np.ndarray):
            digest.update(str((value.dtype, value.shape)).encode())
            digest.update(np.ascontiguousarray(value).tobytes())
        else:
            digest.update(repr(value).encode())
    return digest.hexdigest()[:32]


def _values(obj: Any) -> Iterator[Any]:
    for f in fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, tuple) and value and isinstance(value[0], tuple):
            for item in value:
                yield from item
        else:
            yield value


def _chunk(
    system: SupplySystem, model: DisruptionModel, seed: int, first: int, count: int
) -> Outcome:
    return compact(evaluate_range(system, model, seed, first, count))


def _save(path: Path, outcome: Outcome) -> None:
    partial = path.with_suffix(".part")
    with partial.open("wb") as handle:
        np.savez(handle, **{f.name: getattr(outcome, f.name) for f in fields(Outcome)})
    partial.replace(path)


def _load(path: Path) -> Outcome:
    with np.load(path) as saved:
        return Outcome(**{f.name: saved[f.name] for f in fields(Outcome)})


def sweep(
    system: SupplySystem,
    model: DisruptionModel,
    scenarios: int,
    seed: int,
    *,
    engine: str = "local",
    workers: int = 2,
    chunk: int = CHUNK,
    scheduler: str | None = None,
    cache: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """`scenarios` seeded scenarios of the static policy on `engine`, in scenario order.

    serial: this process; local: a pool of `workers` processes; dask: the cluster at `scheduler`
    (a new LocalCluster of `workers` processes when None). Chunks must be multiples of BLOCK.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if chunk % BLOCK:
        raise ValueError(f"chunk must be a multiple of {BLOCK} scenarios, got {chunk}")
    if workers < 1:
        raise ValueError(f"workers must be ≥ 1, got {workers}")
    ranges = chunks(scenarios, chunk)
    done: dict[int, Outcome] = {}
    paths: dict[int, Path] = {}
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        for i, (first, count) in enumerate(ranges):
            paths[i] = cache / f"{scenario_hash(system, model, seed, first, count)}.npz"
            if paths[i].is_file():
                done[i] = _load(paths[i])
                if progress is not None:
                    progress(count)
    todo = [i for i in range(len(ranges)) if i not in done]

    def finished(i: int, outcome: Outcome) -> None:
        done[i] = outcome
        if i in paths:
            _save(paths[i], outcome)
        if progress is not None:
            progress(ranges[i][1])

    if engine == "serial" or (engine == "local" and workers == 1):
        for i in todo:
            finished(i, _chunk(system, model, seed, *ranges[i]))
    elif engine == "local":
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {i: pool.submit(_chunk, system, model, seed, *ranges[i]) for i in todo}
            for i, future in futures.items():
                finished(i, future.result())
    else:
        _run_dask(system, model, seed, ranges, todo, workers, scheduler, finished)
    return concatenate([done[i] for i in range(len(ranges))])


def _run_dask(
    system: SupplySystem,
    model: DisruptionModel,
    seed: int,
    ranges: list[tuple[int, int]],
    todo: list[int],
    workers: int,
    scheduler: str | None,
    finished: Callable[[int, Outcome], None],
) -> None:
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
    try:
        target = cluster if cluster is not None else scheduler
        with Client(target) as client:  # type: ignore[no-untyped-call]
            shared = client.scatter([system, model], broadcast=True)
            futures = {
                client.submit(_chunk, shared[0], shared[1], seed, *ranges[i], pure=False): i
                for i in todo
            }
            for future in as_completed(futures):  # type: ignore[no-untyped-call]
                finished(futures[future], future.result())
    finally:
        if cluster is not None:
            cluster.close()
