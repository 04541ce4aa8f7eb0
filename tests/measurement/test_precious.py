"""Troy ounces and fineness in Decimal."""

from decimal import Decimal

import pytest

from nafolo.measurement.precious import (
    TROY_OUNCE_G,
    fine_weight,
    grams_to_troy_oz,
    round_down,
    troy_oz_to_grams,
)


def test_troy_ounce_is_exact() -> None:
    assert Decimal("31.1034768") == TROY_OUNCE_G


def test_one_kilogram_is_32_1507466_troy_ounces() -> None:
    assert grams_to_troy_oz(1000).quantize(Decimal("0.0000001")) == Decimal("32.1507466")


def test_troy_ounces_to_grams_is_exact() -> None:
    assert troy_oz_to_grams("400") == Decimal("12441.39072")


def test_fine_weight_of_a_large_bar() -> None:
    assert fine_weight(Decimal("400.125"), Decimal("999.5")) == Decimal("399.9249375")


@pytest.mark.parametrize("fineness", ["-0.1", "1000.1"])
def test_fineness_outside_0_to_1000_is_refused(fineness: str) -> None:
    with pytest.raises(ValueError, match="fineness_per_mille"):
        fine_weight("400", fineness)


def test_negative_gross_weight_is_refused() -> None:
    with pytest.raises(ValueError, match="gross"):
        fine_weight("-1", "999.9")


def test_negative_grams_are_refused() -> None:
    with pytest.raises(ValueError, match="grams"):
        grams_to_troy_oz("-5")


def test_float_is_refused_to_keep_decimal_arithmetic() -> None:
    with pytest.raises(TypeError, match="grams"):
        grams_to_troy_oz(1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "step", "expected"),
    [
        ("400.1234", "0.025", "400.100"),
        ("399.92493", "0.001", "399.924"),
        ("400.1", "0.025", "400.100"),
    ],
)
def test_round_down_to_step(value: str, step: str, expected: str) -> None:
    assert round_down(value, step) == Decimal(expected)


def test_round_down_refuses_non_positive_step() -> None:
    with pytest.raises(ValueError, match="step"):
        round_down("1", "0")
