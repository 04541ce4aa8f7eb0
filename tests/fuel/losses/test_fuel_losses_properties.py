"""Conservation on the loss flowsheet: whatever was measured, the reconciled legs balance and a
corridor's reconciled loss is the sum of its legs'."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from losses_support import leg

from nafolo.fuel.losses import PeriodMovements, loss_flowsheet, reconcile_losses
from nafolo.reconciliation import reconcile

legs_strategy = st.lists(
    st.tuples(
        st.floats(min_value=-1.0, max_value=5.0),
        st.floats(min_value=5.0, max_value=20.0),
        st.sampled_from(["A", "B"]),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=40, deadline=None)
@given(legs_strategy)
def test_reconciled_legs_balance(rows: list[tuple[float, float, str]]) -> None:
    legs = tuple(
        leg(i, pct, dispatched_t=round(t, 3), corridor=c) for i, (pct, t, c) in enumerate(rows)
    )
    flowsheet, _ = loss_flowsheet(PeriodMovements(legs, (), ()))
    result = reconcile(flowsheet)
    for x in legs:
        dispatched = result.value(f"dispatch {x.name}")
        received = result.value(f"receipt {x.name}")
        lost = result.value(f"transit loss {x.name}")
        assert dispatched - received - lost == pytest.approx(0.0, abs=1e-9 * dispatched)
    for corridor in {x.corridor for x in legs}:
        total = sum(result.value(f"transit loss {x.name}") for x in legs if x.corridor == corridor)
        assert result.value(f"transit loss on {corridor}") == pytest.approx(total, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(legs_strategy)
def test_corridor_losses_estimated_from_the_meters_equal_the_recorded_ones(
    rows: list[tuple[float, float, str]],
) -> None:
    # With no dips there is nothing to adjust the meters against: recorded = reconciled.
    legs = tuple(
        leg(i, pct, dispatched_t=round(t, 3), corridor=c) for i, (pct, t, c) in enumerate(rows)
    )
    for corridor in reconcile_losses(PeriodMovements(legs, (), ())).corridor_losses:
        assert corridor.reconciled_loss_t == pytest.approx(corridor.recorded_loss_t, abs=1e-9)
