"""Grid sweeps (parameter sets × policies): identical results on every engine, resumable."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from simulation_support import small_system

from nafolo.fuel.simulation.disruption import BLOCK, DisruptionModel
from nafolo.fuel.simulation.evaluate import Outcome
from nafolo.fuel.simulation.grid import ParameterSet, model_for, read_parameter_sets
from nafolo.fuel.simulation.parameters import CorridorDisruptionRow, DisruptionParameters
from nafolo.fuel.simulation.rolling import RollingSettings
from nafolo.fuel.simulation.sweep import Job, scenario_hash, sweep_grid
from nafolo.fuel.simulation.system import SupplySystem
from nafolo.workbook import InputError

SCENARIOS = BLOCK + 5


def case() -> tuple[SupplySystem, DisruptionParameters]:
    s = small_system(
        weeks=4,
        ship_a=[80, 120, 80, 40],
        ship_b=[40, 0, 40, 0],
        deliver_d1=[40, 80, 100, 80],
        deliver_d2=[0, 40, 0, 40],
        demand=[40, 120, 100, 120],
        opening=(60.0, 20.0),
    )
    row = CorridorDisruptionRow(
        corridor="A",
        mean_open_weeks=3,
        mean_closure_weeks=2,
        attacks_per_year=20,
        attack_loss_share=0.2,
    )
    return s, DisruptionParameters({"A": row}, (), {}, {("*", "*"): 0.1}, {})


def jobs() -> list[Job]:
    s, params = case()
    calm = model_for(s, params, ParameterSet("CALM", closure_rate=0.5))
    rough = model_for(s, params, ParameterSet("ROUGH", closure_rate=2.0, demand_cv=2.0))
    settings = RollingSettings(lookahead_weeks=2)
    return [Job(s, calm), Job(s, calm, "rolling", settings), Job(s, rough, "rolling", settings)]


def same(a: list[Outcome], b: list[Outcome]) -> bool:
    return all(
        np.array_equal(x.shortage_t, y.shortage_t)
        and np.array_equal(x.days_of_cover, y.days_of_cover, equal_nan=True)
        and np.array_equal(x.lost_t, y.lost_t)
        for x, y in zip(a, b, strict=True)
    )


@pytest.fixture(scope="module")
def reference() -> list[Outcome]:
    return sweep_grid(jobs(), SCENARIOS, seed=4, engine="serial", chunk=BLOCK)


def test_a_local_pool_of_two_gives_the_serial_results(reference: list[Outcome]) -> None:
    pooled = sweep_grid(jobs(), SCENARIOS, seed=4, engine="local", workers=2, chunk=BLOCK)
    assert same(reference, pooled)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_dask_local_cluster_gives_the_serial_results(
    reference: list[Outcome], workers: int
) -> None:
    pytest.importorskip("distributed")
    on_dask = sweep_grid(jobs(), SCENARIOS, seed=4, engine="dask", workers=workers, chunk=BLOCK)
    assert same(reference, on_dask)


def test_a_grid_sweep_resumes_from_its_cache(reference: list[Outcome], tmp_path: Path) -> None:
    sweep_grid(jobs(), SCENARIOS, seed=4, engine="serial", chunk=BLOCK, cache=tmp_path)
    saved = sorted(tmp_path.glob("*.npz"))
    assert len(saved) == 6  # 3 jobs × 2 chunks
    for victim in saved[:4]:
        victim.unlink()  # killed part-way
    counted: list[int] = []
    again = sweep_grid(
        jobs(),
        SCENARIOS,
        seed=4,
        engine="serial",
        chunk=BLOCK,
        cache=tmp_path,
        progress=counted.append,
    )
    assert same(reference, again)
    assert sorted(counted) == sorted([BLOCK, 5] * 3)


def test_the_chunk_key_covers_policy_settings_and_parameters() -> None:
    s, params = case()
    base = model_for(s, params, ParameterSet("BASE"))
    doubled = model_for(s, params, ParameterSet("X2", closure_rate=2.0))
    key = scenario_hash(s, base, 1, 0, BLOCK)
    assert key != scenario_hash(s, doubled, 1, 0, BLOCK)
    assert key != scenario_hash(s, base, 1, 0, BLOCK, "rolling")
    assert scenario_hash(s, base, 1, 0, BLOCK, "rolling", RollingSettings(2)) != scenario_hash(
        s, base, 1, 0, BLOCK, "rolling", RollingSettings(3)
    )


def test_multipliers_scale_the_weekly_rates() -> None:
    s, params = case()
    base = DisruptionModel.build(s, params)
    scaled = model_for(s, params, ParameterSet("X", closure_rate=2.0, attack_rate=0.0))
    assert scaled.close_p[0] == pytest.approx(2 * base.close_p[0])
    assert scaled.attack_p[0] == 0.0
    assert np.allclose(scaled.demand_sigma, base.demand_sigma)


def test_parameter_sets_are_read_from_csv_with_row_level_errors(tmp_path: Path) -> None:
    path = tmp_path / "sets.csv"
    path.write_text("name,closure_rate,scenario\nBASE,1,\nX2,2,BLOCKADE-2025\n")
    sets = read_parameter_sets(path)
    assert [s.name for s in sets] == ["BASE", "X2"]
    assert sets[1].closure_rate == 2.0 and sets[1].scenario == "BLOCKADE-2025"
    path.write_text("name,closure_rate\nBASE,1\nBASE,2\n")
    with pytest.raises(InputError) as caught:
        read_parameter_sets(path)
    assert caught.value.problems[0].row == 3
