import numpy as np
import pytest
from simulation_support import small_system

from nafolo.fuel.simulation.disruption import (
    BLOCK,
    DisruptionModel,
    _lognormal_cells,
    sample,
    two_state_chain,
)
from nafolo.fuel.simulation.parameters import (
    WEEKS_PER_YEAR,
    Closure,
    CorridorDisruptionRow,
    DemandNoiseRow,
    DisruptionParameters,
    Shock,
)


def corridor_only(mean_open: float, mean_closed: float) -> DisruptionParameters:
    row = CorridorDisruptionRow(
        corridor="A", mean_open_weeks=mean_open, mean_closure_weeks=mean_closed
    )
    return DisruptionParameters({"A": row}, (), {}, {}, {})


def spells(states: np.ndarray) -> np.ndarray:
    """Lengths of the runs of True that start and end inside the horizon (not censored)."""
    lengths = []
    for row in states:
        padded = np.concatenate([[False], row, [False]]).astype(int)
        edges = np.flatnonzero(np.diff(padded))
        starts, ends = edges[::2], edges[1::2]
        inside = (starts > 0) & (ends < len(row))
        lengths.extend((ends - starts)[inside])
    return np.array(lengths)


def test_share_of_weeks_closed_matches_the_mean_spells() -> None:
    model = DisruptionModel.build(small_system(), corridor_only(5.0, 2.0))
    closed = ~sample(model, 52, seed=11, first=0, count=2000).road_open[:, :, 0]
    expected = 2.0 / 7.0
    inflation = (1 + 0.3) / (1 - 0.3)  # autocorrelation 1 − 1/5 − 1/2 of the chain
    se = np.sqrt(expected * (1 - expected) / closed.size * inflation)
    assert abs(closed.mean() - expected) < 4 * se


def test_closure_and_open_spells_are_geometric_with_the_given_means() -> None:
    model = DisruptionModel.build(small_system(), corridor_only(5.0, 2.0))
    open_ = sample(model, 260, seed=3, first=0, count=400).road_open[:, :, 0]
    closures = spells(~open_)
    openings = spells(open_)
    assert abs(closures.mean() - 2.0) < 4 * np.sqrt(2.0 / closures.size)  # var (1−p)/p² = 2
    assert abs(openings.mean() - 5.0) < 4 * np.sqrt(20.0 / openings.size)  # var = 20
    assert abs((closures == 1).mean() - 0.5) < 4 * np.sqrt(0.25 / closures.size)


def test_two_state_chain_can_start_outside_the_state() -> None:
    u = np.zeros((3, 4, 1))
    state = two_state_chain(u[:, 0], u, np.array([0.0]), np.array([1.0]), stationary=False)
    assert not state.any()


def test_a_common_shock_closes_its_corridors_together_and_destroys_loads_at_onset() -> None:
    shock = Shock("S", ("A", "B"), WEEKS_PER_YEAR / 10.0, 3.0, 0.2)
    params = DisruptionParameters({}, (shock,), {}, {}, {})
    d = sample(DisruptionModel.build(small_system(), params), 104, seed=5, first=0, count=300)
    assert np.array_equal(d.road_open[:, :, 0], d.road_open[:, :, 1])
    closed = ~d.road_open[:, :, 0]
    assert abs(closed.mean() - 3.0 / 13.0) < 0.02
    onsets = closed[:, 1:] & ~closed[:, :-1]
    assert np.allclose(d.loss_share[:, 1:, 0][onsets], 0.2)
    assert np.all(d.loss_share[:, 1:, 0][~onsets] == 0.0)


def test_a_named_scenario_closes_its_weeks_and_destroys_loads_in_its_first_week() -> None:
    closure = Closure(("A",), 2, 3, 0.2)
    params = DisruptionParameters({}, (), {}, {}, {"BLOCKADE": (closure,)})
    model = DisruptionModel.build(small_system(weeks=5), params, scenario="BLOCKADE")
    d = sample(model, 5, seed=1, first=0, count=2)
    assert d.road_open[0, :, 0].tolist() == [True, False, False, True, True]
    assert d.road_open[0, :, 1].all()
    assert d.loss_share[0, :, 0].tolist() == pytest.approx([0, 0.2, 0, 0, 0])


def test_an_unknown_named_scenario_is_refused_with_the_known_ones() -> None:
    with pytest.raises(KeyError, match="BLOCKADE"):
        DisruptionModel.build(
            small_system(),
            DisruptionParameters({}, (), {}, {}, {"BLOCKADE": ()}),
            scenario="OTHER",
        )


def test_demand_noise_has_mean_one_and_the_given_coefficient_of_variation() -> None:
    noise = {("*", "*"): DemandNoiseRow(region="*", product="*", cv=0.2).cv}
    params = DisruptionParameters({}, (), {}, noise, {})
    factor = sample(DisruptionModel.build(small_system(), params), 10, 2, 0, 5000).demand_factor
    assert abs(factor.mean() - 1.0) < 4 * 0.2 / np.sqrt(factor.size)
    assert factor.std() == pytest.approx(0.2, rel=0.03)


def test_a_scenario_sees_the_same_draws_whatever_the_chunk() -> None:
    model = DisruptionModel.build(small_system(), corridor_only(3.0, 2.0))
    whole = sample(model, 8, seed=9, first=0, count=2 * BLOCK + 50)
    parts = [sample(model, 8, seed=9, first=f, count=n) for f, n in ((0, 100), (100, 462))]
    assert np.array_equal(whole.road_open, np.concatenate([p.road_open for p in parts]))
    other_seed = sample(model, 8, seed=10, first=0, count=2 * BLOCK + 50)
    assert not np.array_equal(whole.road_open, other_seed.road_open)


@pytest.mark.parametrize("sigma", [0.05, 0.2, 0.6])
def test_demand_cells_keep_the_lognormal_mean_and_spread(sigma: float) -> None:
    cells = _lognormal_cells(sigma)
    assert cells.mean() == pytest.approx(1.0, abs=1e-9)
    assert cells.std() == pytest.approx(np.sqrt(np.expm1(sigma**2)), rel=1e-3)
    assert np.all(np.diff(cells) > 0)


def test_sampled_arrays_keep_the_scenario_axis_last_in_memory() -> None:
    model = DisruptionModel.build(small_system(), corridor_only(3.0, 2.0))
    d = sample(model, 6, seed=1, first=0, count=300)
    assert d.road_open.shape == (300, 6, 2)
    assert np.moveaxis(d.road_open, 0, -1).flags.c_contiguous
    assert np.moveaxis(d.demand_factor, 0, -1).flags.c_contiguous


def test_sampled_demand_stays_as_cells_until_the_factor_is_asked_for() -> None:
    noise = {("*", "*"): DemandNoiseRow(region="*", product="*", cv=0.2).cv}
    params = DisruptionParameters({}, (), {}, noise, {})
    d = sample(DisruptionModel.build(small_system(), params), 6, seed=4, first=0, count=300)
    assert d.demand is not None and d.demand.cells.dtype == np.uint16
    values = d.demand.table[d.demand.offset[:, :, None] + d.demand.cells]
    assert np.array_equal(d.demand_factor, np.moveaxis(values, -1, 0))
