"""The shared unit registry and its dimension checks."""

import pytest

from nafolo.measurement.units import UnitError, parse_quantity, to_magnitude, to_unit, ureg


def test_barrel_is_the_42_gallon_oil_barrel() -> None:
    assert to_magnitude(ureg.Quantity(1, "bbl"), "L", field="volume") == pytest.approx(158.987295)


def test_troy_ounce_alias_is_exactly_31_1034768_g() -> None:
    assert to_magnitude(ureg.Quantity(1, "ozt"), "g", field="w") == pytest.approx(
        31.1034768, abs=1e-12
    )


def test_tonne_to_kilograms() -> None:
    assert to_magnitude(ureg.Quantity(2.5, "t"), "kg", field="mass") == 2500.0


def test_parse_cubic_metres_written_m3() -> None:
    quantity = parse_quantity("46 m3", expected="m³", field="truck_capacity")
    assert quantity.magnitude == 46.0


def test_parse_litres_into_cubic_metres() -> None:
    quantity = parse_quantity("36000 L", expected="m³", field="truck_capacity")
    assert quantity.magnitude == pytest.approx(36.0)


def test_celsius_is_converted_as_a_temperature() -> None:
    quantity = parse_quantity("20 degC", expected="degF", field="temperature")
    assert quantity.magnitude == pytest.approx(68.0)


def test_litres_where_tonnes_expected_names_the_field() -> None:
    with pytest.raises(UnitError, match=r"truck_capacity: expected a quantity in t"):
        parse_quantity("46 L", expected="t", field="truck_capacity")


def test_unknown_unit_is_refused() -> None:
    with pytest.raises(UnitError, match="truck_capacity: unknown unit"):
        parse_quantity("46 tonnz", expected="t", field="truck_capacity")


def test_text_without_unit_is_refused() -> None:
    with pytest.raises(UnitError, match="stock"):
        parse_quantity("46", expected="t", field="stock")


def test_plain_number_is_not_a_quantity() -> None:
    with pytest.raises(UnitError, match="stock"):
        to_unit(46.0, "t", field="stock")
