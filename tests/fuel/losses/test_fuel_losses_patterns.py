"""Loss patterns: a carrier consistently above tolerance is flagged, an ordinary one is not."""

from __future__ import annotations

import pytest
from losses_support import leg, legs_of

from nafolo.fuel.losses import GroupBy, loss_patterns


def by_key(legs: list, group_by: GroupBy = GroupBy.CARRIER) -> dict:  # type: ignore[type-arg]
    return {p.key: p for p in loss_patterns(legs, group_by)}


def test_a_carrier_losing_above_tolerance_month_after_month_is_flagged() -> None:
    legs = legs_of("Transports Keita", 0.8, 0.2, 30, seed=1) + legs_of(
        "Transports Diarra", 0.1, 0.1, 30, seed=2, start=100
    )
    patterns = by_key(legs)
    assert patterns["Transports Keita"].flagged
    assert patterns["Transports Keita"].p_mean_above_tolerance < 0.001


def test_an_ordinary_carrier_is_not_flagged() -> None:
    legs = legs_of("Transports Keita", 0.8, 0.2, 30, seed=1) + legs_of(
        "Transports Diarra", 0.1, 0.1, 30, seed=2, start=100
    )
    assert not by_key(legs)["Transports Diarra"].flagged


def test_one_bad_leg_in_thirty_does_not_flag_a_carrier() -> None:
    legs = [
        *legs_of("Transports Traoré", 0.1, 0.05, 29, seed=3),
        leg(999, 1.2, carrier="Transports Traoré"),
    ]
    pattern = by_key(legs)["Transports Traoré"]
    assert pattern.above_tolerance == 1
    assert not pattern.flagged


def test_frequent_exceedances_flag_a_carrier_even_when_its_mean_is_inside_tolerance() -> None:
    ordinary = [leg(i, 0.1, carrier="Transports Coulibaly") for i in range(20)]
    spiky = [
        leg(100 + i, 0.9 if i % 3 == 0 else 0.05, carrier="Transports Keita") for i in range(30)
    ]
    pattern = by_key(ordinary + spiky)["Transports Keita"]
    assert pattern.mean_loss_pct < 0.5
    assert pattern.flagged
    assert pattern.p_binomial < 0.001


def test_too_few_legs_are_never_flagged() -> None:
    legs = [leg(i, 2.0, carrier="Transports Keita") for i in range(4)]
    assert not by_key(legs)["Transports Keita"].flagged


def test_figures_per_corridor_add_up() -> None:
    legs = [leg(1, 0.4, corridor="A"), leg(2, 0.0, corridor="A"), leg(3, 1.0, corridor="B")]
    patterns = by_key(legs, GroupBy.CORRIDOR)
    a = patterns["A"]
    assert (a.legs, a.above_tolerance) == (2, 0)
    assert a.loss_t == pytest.approx(0.05, abs=1e-9)
    assert a.loss_pct == pytest.approx(0.2, abs=1e-3)
    assert patterns["B"].share_above_tolerance == 1.0


def test_groups_come_largest_loss_first() -> None:
    legs = [leg(1, 0.1, carrier="X"), leg(2, 0.3, carrier="Y")]
    assert [p.key for p in loss_patterns(legs, GroupBy.CARRIER)] == ["Y", "X"]


def test_a_bad_expected_rate_is_refused() -> None:
    with pytest.raises(ValueError, match="expected_exceedance_rate"):
        loss_patterns([leg(1, 0.1)], GroupBy.CARRIER, expected_exceedance_rate=1.5)
