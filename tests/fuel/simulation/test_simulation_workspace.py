"""Chunks evaluated in one workspace: same figures as fresh arrays, kept results untouched."""

from dataclasses import fields
from datetime import date

import numpy as np
import pytest

from nafolo.fuel.network.io import load_network
from nafolo.fuel.planning import plan, prepare
from nafolo.fuel.simulation.disruption import DisruptionModel, sample
from nafolo.fuel.simulation.evaluate import Outcome, evaluate
from nafolo.fuel.simulation.parameters import load_disruption
from nafolo.fuel.simulation.run import (
    compact_outcome,
    evaluate_range,
    pieces,
    simulate,
    write_compact,
)
from nafolo.fuel.simulation.system import SupplySystem, system_from_plan
from nafolo.fuel.simulation.workspace import Workspace


@pytest.fixture(scope="module")
def mali_six_weeks() -> tuple[SupplySystem, DisruptionModel]:
    network = load_network()
    start = date(2026, 1, 5)
    system = system_from_plan(prepare(network, 6, start), plan(network, 6, start))
    return system, DisruptionModel.build(system, load_disruption(network))


def assert_identical(got: Outcome, want: Outcome) -> None:
    for f in fields(Outcome):
        assert np.array_equal(getattr(got, f.name), getattr(want, f.name), equal_nan=True), f.name


def test_an_array_is_handed_out_again_while_its_shape_and_type_hold() -> None:
    workspace = Workspace()
    first = workspace.empty("x", (3, 4), np.float64)
    assert workspace.empty("x", (3, 4), np.float64) is first
    assert workspace.empty("x", (3, 5), np.float64) is not first
    assert workspace.empty("x", (3, 5), np.float32).dtype == np.float32


def test_chunks_in_one_workspace_match_fresh_arrays(
    mali_six_weeks: tuple[SupplySystem, DisruptionModel],
) -> None:
    system, model = mali_six_weeks
    workspace = Workspace()
    for first, count in ((0, 300), (300, 300), (600, 130)):
        fresh = evaluate(system, sample(model, system.weeks, 4, first, count))
        reused = sample(model, system.weeks, 4, first, count, workspace=workspace)
        assert_identical(evaluate(system, reused, workspace=workspace), fresh)


def test_a_compact_outcome_outlives_its_workspace(
    mali_six_weeks: tuple[SupplySystem, DisruptionModel],
) -> None:
    system, model = mali_six_weeks
    workspace = Workspace()
    kept, before = compact_outcome(system, 256), compact_outcome(system, 256)
    write_compact(kept, 0, evaluate_range(system, model, 4, 0, 256, workspace))
    write_compact(before, 0, evaluate_range(system, model, 4, 0, 256))
    evaluate_range(system, model, 9, 256, 256, workspace)  # overwrites the workspace
    assert_identical(kept, before)


def test_simulate_in_chunks_matches_one_chunk(
    mali_six_weeks: tuple[SupplySystem, DisruptionModel],
) -> None:
    system, model = mali_six_weeks
    assert_identical(
        simulate(system, model, 700, 4, chunk=256), simulate(system, model, 700, 4, chunk=700)
    )


def test_the_kernel_network_is_built_once_per_system() -> None:
    workspace = Workspace()
    built: list[object] = []

    def build(source: object) -> int:
        built.append(source)
        return len(built)

    first, second = object(), object()
    assert workspace.derived("network", first, build) == 1
    assert workspace.derived("network", first, build) == 1
    assert workspace.derived("network", second, build) == 2
    assert built == [first, second]


def test_pieces_are_cut_at_the_random_number_blocks() -> None:
    assert pieces(100, 600) == [(100, 156), (256, 256), (512, 188)]
    assert pieces(256, 256) == [(256, 256)]
    assert pieces(0, 10) == [(0, 10)]


def test_a_whole_block_drawn_alone_matches_the_same_block_drawn_with_others(
    mali_six_weeks: tuple[SupplySystem, DisruptionModel],
) -> None:
    system, model = mali_six_weeks
    alone = sample(model, system.weeks, 4, 256, 256)
    among = sample(model, system.weeks, 4, 0, 768)
    assert np.array_equal(alone.loss_share, among.loss_share[256:512])
    assert np.array_equal(alone.road_open, among.road_open[256:512])
    assert np.array_equal(alone.port_open, among.port_open[256:512])
    assert np.array_equal(alone.demand_factor, among.demand_factor[256:512])
