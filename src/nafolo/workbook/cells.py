"""Turning one spreadsheet cell into what a row model expects: numbers, units, yes/no, blanks.

Pure functions, no I/O. A numeric cell may carry a unit suffix ("46 m³"); it must be the column's
own unit — values are never converted, so a cell in another unit is refused naming the expected one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from nafolo.workbook.spec import ColumnInfo

_QUANTITY = re.compile(
    r"^(?P<number>[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?)\s*(?P<unit>\S.*)?$"
)
_BRACKETED = re.compile(r"^\[(?P<unit>.*)\]$")
_SUPERSCRIPTS = str.maketrans({"³": "3", "²": "2", "·": "*", " ": ""})
_FRENCH_BOOLEANS = {"vrai": True, "faux": False, "oui": True, "non": False}


class CellError(ValueError):
    """A cell that cannot be read; the message is the plain reason shown to the user."""


@dataclass(frozen=True)
class CellStyle:
    """How numbers are written in a source: `decimal_comma` for French-style CSV (';' separated)."""

    decimal_comma: bool = False


def normalise_unit(unit: str) -> str:
    """A unit spelling for comparison: case, spaces and ASCII/superscript powers do not matter."""
    text = unit.strip().translate(_SUPERSCRIPTS).lower()
    return {"deg": "°", "degree": "°", "-": ""}.get(text, text)


def same_unit(written: str, expected: str) -> bool:
    return normalise_unit(written) == normalise_unit(expected)


def bracketed_unit(value: Any) -> str | None:
    """The unit of a units-row cell such as "[t/week]", or None when the cell is not bracketed."""
    if not isinstance(value, str):
        return None
    match = _BRACKETED.match(value.strip())
    return match["unit"].strip() if match else None


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def prepare(value: Any, column: ColumnInfo, style: CellStyle) -> Any:
    """The cell's value ready for pydantic validation; raises CellError for a wrong unit suffix."""
    if isinstance(value, str):
        value = value.strip()
    if column.numeric and isinstance(value, str):
        return _number_text(value, column, style)
    if column.kind == "yes/no" and isinstance(value, str):
        return _FRENCH_BOOLEANS.get(value.lower(), value)
    if column.kind == "text" or column.kind.startswith("one of"):
        return _as_text(value)
    return value


def _number_text(text: str, column: ColumnInfo, style: CellStyle) -> str:
    match = _QUANTITY.match(text)
    if match is None:
        if _non_finite(text):
            raise CellError(f"not a finite number: {text!r}")
        return text
    number, unit = match["number"], match["unit"]
    if unit is not None:
        if not column.unit:
            return text
        if not same_unit(unit, column.unit):
            raise CellError(
                f"unit {unit!r} is not the column's unit: give the value in {column.unit}"
            )
    if "," in number:
        if not style.decimal_comma:
            raise CellError(
                f"not a number: {text!r} (use a decimal point; decimal commas are read only in "
                "';'-separated CSV files)"
            )
        number = number.replace(",", ".")
    return number


def _non_finite(text: str) -> bool:
    try:
        return not math.isfinite(float(text))
    except ValueError:
        return False


def _as_text(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return value
