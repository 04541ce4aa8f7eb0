import numpy as np
import pytest
from simulation_support import small_system

from nafolo.fuel.simulation.evaluate import Outcome
from nafolo.fuel.simulation.stats import cvar, summarise


def outcome(shortage: list[list[float]], cover: list[list[float]]) -> Outcome:
    """Scenarios × weeks of one region; demand 100 t a week, stockout when short."""
    s = np.array(shortage, dtype=float)[:, :, None]
    n = s.shape[0]
    zeros = np.zeros(n)
    return Outcome(
        shortage_t=s,
        stockout=s > 1.0,
        days_of_cover=np.array(cover, dtype=float)[:, :, None],
        demand_t=np.full_like(s, 100.0),
        opening_t=zeros,
        dispatched_t=zeros,
        received_t=zeros,
        lost_t=zeros,
        rerouted_t=zeros,
        closing_depots_t=zeros,
        closing_on_road_t=zeros,
        closing_at_port_t=zeros,
        closing_to_regions_t=zeros,
    )


def test_cvar95_is_the_mean_of_the_worst_twentieth() -> None:
    values = np.arange(1.0, 41.0)  # 40 values: the worst 2 are 39 and 40
    assert cvar(values) == 39.5
    assert cvar(np.array([3.0])) == 3.0


def test_summary_of_four_scenarios_by_hand() -> None:
    out = outcome(
        shortage=[[0, 0, 0], [0, 50, 0], [0, 0, 0], [10, 30, 0]],
        cover=[[4, 3, 2], [2, 0, 1], [4, 3, 2], [0, 0, 1]],
    )
    summary = summarise(small_system(weeks=3), out)
    assert summary.expected_shortage_t == 22.5
    assert summary.cvar95_shortage_t == 50.0
    assert summary.stockout_probability == {"R": 0.5}
    assert summary.worst_region == "R"
    week2 = summary.region_weeks[summary.region_weeks["week"] == 2].iloc[0]
    assert week2["stockout_probability"] == 0.5
    assert week2["expected_shortage_t"] == 20.0
    assert week2["shortage_p50_t"] == 15.0
    assert week2["days_of_cover_p50_d"] == 1.5


def test_a_region_without_demand_has_no_cover_percentiles() -> None:
    out = outcome(shortage=[[0, 0], [0, 0]], cover=[[np.nan, np.nan], [np.nan, np.nan]])
    summary = summarise(small_system(weeks=2), out)
    assert summary.region_weeks["days_of_cover_p50_d"].isna().all()
    assert summary.stockout_probability == {"R": pytest.approx(0.0)}
