"""Binding limits, their duals and their sentences (docs/planner.md § Results)."""

from __future__ import annotations

import pytest

from nafolo.fuel.planning import plan
from nafolo.fuel.planning.explain import format_tonnes, format_xof

# One more truck a week carries 50 t more in each of the 3 weeks whose loads arrive in the horizon,
# each tonne saving the shortage penalty less the cost of bringing it (111 XOF/t).
VALUE_OF_150_T = 3 * 50 * (5_000_000.0 - 111.0)


def top(result):
    assert result.binding, "no binding limit reported"
    return result.binding[0]


def test_binding_corridor_limit(make_line, start, conserved) -> None:
    result = plan(make_line(demand_t_per_week=150.0, max_trucks_per_week=2), 4, start)
    conserved(result)
    limit = top(result)
    assert (limit.block, limit.element) == ("corridor_capacity", "C")
    assert limit.value_xof == pytest.approx(VALUE_OF_150_T)
    assert limit.shortage_cut_t == pytest.approx(150.0)
    assert limit.sentence == (
        "One more truck a week on Port O – Depot D would cut shortage by 150 t over the horizon "
        "(worth 750.0 M XOF)."
    )


def test_binding_escort_limit(make_line, start, conserved) -> None:
    result = plan(make_line(escort=(1.0, 1.0)), 4, start)  # 1 convoy of 1 truck a week
    conserved(result)
    limit = top(result)
    assert (limit.block, limit.element) == ("escort_capacity", "C")
    assert limit.value_xof == pytest.approx(VALUE_OF_150_T)
    assert limit.sentence.startswith(
        "One more escorted convoy a week on Port O – Depot D would cut shortage by 150 t"
    )


def test_binding_fleet_turnaround(make_line, start, conserved) -> None:
    result = plan(make_line(fleet_trucks=1), 4, start)  # a truck is busy one week a trip
    conserved(result)
    limit = top(result)
    assert limit.block == "fleet_turnaround"
    assert limit.value_xof == pytest.approx(VALUE_OF_150_T)
    assert limit.shortage_cut_t == pytest.approx(150.0)
    assert limit.sentence.startswith("One more truck in the fleet would cut shortage by 150 t")


def test_no_binding_limit_when_nothing_binds(make_line, start) -> None:
    assert plan(make_line(), 4, start).binding == ()


def test_mip_duals_come_from_the_fixed_lp(make_line, start) -> None:
    result = plan(
        make_line(demand_t_per_week=150.0, max_trucks_per_week=2), 4, start, integer_trucks=True
    )
    assert "fixed" in result.duals_note


def test_number_formats() -> None:
    assert format_tonnes(1234.4) == "1 234 t"
    assert format_tonnes(0.87) == "0.9 t"
    assert format_xof(6.2e9) == "6.2 bn XOF"
    assert format_xof(12_500) == "12 500 XOF"
