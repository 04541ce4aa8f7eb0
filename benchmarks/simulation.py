"""Benchmark of the disruption simulation on the bundled Mali network (26-week plan).

Run: .venv/bin/python -m benchmarks.simulation [--quick] [--repeat N]

Prints one table: scenario-weeks per second of the compiled kernel (numba), of the numpy kernel
and of the SimPy reference in the same run, and PASS/FAIL against the targets of issue 4 (≥ 100×
SimPy; ≥ 1,000,000 scenario-weeks/s on one core for the static policy; ≥ 80 % parallel
efficiency from 1 to 2 workers; memory bounded for 100,000 scenarios by chunking). The compiled
kernel is called once before any timing (warm-up), so compilation or loading from numba's cache
is excluded from the rates and reported on its own line. Figures depend on the load of the
machine: run it on a quiet one, or with --repeat N to see the best of N runs and their spread.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core means one BLAS thread too; the
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # pool's workers inherit these
os.environ.setdefault("MKL_NUM_THREADS", "1")

from rich.console import Console
from rich.table import Table

from nafolo.fuel.network.io import load_network
from nafolo.fuel.planning import plan, prepare
from nafolo.fuel.simulation import (
    DisruptionModel,
    SupplySystem,
    load_disruption,
    summarise,
    system_from_plan,
)
from nafolo.fuel.simulation.disruption import sample
from nafolo.fuel.simulation.evaluate import evaluate
from nafolo.fuel.simulation.run import (
    CHUNK,
    check_conservation,
    compact_outcome,
    pieces,
    write_compact,
)
from nafolo.fuel.simulation.sweep import sweep
from nafolo.fuel.simulation.workspace import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.simpy_model import simulate_simpy

START = date(2026, 1, 5)
WEEKS = 26
MEMORY_SCENARIOS = 100_000
MEMORY_LIMIT_MIB = 1536.0
CHUNK_SCENARIOS = CHUNK  # the engines' default


def mali() -> tuple[SupplySystem, DisruptionModel]:
    network = load_network()
    result = plan(network, WEEKS, START)
    system = system_from_plan(prepare(network, WEEKS, START), result)
    return system, DisruptionModel.build(system, load_disruption(network))


def rate(scenarios: int, seconds: float) -> float:
    return scenarios * WEEKS / seconds


def timed_sweep(
    system: SupplySystem, model: DisruptionModel, scenarios: int, **kwargs: object
) -> float:
    started = time.perf_counter()
    sweep(system, model, scenarios, seed=1, **kwargs)  # type: ignore[arg-type]
    return time.perf_counter() - started


def timed_serial(
    system: SupplySystem, model: DisruptionModel, scenarios: int, kernel: str
) -> tuple[float, float]:
    """(seconds in all, seconds sampling) of `scenarios` on one core with `kernel`: what the
    serial engine does (`run.simulate`, `run.evaluate_into`): the compact result allocated, then
    piece after piece of PIECE scenarios sampled, evaluated, conservation-checked and written
    into it, in one workspace."""
    workspace = Workspace()
    started = time.perf_counter()
    result = compact_outcome(system, scenarios)
    total, sampling = time.perf_counter() - started, 0.0
    for first, count in pieces(0, scenarios):
        started = time.perf_counter()
        disruptions = sample(model, WEEKS, 1, first, count, workspace=workspace)
        sampled = time.perf_counter()
        outcome = evaluate(system, disruptions, kernel=kernel, workspace=workspace)
        check_conservation(outcome)
        write_compact(result, first, outcome)
        total += time.perf_counter() - started
        sampling += sampled - started
    return total, sampling


def warm_up(system: SupplySystem, model: DisruptionModel) -> tuple[float, str]:
    """(seconds, how) of the compiled kernel's first call: compiled now, or loaded from the
    cache numba keeps in __pycache__."""
    from nafolo.fuel.simulation.kernel import static_policy

    started = time.perf_counter()
    evaluate(system, sample(model, WEEKS, 1, 0, 256))
    seconds = time.perf_counter() - started
    hits = sum(static_policy.stats.cache_hits.values())
    return seconds, "loaded from cache" if hits else "compiled (no cache yet)"


def _memory_child(scenarios: int, chunk: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    system, model = mali()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    outcome = sweep(system, model, scenarios, seed=1, engine="serial", chunk=chunk)
    summarise(system, outcome)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    queue.put((before, peak))


def peak_memory_mib(scenarios: int, chunk: int) -> tuple[float, float]:
    """(RSS before, peak RSS) in MiB of a fresh process running the sweep and its summary."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_memory_child, args=(scenarios, chunk, queue))
    child.start()
    before, peak = queue.get()
    child.join()
    return before, peak


def spread(scenarios: int, seconds: list[float]) -> str:
    """' (runs a–b)' in scenario-weeks/s when measured more than once."""
    if len(seconds) < 2:
        return ""
    return f" (runs {rate(scenarios, max(seconds)):,.0f}–{rate(scenarios, min(seconds)):,.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (a smoke test)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of the timed measures (best and spread shown)"
    )
    args = parser.parse_args()
    repeat = max(1, args.repeat)
    err = Console(stderr=True)
    simpy_n, one_core_n, parallel_n = (20, 4096, 8192) if args.quick else (200, 32_768, 32_768)
    memory_n = 20_000 if args.quick else MEMORY_SCENARIOS

    with err.status("planning 26 weeks on the bundled network…"):
        system, model = mali()
    with err.status("compiled kernel: first call (compilation or cache load)…"):
        first_call, how = warm_up(system, model)
    with err.status(f"SimPy reference, {simpy_n} scenarios…"):
        started = time.perf_counter()
        simulate_simpy(system, model, simpy_n, seed=1)
        simpy_rate = rate(simpy_n, time.perf_counter() - started)
    numpy_runs, compiled_runs, t1_runs, t2_runs = [], [], [], []
    sampling = []
    for run in range(repeat):
        with err.status(f"numpy kernel, one core, {one_core_n:,} scenarios (run {run + 1})…"):
            numpy_runs.append(timed_serial(system, model, one_core_n, "numpy")[0])
        with err.status(f"compiled kernel, one core, {one_core_n:,} scenarios (run {run + 1})…"):
            seconds, sampled = timed_serial(system, model, one_core_n, "compiled")
            compiled_runs.append(seconds)
            sampling.append(sampled / seconds)
        with err.status(f"process pool 1 and 2 workers, {parallel_n:,} scenarios (run {run + 1})…"):
            t1_runs.append(
                timed_sweep(
                    system, model, parallel_n, engine="local", workers=1, chunk=CHUNK_SCENARIOS
                )
            )
            t2_runs.append(
                timed_sweep(
                    system, model, parallel_n, engine="local", workers=2, chunk=CHUNK_SCENARIOS
                )
            )
    numpy_rate = rate(one_core_n, min(numpy_runs))
    one_core_rate = rate(one_core_n, min(compiled_runs))
    sampling_share = sampling[compiled_runs.index(min(compiled_runs))]
    t1, t2 = min(t1_runs), min(t2_runs)
    efficiency = t1 / (2.0 * t2)
    efficiencies = [a / (2.0 * b) for a, b in zip(t1_runs, t2_runs, strict=True)]
    with err.status(f"memory, {memory_n:,} scenarios in chunks of 4,096…"):
        before, peak = peak_memory_mib(memory_n, 4096)

    table = Table(title=f"Disruption simulation — Mali, {WEEKS} weeks, {os.cpu_count()} cores")
    for name in ("measure", "value", "target", "result"):
        table.add_column(name, justify="left" if name == "measure" else "right")

    def row(measure: str, value: str, target: str, ok: bool | None) -> None:
        verdict = "—" if ok is None else ("[green]PASS[/green]" if ok else "[red]FAIL[/red]")
        table.add_row(measure, value, target, verdict)

    row("SimPy reference", f"{simpy_rate:,.0f} scenario-weeks/s", "", None)
    row("compiled kernel, first call", f"{first_call:,.1f} s ({how})", "", None)
    row(
        "numpy kernel, one core",
        f"{numpy_rate:,.0f} scenario-weeks/s" + spread(one_core_n, numpy_runs),
        "",
        None,
    )
    row(
        "compiled kernel, one core",
        f"{one_core_rate:,.0f} scenario-weeks/s" + spread(one_core_n, compiled_runs),
        "≥ 1,000,000",
        one_core_rate >= 1e6,
    )
    row("compiled ÷ numpy (same run)", f"{one_core_rate / numpy_rate:,.1f} ×", "", None)
    row("sampling share (compiled run)", f"{100 * sampling_share:.0f} %", "", None)
    speedup = one_core_rate / simpy_rate
    row("speed-up over SimPy (compiled)", f"{speedup:,.0f} ×", "≥ 100 ×", speedup >= 100)
    row(
        "process pool, 1 worker (in process)",
        f"{rate(parallel_n, t1):,.0f} scenario-weeks/s" + spread(parallel_n, t1_runs),
        "",
        None,
    )
    row(
        "process pool, 2 workers",
        f"{rate(parallel_n, t2):,.0f} scenario-weeks/s" + spread(parallel_n, t2_runs),
        "",
        None,
    )
    runs = f" (runs {min(efficiencies):.0%}–{max(efficiencies):.0%})" if repeat > 1 else ""
    row(
        "parallel efficiency 1 → 2",
        f"{100 * efficiency:.0f} %{runs}",
        "≥ 80 %",
        efficiency >= 0.8,
    )
    row(
        f"peak memory, {memory_n:,} scenarios",
        f"{peak:,.0f} MiB (start {before:,.0f} MiB)",
        f"≤ {MEMORY_LIMIT_MIB:,.0f} MiB",
        peak <= MEMORY_LIMIT_MIB,
    )
    Console().print(table)


if __name__ == "__main__":
    main()
