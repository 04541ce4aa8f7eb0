"""Cell conventions: unit spellings and the units-row cell format."""

from __future__ import annotations

from nafolo.workbook.cells import bracketed_unit, same_unit


def test_unit_spellings_compare_equal() -> None:
    assert same_unit("m3", "m³")
    assert same_unit("T/Week", "t/week")
    assert not same_unit("L", "m³")


def test_bracketed_unit_read_from_units_row_cell() -> None:
    assert bracketed_unit(" [t/week] ") == "t/week"
    assert bracketed_unit("t/week") is None
    assert bracketed_unit(12) is None
