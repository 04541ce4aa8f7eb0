"""The single pint unit registry Nafolo uses, and helpers that refuse quantities of the wrong kind.

Units needed by fuel and gold work: t (tonne), kg, g, m³, L, bbl (US oil barrel, 42 US gal),
troy ounce (``troy_ounce`` / ``ozt``, exactly 31.1034768 g) and °C (``degC``, an offset unit).
"""

from __future__ import annotations

import math
import re
from typing import Any

import pint

__all__ = ["Quantity", "UnitError", "parse_quantity", "to_magnitude", "to_unit", "ureg"]


class UnitError(ValueError):
    """A quantity had the wrong dimension or could not be parsed; the message names the field."""


_SUPERSCRIPT_POWER = re.compile(r"(?<=[A-Za-z])([23])(?![\d.])")


def _power_suffix(text: str) -> str:
    """Read ``m3`` / ``m2`` as ``m**3`` / ``m**2``, as written on Sahelian delivery notes."""
    return _SUPERSCRIPT_POWER.sub(r"**\1", text)


ureg: pint.UnitRegistry[Any] = pint.UnitRegistry(
    preprocessors=[_power_suffix], on_redefinition="ignore"
)
# pint's `bbl` is the 31.5 gal US liquid barrel; petroleum trade means the 42 gal oil barrel.
ureg.define("bbl = oil_barrel")
Quantity = ureg.Quantity

_NUMBER_THEN_UNIT = re.compile(r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def _unit(unit: str, field: str) -> Any:
    try:
        return ureg.Unit(_power_suffix(unit))
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, ValueError) as exc:
        raise UnitError(f"{field}: unknown unit {unit!r}") from exc


def to_unit(quantity: Any, unit: str, *, field: str) -> Any:
    """Return ``quantity`` converted to ``unit``; refuse a quantity of another dimension.

    Offset units (°C) are converted as temperatures, not as temperature differences.
    """
    target = _unit(unit, field)
    if not isinstance(quantity, ureg.Quantity):
        raise UnitError(f"{field}: expected a quantity in {target:~P}, got {quantity!r}")
    try:
        return quantity.to(target)
    except pint.errors.DimensionalityError as exc:
        raise UnitError(
            f"{field}: expected a quantity in {target:~P} ({target.dimensionality}), "
            f"got {quantity:~P} ({quantity.dimensionality})"
        ) from exc


def to_magnitude(quantity: Any, unit: str, *, field: str) -> float:
    """The plain number of ``quantity`` expressed in ``unit`` (for the float-based domain code)."""
    return float(to_unit(quantity, unit, field=field).magnitude)


def parse_quantity(text: str, *, expected: str, field: str) -> Any:
    """Parse ``"46 m3"`` / ``"46 m³"`` / ``"31.5 degC"`` into a quantity in ``expected`` units.

    Refuses text without a number and a unit, unknown units, non-finite numbers and quantities
    whose dimension differs from ``expected``.
    """
    match = _NUMBER_THEN_UNIT.match(text)
    if match is None or not match.group(2):
        raise UnitError(f"{field}: expected '<number> <unit>' in {expected}, got {text!r}")
    magnitude = float(match.group(1))
    if not math.isfinite(magnitude):
        raise UnitError(f"{field}: value is not a finite number: {text!r}")
    quantity = Quantity(magnitude, _unit(match.group(2), field))
    return to_unit(quantity, expected, field=field)
