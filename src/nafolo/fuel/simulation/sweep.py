"""Scenario sweeps on an engine: this process, a local process pool, or a Dask cluster.

A sweep cuts the scenarios into chunks (multiples of the random-number block), evaluates them on
the engine and puts them back in scenario order, so the same seed gives identical results
whatever the engine and the number of workers. A grid sweep does the same for every job of a
grid (parameter set × policy), all chunks of all jobs sharing the engine. With a cache folder,
each finished chunk is saved under a hash of everything that determines it (system, disruption
model, policy and its settings, seed, scenario range) and found again after a kill: the sweep
resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, fields
from pathlib import Path
from queue import SimpleQueue
from typing import Any

import numpy as np

from nafolo.fuel.simulation.disruption import BLOCK, DisruptionModel, sample
from nafolo.fuel.simulation.evaluate import Outcome
from nafolo.fuel.simulation.rolling import RollingSettings, evaluate_rolling
from nafolo.fuel.simulation.run import (
    CHUNK,
    check_conservation,
    chunks,
    compact_outcome,
    concatenate,
    evaluate_into,
    write_compact,
)
from nafolo.fuel.simulation.system import SupplySystem
from nafolo.fuel.simulation.workspace import Workspace

ENGINES = ("serial", "local", "dask")
CACHE_VERSION = "simulation-3"
"""Bumped whenever the model's rules change, so stale cached chunks are never reused."""

FOLLOWS_PLAN = ("static", "robust")
"""Policies that follow a plan with the static rules (robust: the robust plan's system)."""


@dataclass(frozen=True)
class Job:
    """One simulation of a grid: a system followed under a disruption model by a policy.

    `policy` is `static` or `robust` (the system's plan followed with re-routing; for robust,
    the system holds the robust plan) or `rolling` (re-planned each week with `rolling`).
    """

    system: SupplySystem
    model: DisruptionModel
    policy: str = "static"
    rolling: RollingSettings | None = None

    def __post_init__(self) -> None:
        if self.policy not in (*FOLLOWS_PLAN, "rolling"):
            raise ValueError(f"policy must be static, rolling or robust, got {self.policy!r}")


def scenario_hash(
    system: SupplySystem,
    model: DisruptionModel,
    seed: int,
    first: int,
    count: int,
    policy: str = "static",
    rolling: RollingSettings | None = None,
) -> str:
    """A key for one chunk's results: same key, same numbers."""
    digest = hashlib.sha256(CACHE_VERSION.encode())
    extra: tuple[Any, ...] = (policy,)
    if policy == "rolling":
        extra = (*extra, rolling or RollingSettings())
    for value in (*_values(system), *_values(model), seed, first, count, *extra):
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


def evaluate_job(
    job: Job, seed: int, first: int, count: int, workspace: Workspace | None = None
) -> Outcome:
    """Scenarios first … first + count − 1 of a job, conservation checked, kept compact (in
    arrays of its own, whatever `workspace` it was computed in)."""
    result = compact_outcome(job.system, count)
    _evaluate_into(job, seed, first, count, result, 0, workspace)
    return result


def _evaluate_into(
    job: Job,
    seed: int,
    first: int,
    count: int,
    result: Outcome,
    at: int,
    workspace: Workspace | None,
) -> None:
    """Scenarios first … first + count − 1 of a job, conservation checked, written compact into
    `result` from scenario `at` on (the static policy a piece at a time, `run.evaluate_into`)."""
    if job.policy != "rolling":
        evaluate_into(job.system, job.model, seed, first, count, result, at, workspace)
        return
    disruptions = sample(job.model, job.system.weeks, seed, first, count, workspace=workspace)
    outcome = evaluate_rolling(job.system, job.model, disruptions, job.rolling)
    check_conservation(outcome)
    write_compact(result, at, outcome)


_worker = threading.local()


def _worker_workspace() -> Workspace:
    """This thread's workspace: a pool or Dask worker evaluates chunk after chunk."""
    workspace: Workspace | None = getattr(_worker, "workspace", None)
    if workspace is None:
        workspace = _worker.workspace = Workspace()
    return workspace


def _timed(
    job: Job, seed: int, first: int, count: int, workspace: Workspace | None = None
) -> tuple[Outcome, float]:
    started = time.perf_counter()
    outcome = evaluate_job(job, seed, first, count, workspace or _worker_workspace())
    return outcome, time.perf_counter() - started


_ALIGN = 64


def _layout(job: Job, scenarios: int) -> list[tuple[str, np.dtype[Any], tuple[int, ...], int]]:
    """(field, dtype, shape, byte offset) of a job's compact outcome laid out in one buffer."""
    per_week = (job.system.weeks, len(job.system.regions))
    layout: list[tuple[str, np.dtype[Any], tuple[int, ...], int]] = []
    offset = 0
    for f in fields(Outcome):
        dtype: np.dtype[Any]
        shape: tuple[int, ...]
        if f.name == "stockout":
            dtype, shape = np.dtype(np.bool_), (scenarios, *per_week)
        elif f.name in ("shortage_t", "days_of_cover", "demand_t"):
            dtype, shape = np.dtype(np.float32), (scenarios, *per_week)
        else:
            dtype, shape = np.dtype(np.float64), (scenarios,)
        layout.append((f.name, dtype, shape, offset))
        offset += -(-int(np.prod(shape)) * dtype.itemsize // _ALIGN) * _ALIGN
    return layout


def _size(job: Job, scenarios: int) -> int:
    _, dtype, shape, offset = _layout(job, scenarios)[-1]
    return max(_ALIGN, offset + int(np.prod(shape)) * dtype.itemsize)


def _over(buffer: mmap.mmap, job: Job, scenarios: int) -> Outcome:
    """The job's outcome as arrays over `buffer` (no copy)."""
    raw = np.frombuffer(buffer, dtype=np.uint8)
    arrays = {}
    for name, dtype, shape, offset in _layout(job, scenarios):
        size = int(np.prod(shape)) * dtype.itemsize
        arrays[name] = raw[offset : offset + size].view(dtype).reshape(shape)
    return Outcome(**arrays)


def _shared_file(size: int) -> Path:
    """A new file of `size` bytes in shared memory (/dev/shm) if it has room, else in the
    temporary folder."""
    folder = None
    if Path("/dev/shm").is_dir():
        stat = os.statvfs("/dev/shm")
        if stat.f_bavail * stat.f_frsize > 2 * size:
            folder = "/dev/shm"
    handle, name = tempfile.mkstemp(prefix="nafolo-sweep-", suffix=".bin", dir=folder)
    try:
        os.ftruncate(handle, size)
    finally:
        os.close(handle)
    return Path(name)


def _map(path: Path, size: int) -> mmap.mmap:
    with path.open("r+b") as handle:
        return mmap.mmap(handle.fileno(), size)


def _timed_into(
    job: Job, seed: int, first: int, count: int, path: Path, scenarios: int
) -> tuple[None, float]:
    """Evaluate a chunk in a pool worker and write it in place into the job's shared outcome
    file, so nothing but the seconds goes back (pickling a 2,048-scenario chunk's 7.8 MB took
    longer than a third of its evaluation); straight from the worker's workspace, the file's
    single-precision arrays taking the place of `compact`."""
    started = time.perf_counter()
    buffer = _map(path, _size(job, scenarios))
    try:
        shared = _over(buffer, job, scenarios)
        _evaluate_into(job, seed, first, count, shared, first, _worker_workspace())
        del shared  # the mapping closes only once no array views it
    finally:
        buffer.close()
    return None, time.perf_counter() - started


def _chunk_of(outcome: Outcome, first: int, count: int) -> Outcome:
    """Scenarios first … first + count − 1 of `outcome`, as views."""
    return Outcome(
        **{f.name: getattr(outcome, f.name)[first : first + count] for f in fields(Outcome)}
    )


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
    policy: str = "static",
    rolling: RollingSettings | None = None,
) -> Outcome:
    """`scenarios` seeded scenarios of one policy on `engine`, in scenario order.

    serial: this process; local: a pool of `workers` processes; dask: the cluster at `scheduler`
    (a new LocalCluster of `workers` processes when None). Chunks must be multiples of BLOCK.
    """
    job = Job(system, model, policy, rolling)
    return sweep_grid(
        [job],
        scenarios,
        seed,
        engine=engine,
        workers=workers,
        chunk=chunk,
        scheduler=scheduler,
        cache=cache,
        progress=progress,
    )[0]


def sweep_grid(
    jobs: Sequence[Job],
    scenarios: int,
    seed: int,
    *,
    engine: str = "local",
    workers: int = 2,
    chunk: int = CHUNK,
    scheduler: str | None = None,
    cache: Path | None = None,
    progress: Callable[[int], None] | None = None,
    timings: dict[int, float] | None = None,
) -> list[Outcome]:
    """The same `scenarios` seeded scenarios for every job (common random numbers: scenario i
    samples the same closures, losses and demand in every job with the same disruption model),
    one outcome per job in order. `progress` is told the scenarios of each finished chunk;
    `timings`, if given, receives per job the seconds its chunks took to compute (summed over
    workers; chunks found in the cache count nothing)."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if chunk % BLOCK:
        raise ValueError(f"chunk must be a multiple of {BLOCK} scenarios, got {chunk}")
    if workers < 1:
        raise ValueError(f"workers must be ≥ 1, got {workers}")
    ranges = chunks(scenarios, chunk)
    tasks = [(j, first, count) for j in range(len(jobs)) for first, count in ranges]
    done: dict[int, Outcome] = {}
    paths: dict[int, Path] = {}
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        for t, (j, first, count) in enumerate(tasks):
            job = jobs[j]
            key = scenario_hash(job.system, job.model, seed, first, count, job.policy, job.rolling)
            paths[t] = cache / f"{key}.npz"
            if paths[t].is_file():
                done[t] = _load(paths[t])
                if progress is not None:
                    progress(count)
    todo = [t for t in range(len(tasks)) if t not in done]

    def finished(t: int, timed: tuple[Outcome, float]) -> None:
        outcome, seconds = timed
        done[t] = outcome
        if timings is not None:
            j = tasks[t][0]
            timings[j] = timings.get(j, 0.0) + seconds
        if t in paths:
            _save(paths[t], outcome)
        if progress is not None:
            progress(tasks[t][2])

    if engine == "serial" or (engine == "local" and workers == 1):
        workspace = Workspace()
        for t in todo:
            j, first, count = tasks[t]
            finished(t, _timed(jobs[j], seed, first, count, workspace))
    elif engine == "local":
        return _run_local(jobs, scenarios, seed, tasks, done, workers, finished)
    else:
        _run_dask(jobs, seed, tasks, todo, workers, scheduler, finished)
    per_job = len(ranges)
    return [concatenate([done[j * per_job + i] for i in range(per_job)]) for j in range(len(jobs))]


def _run_local(
    jobs: Sequence[Job],
    scenarios: int,
    seed: int,
    tasks: list[tuple[int, int, int]],
    done: dict[int, Outcome],
    workers: int,
    finished: Callable[[int, tuple[Outcome, float]], None],
) -> list[Outcome]:
    """The chunks not `done` on `workers` processes: this one and a pool of `workers` − 1. Each
    job's outcome lives in one file in shared memory that every process writes its chunks into;
    chunks found in the cache are copied in. This process works from the first moment, taking
    chunks from the end of the queue, while the pool (started meanwhile, ≈ 25 ms) is handed them
    from the front one at a time, the next as one of its processes finishes (so that no process
    waits at the end for chunks queued ahead in another). The file is unlinked once the pool is
    done; the arrays stay mapped."""
    paths = [_shared_file(_size(job, scenarios)) for job in jobs]
    try:
        buffers = [_map(path, _size(job, scenarios)) for path, job in zip(paths, jobs, strict=True)]
        results = [_over(b, job, scenarios) for b, job in zip(buffers, jobs, strict=True)]
        for t, outcome in done.items():
            j, first, _ = tasks[t]
            write_compact(results[j], first, outcome)
        pending = deque(t for t in range(len(tasks)) if t not in done)
        remaining = len(pending)
        completed: SimpleQueue[tuple[int, Future[tuple[None, float]]]] = SimpleQueue()
        workspace = Workspace()

        def finish(t: int, seconds: float) -> None:
            j, first, count = tasks[t]
            finished(t, (_chunk_of(results[j], first, count), seconds))

        def submit_next(pool: ProcessPoolExecutor) -> None:
            """Give the pool the chunk at the front of the queue as soon as it has a free
            process (from the pool's own thread, when one of its chunks is done)."""
            try:
                t = pending.popleft()
            except IndexError:
                return
            j, first, count = tasks[t]
            future = pool.submit(_timed_into, jobs[j], seed, first, count, paths[j], scenarios)

            def done_in_pool(future: Future[tuple[None, float]], t: int = t) -> None:
                completed.put((t, future))
                submit_next(pool)

            future.add_done_callback(done_in_pool)

        def collect(block: bool) -> int:
            count = 0
            while block or not completed.empty():
                t, future = completed.get()
                finish(t, future.result()[1])
                count += 1
                block = False
            return count

        with ProcessPoolExecutor(max_workers=workers - 1) as pool:
            try:
                for _ in range(min(workers - 1, len(pending) - 1)):
                    submit_next(pool)
                while True:  # this process is a worker too, from the first moment
                    remaining -= collect(block=False)
                    try:
                        t = pending.pop()
                    except IndexError:
                        break
                    j, first, count = tasks[t]
                    started = time.perf_counter()
                    _evaluate_into(jobs[j], seed, first, count, results[j], first, workspace)
                    finish(t, time.perf_counter() - started)
                    remaining -= 1
                while remaining:
                    remaining -= collect(block=True)
            except BaseException:
                pending.clear()  # the pool takes nothing more; the chunks it runs end
                raise
        return results
    finally:
        for path in paths:
            path.unlink(missing_ok=True)


def _run_dask(
    jobs: Sequence[Job],
    seed: int,
    tasks: list[tuple[int, int, int]],
    todo: list[int],
    workers: int,
    scheduler: str | None,
    finished: Callable[[int, tuple[Outcome, float]], None],
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
            shared = client.scatter(list(jobs), broadcast=True)
            futures = {
                client.submit(_timed, shared[tasks[t][0]], seed, *tasks[t][1:], pure=False): t
                for t in todo
            }
            for future in as_completed(futures):  # type: ignore[no-untyped-call]
                finished(futures[future], future.result())
    finally:
        if cluster is not None:
            cluster.close()
