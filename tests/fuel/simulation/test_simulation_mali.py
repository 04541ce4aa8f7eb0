"""The bundled Mali network: a 8-week plan followed under the bundled disruption parameters."""

from datetime import date

import numpy as np
import pytest

from nafolo.fuel.network.io import load_network
from nafolo.fuel.planning import plan, prepare
from nafolo.fuel.simulation.disruption import DisruptionModel
from nafolo.fuel.simulation.parameters import DisruptionParameters, load_disruption
from nafolo.fuel.simulation.run import simulate
from nafolo.fuel.simulation.system import SupplySystem, system_from_plan

START = date(2026, 1, 5)
WEEKS = 8


@pytest.fixture(scope="module")
def mali() -> tuple[SupplySystem, DisruptionParameters, float]:
    network = load_network()
    result = plan(network, WEEKS, START)
    system = system_from_plan(prepare(network, WEEKS, START), result)
    return system, load_disruption(network), float(result.kpis["shortage_t"] or 0.0)


def test_without_disruption_the_shortage_is_the_plans(
    mali: tuple[SupplySystem, DisruptionParameters, float],
) -> None:
    system, params, planned = mali
    model = DisruptionModel.build(system, params, stochastic=False)
    out = simulate(system, model, 3, seed=1)
    assert out.shortage_t.sum(axis=(1, 2)) == pytest.approx([planned] * 3, rel=1e-5, abs=1e-3)


def test_tonnes_balance_in_every_scenario(
    mali: tuple[SupplySystem, DisruptionParameters, float],
) -> None:
    system, params, _ = mali
    out = simulate(system, DisruptionModel.build(system, params), 600, seed=2)
    scale = out.opening_t + out.dispatched_t
    assert np.max(np.abs(out.imbalance_t()) / scale) < 1e-9
    assert out.lost_t.mean() > 0


def test_the_2025_blockade_raises_shortage_and_destroys_loads(
    mali: tuple[SupplySystem, DisruptionParameters, float],
) -> None:
    system, params, planned = mali
    model = DisruptionModel.build(system, params, scenario="BLOCKADE-2025", stochastic=False)
    out = simulate(system, model, 1, seed=1)
    assert out.shortage_t.sum() > planned + 10_000
    assert out.lost_t[0] > 0
    assert out.rerouted_t[0] > 0


def test_results_do_not_depend_on_the_chunk_size(
    mali: tuple[SupplySystem, DisruptionParameters, float],
) -> None:
    system, params, _ = mali
    model = DisruptionModel.build(system, params)
    small = simulate(system, model, 700, seed=4, chunk=256)
    large = simulate(system, model, 700, seed=4, chunk=1024)
    assert np.array_equal(small.shortage_t, large.shortage_t)
    assert np.array_equal(small.lost_t, large.lost_t)
