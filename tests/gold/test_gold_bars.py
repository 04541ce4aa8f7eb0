"""LBMA bar rules: stated weights, turn of scale, limits, marks, serial uniqueness, weight list."""

from decimal import Decimal

import pytest

from nafolo.gold.bars import (
    Bar,
    BarKind,
    BarRule,
    BarRuleError,
    WeightListRow,
    bar_key,
    check_serials_unique,
    gold_good_delivery_bar,
    gold_kilobar,
    silver_good_delivery_bar,
    stated_fine_oz,
    stated_fineness,
    stated_gross_oz,
    weight_list,
)

D = Decimal


@pytest.mark.parametrize(
    ("reading", "stated"),
    [
        ("400.127", "400.125"),  # turns the scale by exactly 0.002 oz: the multiple stands
        ("400.1269", "400.100"),  # 0.0019 oz over: next lower multiple
        ("400.126", "400.100"),
        ("400.125", "400.100"),  # exactly on the multiple: does not turn the scale
        ("400.149", "400.125"),
        ("400.150", "400.125"),
        ("400.152", "400.150"),
    ],
)
def test_gross_weight_turn_of_scale(reading: str, stated: str) -> None:
    assert stated_gross_oz(D(reading)) == D(stated)


def test_fine_weight_is_rounded_down_to_a_thousandth() -> None:
    assert stated_fine_oz(D("400.125"), D("999.5")) == D("399.924")  # 399.9249375


def test_good_delivery_bar_states_gross_and_fine() -> None:
    bar = gold_good_delivery_bar("A12345", "NAFOLO", 2027, D("400.127"), D("999.5"))
    assert (bar.gross_oz, bar.fine_oz, bar.kind) == (
        D("400.125"),
        D("399.924"),
        BarKind.GOLD_GOOD_DELIVERY,
    )


def test_fineness_995_0_is_accepted() -> None:
    bar = gold_good_delivery_bar("A1", "NAFOLO", 2027, D("400.127"), D("995.0"))
    assert bar.fine_oz == D("398.124")  # 400.125 × 0.995 = 398.124375


def _refused(rule: BarRule, *args: object) -> None:
    with pytest.raises(BarRuleError) as caught:
        gold_good_delivery_bar(*args)  # type: ignore[arg-type]
    assert caught.value.rule is rule


def test_fineness_994_9_is_refused_naming_the_minimum() -> None:
    _refused(BarRule.MINIMUM_FINENESS, "A1", "NAFOLO", 2027, D("400.127"), D("994.9"))


def test_fineness_with_five_figures_is_refused() -> None:
    _refused(BarRule.FINENESS_MARKING, "A1", "NAFOLO", 2027, D("400.127"), D("999.55"))


def test_assay_is_marked_rounded_down_to_four_figures() -> None:
    assert stated_fineness(D("999.87")) == D("999.8")


def test_fine_content_of_exactly_350_oz_is_accepted() -> None:
    bar = gold_good_delivery_bar("A1", "NAFOLO", 2027, D("351.302"), D("996.3"))
    assert bar.fine_oz == D("350.000")  # 351.300 × 0.9963 = 350.00019


def test_fine_content_just_under_350_oz_is_refused() -> None:
    _refused(BarRule.FINE_CONTENT, "A1", "NAFOLO", 2027, D("351.277"), D("996.3"))  # 349.975


def test_fine_content_just_under_430_oz_is_accepted() -> None:
    bar = gold_good_delivery_bar("A1", "NAFOLO", 2027, D("430.027"), D("999.9"))
    assert bar.fine_oz == D("429.981")


def test_fine_content_over_430_oz_is_refused() -> None:
    _refused(BarRule.FINE_CONTENT, "A1", "NAFOLO", 2027, D("430.052"), D("999.9"))  # 430.006


def test_turn_of_scale_can_take_a_bar_under_the_minimum() -> None:
    # 351.301 reads 0.001 over 351.300, so 351.275 is stated: 349.975 oz fine.
    _refused(BarRule.FINE_CONTENT, "A1", "NAFOLO", 2027, D("351.301"), D("996.3"))


@pytest.mark.parametrize(
    ("serial", "brand", "year", "rule"),
    [
        ("", "NAFOLO", 2027, BarRule.SERIAL),
        ("A-1", "NAFOLO", 2027, BarRule.SERIAL),
        ("A1", " ", 2027, BarRule.BRAND),
        ("A1", "NAFOLO", 27, BarRule.YEAR),
    ],
)
def test_bad_marks_are_refused(serial: str, brand: str, year: int, rule: BarRule) -> None:
    _refused(rule, serial, brand, year, D("400.127"), D("999.5"))


def test_kilobar_is_stated_as_one_kilogram() -> None:
    bar = gold_kilobar("K1", "NAFOLO", 2027, D("1000.04"), D("999.9"))
    assert (bar.gross_oz, bar.fine_oz) == (D("32.150"), D("32.146"))  # 32.150 × 0.9999


def test_underweight_kilobar_is_refused() -> None:
    with pytest.raises(BarRuleError) as caught:
        gold_kilobar("K1", "NAFOLO", 2027, D("999.9"), D("999.9"))
    assert caught.value.rule is BarRule.GROSS_WEIGHT


def test_kilobar_below_999_9_is_refused() -> None:
    with pytest.raises(BarRuleError) as caught:
        gold_kilobar("K1", "NAFOLO", 2027, D("1000.04"), D("999.8"))
    assert caught.value.rule is BarRule.MINIMUM_FINENESS


def test_silver_bar_gross_in_tenths_of_an_ounce() -> None:
    bar = silver_good_delivery_bar("S1", "NAFOLO", 2027, D("1000.07"), D("999.0"))
    assert (bar.gross_oz, bar.fine_oz) == (D("1000.0"), D("999.000"))


@pytest.mark.parametrize(
    ("reading", "accepted"),
    [("749.99", False), ("750.0", True), ("1100.09", True), ("1100.1", False)],
)
def test_silver_bar_gross_limits(reading: str, accepted: bool) -> None:
    if accepted:
        silver_good_delivery_bar("S1", "NAFOLO", 2027, D(reading), D("999.9"))
    else:
        with pytest.raises(BarRuleError, match="GROSS_WEIGHT"):
            silver_good_delivery_bar("S1", "NAFOLO", 2027, D(reading), D("999.9"))


def test_silver_below_999_0_is_refused() -> None:
    with pytest.raises(BarRuleError, match="MINIMUM_FINENESS"):
        silver_good_delivery_bar("S1", "NAFOLO", 2027, D("1000"), D("998.9"))


def _bar(serial: str, year: int = 2027, brand: str = "NAFOLO") -> Bar:
    return gold_good_delivery_bar(serial, brand, year, D("400.127"), D("999.5"))


def test_serial_repeated_in_a_mark_and_year_is_refused() -> None:
    with pytest.raises(BarRuleError) as caught:
        check_serials_unique([_bar("A1"), _bar("A2"), _bar("a1")])
    assert (caught.value.rule, caught.value.serial) == (BarRule.SERIAL_UNIQUE, "a1")


def test_same_serial_in_another_year_or_mark_is_allowed() -> None:
    check_serials_unique([_bar("A1"), _bar("A1", year=2028), _bar("A1", brand="OTHER")])


def test_serial_already_registered_is_refused() -> None:
    with pytest.raises(BarRuleError, match="SERIAL_UNIQUE"):
        check_serials_unique([_bar("A1")], registered={bar_key(_bar("A1"))})


def test_weight_list_row() -> None:
    assert weight_list([_bar("A1")]) == [
        WeightListRow("A1", "NAFOLO", D("400.125"), D("999.5"), D("399.924"), 2027)
    ]
