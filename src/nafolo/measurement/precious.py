"""Troy-ounce and fineness arithmetic for gold and silver, in Decimal (money and metal).

1 troy ounce = 31.1034768 g exactly; fine weight = gross weight × fineness (‰) / 1000.
No rounding happens here except in :func:`round_down`, which callers invoke explicitly.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

__all__ = [
    "TROY_OUNCE_G",
    "fine_weight",
    "grams_to_troy_oz",
    "round_down",
    "troy_oz_to_grams",
]

TROY_OUNCE_G = Decimal("31.1034768")
_MAX_FINENESS = Decimal(1000)


def _decimal(value: Decimal | int | str, field: str) -> Decimal:
    if isinstance(value, float) or not isinstance(value, Decimal | int | str):
        raise TypeError(f"{field}: give a Decimal, int or str (not {type(value).__name__})")
    try:
        number = Decimal(value)
    except ArithmeticError as exc:
        raise ValueError(f"{field}: not a number: {value!r}") from exc
    if not number.is_finite():
        raise ValueError(f"{field}: must be finite, got {value!r}")
    return number


def _non_negative(value: Decimal | int | str, field: str) -> Decimal:
    number = _decimal(value, field)
    if number < 0:
        raise ValueError(f"{field}: must not be negative, got {number}")
    return number


def grams_to_troy_oz(grams: Decimal | int | str) -> Decimal:
    """Troy ounces in a weight in grams (1 ozt = 31.1034768 g exactly); unrounded."""
    return _non_negative(grams, "grams") / TROY_OUNCE_G


def troy_oz_to_grams(troy_oz: Decimal | int | str) -> Decimal:
    """Grams in a weight in troy ounces (1 ozt = 31.1034768 g exactly); exact."""
    return _non_negative(troy_oz, "troy_oz") * TROY_OUNCE_G


def fine_weight(gross: Decimal | int | str, fineness_per_mille: Decimal | int | str) -> Decimal:
    """Fine metal content = gross × fineness / 1000, in the unit of ``gross``; unrounded.

    Fineness is in parts per thousand (‰) and must lie within 0–1000.
    """
    gross_weight = _non_negative(gross, "gross")
    fineness = _decimal(fineness_per_mille, "fineness_per_mille")
    if not 0 <= fineness <= _MAX_FINENESS:
        raise ValueError(f"fineness_per_mille: must lie within 0–1000 ‰, got {fineness}")
    return gross_weight * fineness / _MAX_FINENESS


def round_down(value: Decimal | int | str, step: Decimal | int | str) -> Decimal:
    """The largest multiple of ``step`` not above ``value`` (LBMA: 0.025 oz gross, 0.001 fine)."""
    number = _decimal(value, "value")
    increment = _decimal(step, "step")
    if increment <= 0:
        raise ValueError(f"step: must be positive, got {increment}")
    return (number / increment).to_integral_value(rounding=ROUND_FLOOR) * increment
