"""Rolling-horizon and robust policies on the hand-checkable two-corridor system.

Corridor A (cheap, into D1) is closed in weeks 1–3 in every scenario below; B (dear, into D2)
stays open. The plan ships 120 t a week on A and releases 120 t a week from D1 to R; D2 holds
200 t the plan never uses. The static policy re-routes A's loads to B (they land in D2) but keeps
releasing from D1 alone: R gets D1's 120 t in week 1, then nothing (240 t short). The rolling
policy sees the closure and D2's stock and releases from D2: nothing short.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from simulation_support import fixed, small_system

from nafolo.fuel.simulation.disruption import BLOCK, DisruptionModel, sample
from nafolo.fuel.simulation.evaluate import evaluate
from nafolo.fuel.simulation.parameters import CorridorDisruptionRow, DisruptionParameters
from nafolo.fuel.simulation.policies import prepare_policies
from nafolo.fuel.simulation.robust import robust_plan
from nafolo.fuel.simulation.rolling import RollingSettings, evaluate_rolling
from nafolo.fuel.simulation.run import check_conservation, concatenate
from nafolo.fuel.simulation.system import SupplySystem


def blocked_case() -> SupplySystem:
    return small_system(
        weeks=3,
        ship_a=[120, 120, 120],
        deliver_d1=[120, 120, 120],
        demand=[120, 120, 120],
        opening=(120.0, 200.0),
    )


def quiet_model(system: SupplySystem) -> DisruptionModel:
    return DisruptionModel.build(system, DisruptionParameters.none())


def risky_model(system: SupplySystem, *, cv: float = 0.1) -> DisruptionModel:
    row = CorridorDisruptionRow(
        corridor="A",
        mean_open_weeks=3,
        mean_closure_weeks=2,
        attacks_per_year=20,
        attack_loss_share=0.2,
    )
    return DisruptionModel.build(
        system, DisruptionParameters({"A": row}, (), {}, {("*", "*"): cv}, {})
    )


def test_static_policy_leaves_the_region_short_when_its_depot_is_cut_off() -> None:
    s = blocked_case()
    outcome = evaluate(s, fixed(3, closed={(1, 0): True, (2, 0): True, (3, 0): True}))
    assert outcome.shortage_t.sum() == pytest.approx(240.0)


def test_rolling_policy_serves_the_region_from_the_other_depot() -> None:
    s = blocked_case()
    closed = fixed(3, closed={(1, 0): True, (2, 0): True, (3, 0): True})
    outcome = evaluate_rolling(s, quiet_model(s), closed)
    check_conservation(outcome)
    assert outcome.shortage_t.sum() == pytest.approx(0.0, abs=1e-6)
    assert outcome.rerouted_t[0] == pytest.approx(240.0)  # weeks 1–2 sent on B; week 3's too late


def test_rolling_policy_follows_an_unhindered_plan_without_shortage() -> None:
    s = small_system(
        weeks=4,
        ship_a=[40, 40, 40, 40],
        deliver_d1=[40, 40, 40, 40],
        demand=[40, 40, 40, 40],
        opening=(40.0, 0.0),
    )
    outcome = evaluate_rolling(s, quiet_model(s), fixed(4))
    check_conservation(outcome)
    assert outcome.shortage_t.sum() == pytest.approx(0.0, abs=1e-6)
    assert outcome.closing_on_road_t[0] == pytest.approx(40.0)  # week 4 lands after the plan


def test_rolling_policy_has_no_more_shortage_than_static_on_common_random_numbers() -> None:
    s = small_system(
        weeks=6,
        ship_a=[80, 120, 80, 40, 80, 0],
        ship_b=[40, 0, 40, 0, 40, 0],
        deliver_d1=[40, 80, 100, 80, 60, 80],
        deliver_d2=[0, 40, 0, 40, 40, 20],
        demand=[40, 120, 100, 120, 100, 100],
        opening=(60.0, 20.0),
    )
    model = risky_model(s)
    futures = sample(model, s.weeks, 3, 0, 64)
    static = evaluate(s, futures)
    rolling = evaluate_rolling(s, model, futures)
    check_conservation(rolling)
    assert rolling.shortage_t.sum(axis=(1, 2)).mean() <= static.shortage_t.sum(axis=(1, 2)).mean()


def test_rolling_results_do_not_depend_on_how_scenarios_are_chunked() -> None:
    s = blocked_case()
    model = risky_model(s)
    whole = evaluate_rolling(s, model, sample(model, s.weeks, 5, 0, 12))
    parts = concatenate(
        [evaluate_rolling(s, model, sample(model, s.weeks, 5, f, n)) for f, n in ((0, 5), (5, 7))]
    )
    assert np.array_equal(whole.shortage_t, parts.shortage_t)
    assert np.array_equal(whole.days_of_cover, parts.days_of_cover, equal_nan=True)


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    lookahead=st.integers(1, 5),
    opening=st.tuples(st.floats(0, 300), st.floats(0, 300)),
)
def test_rolling_policy_conserves_tonnes(
    seed: int, lookahead: int, opening: tuple[float, float]
) -> None:
    s = small_system(
        weeks=5,
        ship_a=[80, 120, 80, 40, 0],
        ship_b=[40, 0, 40, 0, 0],
        deliver_d1=[40, 80, 100, 80, 60],
        deliver_d2=[0, 40, 0, 40, 0],
        demand=[40, 120, 100, 120, 60],
        opening=opening,
    )
    model = risky_model(s, cv=0.3)
    outcome = evaluate_rolling(
        s, model, sample(model, s.weeks, seed, 0, 8), RollingSettings(lookahead_weeks=lookahead)
    )
    check_conservation(outcome)


def test_lookahead_must_be_at_least_one_week() -> None:
    with pytest.raises(ValueError, match="lookahead"):
        RollingSettings(lookahead_weeks=0)


def robust_case() -> SupplySystem:
    """A is cheap but closes often and is attacked; B is dear and safe, with spare trucks. Both
    depots serve R; the plan ships 80 t a week on A and 40 t on B and releases 80 t from D1 and
    40 t from D2."""
    return small_system(
        weeks=8,
        ship_a=[80] * 8,
        ship_b=[40] * 8,
        deliver_d1=[80] * 8,
        deliver_d2=[40] * 8,
        demand=[120] * 8,
        opening=(80.0, 40.0),
        capacity_trucks=4.0,
    )


def test_robust_plan_costs_more_and_cuts_expected_shortage_on_the_same_scenarios() -> None:
    s = robust_case()
    model = risky_model(s, cv=0.0)
    design = robust_plan(s, model, seed=11, design_scenarios=16)
    futures = sample(model, s.weeks, 11, 0, 2 * BLOCK)
    static = evaluate(s, futures).shortage_t.sum(axis=(1, 2)).mean()
    robust_outcome = evaluate(design.system, futures)
    check_conservation(robust_outcome)
    robust = robust_outcome.shortage_t.sum(axis=(1, 2)).mean()
    assert design.extra_transport_xof > 0.0
    assert robust < static
    assert design.system.shipments_t.sum() == pytest.approx(s.shipments_t.sum())


def test_robust_plan_keeps_the_static_plan_when_nothing_can_go_wrong() -> None:
    s = robust_case()
    design = robust_plan(s, quiet_model(s), seed=1, design_scenarios=2)
    assert design.extra_transport_xof == pytest.approx(0.0, abs=1.0)
    assert np.allclose(design.system.shipments_t, s.shipments_t, atol=1e-3)


def test_prepared_policies_share_the_disruption_model_and_price_the_robust_plan() -> None:
    s = robust_case()
    model = risky_model(s, cv=0.0)
    prepared = prepare_policies(
        s, model, ["static", "rolling", "robust"], 11, static_cost_xof=1e6, design_scenarios=4
    )
    assert [p.policy for p in prepared] == ["static", "rolling", "robust"]
    assert all(p.job.model is model for p in prepared)
    assert prepared[0].plan_cost_xof == prepared[1].plan_cost_xof == 1e6
    robust = prepared[2]
    assert robust.robust is not None
    assert robust.plan_cost_xof == pytest.approx(1e6 + robust.robust.extra_transport_xof)
