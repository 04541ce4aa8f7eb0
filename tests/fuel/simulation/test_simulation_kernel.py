"""The compiled week loop (kernel.py) against the numpy reference (evaluate.py)."""

from collections.abc import Callable
from dataclasses import fields
from datetime import date

import numpy as np
import pytest
from simulation_support import fixed

from nafolo.fuel.network.io import load_network
from nafolo.fuel.planning import plan, prepare
from nafolo.fuel.simulation.disruption import DisruptionModel, Disruptions, sample
from nafolo.fuel.simulation.evaluate import Outcome, evaluate
from nafolo.fuel.simulation.parameters import load_disruption
from nafolo.fuel.simulation.system import SupplySystem, system_from_plan

System = Callable[..., SupplySystem]
RELATIVE = 1e-9


def assert_same(compiled: Outcome, reference: Outcome) -> None:
    """Every field equal to 1e-9 relative (of the field's largest value), NaN where NaN."""
    for f in fields(Outcome):
        got, want = getattr(compiled, f.name), getattr(reference, f.name)
        assert got.shape == want.shape, f.name
        if want.dtype == bool:
            assert np.array_equal(got, want), f.name
            continue
        assert np.array_equal(np.isnan(got), np.isnan(want)), f.name
        scale = max(1.0, float(np.nanmax(np.abs(want), initial=0.0)))
        off = float(np.nanmax(np.abs(got - want), initial=0.0))
        assert off <= RELATIVE * scale, f"{f.name} off by {off} (scale {scale})"


def both(system: SupplySystem, disruptions: Disruptions) -> tuple[Outcome, Outcome]:
    return evaluate(system, disruptions), evaluate(system, disruptions, kernel="numpy")


def test_the_compiled_kernel_is_the_default_and_numpy_the_reference(system: System) -> None:
    s = system(ship_a=[80, 0, 0], deliver_d1=[0, 80, 0], demand=[0, 100, 0])
    compiled, reference = both(s, fixed(3))
    assert compiled.shortage_t[0, :, 0].tolist() == [0.0, 20.0, 0.0]
    assert_same(compiled, reference)


def test_an_unknown_kernel_is_refused(system: System) -> None:
    with pytest.raises(ValueError, match="kernel"):
        evaluate(system(), fixed(3), kernel="fortran")


def test_rerouting_and_holding_at_the_port_agree(system: System) -> None:
    s = system(ship_a=[120, 0, 0], ship_b=[80, 0, 0], deliver_d1=[0, 0, 80], demand=[0, 0, 80])
    compiled, reference = both(s, fixed(3, closed={(1, 0): True}))
    assert compiled.rerouted_t[0] == pytest.approx(40.0)
    assert_same(compiled, reference)


def test_losses_on_a_two_week_road_agree(system: System) -> None:
    s = system(ship_a=[80, 0, 0])
    s = SupplySystem(**{**s.__dict__, "lead_weeks": np.array([2, 2])})
    compiled, reference = both(s, fixed(3, loss={(2, 0): 0.5, (3, 0): 0.5}))
    assert compiled.lost_t[0] == pytest.approx(60.0)
    assert_same(compiled, reference)


def test_random_small_cases_agree_including_lagged_arcs_and_missing_demand(
    system: System,
) -> None:
    rng = np.random.default_rng(11)
    s = system(
        weeks=6,
        ship_a=[80, 120, 40, 80, 0, 0],
        ship_b=[40, 0, 80, 40, 0, 0],
        deliver_d1=[30, 60, 60, 60, 60, 30],
        deliver_d2=[0, 40, 40, 40, 40, 40],
        demand=[0, 100, 100, 100, 100, 70],
        opening=(60.0, 20.0),
    )
    s = SupplySystem(
        **{
            **s.__dict__,
            "lead_weeks": np.array([1, 3]),
            "arc_lead_weeks": np.array([0, 1]),
            "in_transit_t": np.array([[[40.0], [0.0]], [[0.0], [80.0]]]),
        }
    )
    n = 300  # not a multiple of the kernel's group of scenarios
    d = Disruptions(
        road_open=rng.random((n, 6, 2)) > 0.4,
        port_open=rng.random((n, 6, 1)) > 0.2,
        loss_share=rng.random((n, 6, 2)) * (rng.random((n, 6, 2)) > 0.7),
        demand_factor=rng.lognormal(0.0, 0.2, (n, 6, 1, 1)),
    )
    compiled, reference = both(s, d)
    assert np.isnan(compiled.days_of_cover[:, 0]).all()
    assert compiled.lost_t.max() > 0 and compiled.rerouted_t.max() > 0
    assert np.abs(compiled.imbalance_t()).max() < 1e-9
    assert_same(compiled, reference)


@pytest.fixture(scope="module")
def mali() -> tuple[SupplySystem, DisruptionModel, DisruptionModel]:
    network = load_network()
    start = date(2026, 1, 5)
    system = system_from_plan(prepare(network, 8, start), plan(network, 8, start))
    params = load_disruption(network)
    blockade = DisruptionModel.build(system, params, scenario="BLOCKADE-2025")
    return system, DisruptionModel.build(system, params), blockade


def test_mali_scenarios_agree(mali: tuple[SupplySystem, DisruptionModel, DisruptionModel]) -> None:
    system, model, _ = mali
    compiled, reference = both(system, sample(model, system.weeks, 3, 0, 400))
    assert compiled.lost_t.max() > 0 and compiled.rerouted_t.max() > 0
    assert compiled.closing_at_port_t.max() > 0
    assert_same(compiled, reference)


def test_mali_blockade_with_port_delays_agrees(
    mali: tuple[SupplySystem, DisruptionModel, DisruptionModel],
) -> None:
    system, _, blockade = mali
    d = sample(blockade, system.weeks, 5, 256, 300)
    assert not d.port_open.all()
    compiled, reference = both(system, d)
    assert (compiled.rerouted_t > 0).mean() > 0.5
    assert_same(compiled, reference)


def test_a_scenario_does_not_depend_on_its_neighbours(
    mali: tuple[SupplySystem, DisruptionModel, DisruptionModel],
) -> None:
    system, model, _ = mali
    d = sample(model, system.weeks, 3, 0, 200)
    whole = evaluate(system, d)
    part = evaluate(system, sample(model, system.weeks, 3, 70, 9))
    assert np.array_equal(whole.shortage_t[70:79], part.shortage_t)
    assert np.array_equal(whole.days_of_cover[70:79], part.days_of_cover, equal_nan=True)
    assert np.array_equal(whole.lost_t[70:79], part.lost_t)
