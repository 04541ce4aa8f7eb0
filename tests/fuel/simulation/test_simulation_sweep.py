"""Sweeps give identical results whatever the engine and workers, and resume from their cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from simulation_support import small_system

import nafolo.fuel.simulation.sweep as sweep_module
from nafolo.fuel.simulation.disruption import BLOCK, DisruptionModel
from nafolo.fuel.simulation.evaluate import Outcome
from nafolo.fuel.simulation.parameters import CorridorDisruptionRow, DisruptionParameters
from nafolo.fuel.simulation.run import simulate
from nafolo.fuel.simulation.sweep import scenario_hash, sweep
from nafolo.fuel.simulation.system import SupplySystem

SCENARIOS = 3 * BLOCK + 17


def case() -> tuple[SupplySystem, DisruptionModel]:
    s = small_system(
        weeks=5,
        ship_a=[80, 120, 80, 40, 0],
        ship_b=[40, 0, 40, 0, 0],
        deliver_d1=[40, 80, 100, 80, 60],
        deliver_d2=[0, 40, 0, 40, 0],
        demand=[40, 120, 100, 120, 60],
        opening=(60.0, 20.0),
    )
    row = CorridorDisruptionRow(
        corridor="A",
        mean_open_weeks=3,
        mean_closure_weeks=2,
        attacks_per_year=20,
        attack_loss_share=0.2,
    )
    params = DisruptionParameters({"A": row}, (), {}, {("*", "*"): 0.1}, {})
    return s, DisruptionModel.build(s, params)


def same(a: Outcome, b: Outcome) -> bool:
    return all(
        np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True)
        for name in ("shortage_t", "stockout", "days_of_cover", "lost_t", "rerouted_t")
    )


def test_local_pool_gives_the_in_process_results() -> None:
    s, model = case()
    reference = simulate(s, model, SCENARIOS, seed=8, chunk=BLOCK)
    pooled = sweep(s, model, SCENARIOS, seed=8, engine="local", workers=2, chunk=2 * BLOCK)
    assert same(reference, pooled)


def test_dask_local_cluster_gives_the_same_results() -> None:
    pytest.importorskip("distributed")
    s, model = case()
    reference = sweep(s, model, SCENARIOS, seed=8, engine="serial", chunk=BLOCK)
    on_dask = sweep(s, model, SCENARIOS, seed=8, engine="dask", workers=2, chunk=BLOCK)
    assert same(reference, on_dask)


def test_a_sweep_resumes_from_its_cached_chunks(tmp_path: Path) -> None:
    s, model = case()
    first = sweep(s, model, SCENARIOS, seed=8, engine="serial", chunk=BLOCK, cache=tmp_path)
    assert len(list(tmp_path.glob("*.npz"))) == 4
    victim = sorted(tmp_path.glob("*.npz"))[0]
    victim.unlink()  # as if killed before this chunk finished
    counted: list[int] = []
    again = sweep(
        s,
        model,
        SCENARIOS,
        seed=8,
        engine="serial",
        chunk=BLOCK,
        cache=tmp_path,
        progress=counted.append,
    )
    assert same(first, again)
    assert sorted(counted) == sorted([BLOCK, BLOCK, BLOCK, 17])
    assert victim.is_file()


def test_the_chunk_key_changes_with_the_seed_and_the_range() -> None:
    s, model = case()
    key = scenario_hash(s, model, 1, 0, BLOCK)
    assert key == scenario_hash(s, model, 1, 0, BLOCK)
    assert key != scenario_hash(s, model, 2, 0, BLOCK)
    assert key != scenario_hash(s, model, 1, BLOCK, BLOCK)


def test_chunks_must_be_whole_random_blocks() -> None:
    s, model = case()
    with pytest.raises(ValueError, match="multiple of"):
        sweep(s, model, 10, seed=1, chunk=BLOCK + 1)


def test_this_process_and_the_pool_share_the_chunks_of_a_local_sweep(tmp_path: Path) -> None:
    s, model = case()
    reference = simulate(s, model, SCENARIOS, seed=8, chunk=BLOCK)
    counted: list[int] = []
    pooled = sweep(
        s,
        model,
        SCENARIOS,
        seed=8,
        engine="local",
        workers=3,
        chunk=BLOCK,
        cache=tmp_path,
        progress=counted.append,
    )
    assert same(reference, pooled)
    assert sorted(counted) == sorted([BLOCK, BLOCK, BLOCK, 17])
    assert len(list(tmp_path.glob("*.npz"))) == 4


def test_a_local_sweep_resumes_from_its_cached_chunks(tmp_path: Path) -> None:
    s, model = case()
    first = sweep(s, model, SCENARIOS, seed=8, engine="serial", chunk=BLOCK, cache=tmp_path)
    sorted(tmp_path.glob("*.npz"))[1].unlink()
    again = sweep(
        s, model, SCENARIOS, seed=8, engine="local", workers=2, chunk=BLOCK, cache=tmp_path
    )
    assert same(first, again)


def failing_chunk(*args: object) -> None:
    raise RuntimeError("chunk failed in the pool")


def test_a_chunk_failing_in_the_pool_fails_the_sweep(monkeypatch: pytest.MonkeyPatch) -> None:
    s, model = case()
    monkeypatch.setattr(sweep_module, "_timed_into", failing_chunk)
    with pytest.raises(RuntimeError, match="chunk failed in the pool"):
        sweep(s, model, SCENARIOS, seed=8, engine="local", workers=2, chunk=BLOCK)
