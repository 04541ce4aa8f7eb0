"""LBMA bar rules: what a bar's marks and weight-list row may state, and which bars are refused.

Source: shared/domain/gold.md (LBMA Good Delivery). Every bar that breaks a rule is refused with a
:class:`BarRuleError` naming the rule. Weights are troy ounces in Decimal; the only roundings are
the stated gross weight (down to the scale step, with the turn-of-scale rule) and the stated fine
weight (down to 0.001 oz).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from nafolo.measurement.precious import fine_weight, grams_to_troy_oz, round_down

__all__ = [
    "GOLD_GOOD_DELIVERY",
    "GOLD_KILOBAR",
    "SILVER_GOOD_DELIVERY",
    "Bar",
    "BarKind",
    "BarRule",
    "BarRuleError",
    "BarSpec",
    "WeightListRow",
    "bar_key",
    "check_serials_unique",
    "gold_good_delivery_bar",
    "gold_kilobar",
    "make_bar",
    "silver_good_delivery_bar",
    "stated_fine_oz",
    "stated_fineness",
    "stated_gross_oz",
    "weight_list",
]

FINE_WEIGHT_STEP_OZ = Decimal("0.001")
FINENESS_STEP = Decimal("0.1")
"""Fineness is marked to four significant figures (e.g. 999.5): one decimal of ‰."""
KILOBAR_GRAMS = Decimal(1000)


class BarKind(StrEnum):
    GOLD_GOOD_DELIVERY = "gold_good_delivery"
    GOLD_KILOBAR = "gold_kilobar"
    SILVER_GOOD_DELIVERY = "silver_good_delivery"


class BarRule(StrEnum):
    """The rule a refused bar breaks (the code is what a user sees and an API returns)."""

    FINE_CONTENT = "fine content outside the bar's range"
    GROSS_WEIGHT = "gross weight outside the bar's range"
    MINIMUM_FINENESS = "fineness below the bar's minimum"
    FINENESS_MARKING = "fineness not stated to four significant figures"
    SCALE_READING = "scale reading not a positive weight"
    SERIAL = "serial number missing or malformed"
    BRAND = "refiner's mark (brand) missing"
    YEAR = "year not four digits"
    SERIAL_UNIQUE = "serial number not unique for the refiner's mark and year"


class BarRuleError(ValueError):
    """A bar that breaks an LBMA rule; ``rule`` names it, ``serial`` says which bar."""

    def __init__(self, rule: BarRule, serial: str, detail: str) -> None:
        self.rule = rule
        self.serial = serial
        self.detail = detail
        super().__init__(f"bar {serial or '?'}: {rule.name} ({rule.value}): {detail}")


@dataclass(frozen=True, slots=True)
class BarSpec:
    """The weight and fineness rules of one kind of bar.

    ``weight_basis`` says whether ``min_oz``/``max_oz`` bound the fine content (gold Good
    Delivery) or the stated gross weight (silver Good Delivery, kilobar).
    """

    kind: BarKind
    gross_step_oz: Decimal
    turn_of_scale_oz: Decimal
    weight_basis: Literal["fine", "gross"]
    min_oz: Decimal
    max_oz: Decimal
    min_fineness_per_mille: Decimal


GOLD_GOOD_DELIVERY = BarSpec(
    kind=BarKind.GOLD_GOOD_DELIVERY,
    gross_step_oz=Decimal("0.025"),
    turn_of_scale_oz=Decimal("0.002"),
    weight_basis="fine",
    min_oz=Decimal(350),
    max_oz=Decimal(430),
    min_fineness_per_mille=Decimal("995.0"),
)
SILVER_GOOD_DELIVERY = BarSpec(
    kind=BarKind.SILVER_GOOD_DELIVERY,
    gross_step_oz=Decimal("0.1"),
    turn_of_scale_oz=Decimal(0),
    weight_basis="gross",
    min_oz=Decimal(750),
    max_oz=Decimal(1100),
    min_fineness_per_mille=Decimal("999.0"),
)
GOLD_KILOBAR = BarSpec(
    kind=BarKind.GOLD_KILOBAR,
    gross_step_oz=FINE_WEIGHT_STEP_OZ,
    turn_of_scale_oz=Decimal(0),
    weight_basis="gross",
    min_oz=round_down(grams_to_troy_oz(KILOBAR_GRAMS), FINE_WEIGHT_STEP_OZ),
    max_oz=round_down(grams_to_troy_oz(KILOBAR_GRAMS), FINE_WEIGHT_STEP_OZ),
    min_fineness_per_mille=Decimal("999.9"),
)
"""A kilobar is sold as 1,000 g: its stated gross is 32.150 oz (1 kg rounded down to 0.001 oz)
whatever over-weight the scale shows; a bar lighter than 1,000 g is refused."""


@dataclass(frozen=True, slots=True)
class Bar:
    """A bar as marked and listed: stated gross and fine weights in troy ounces."""

    serial: str
    brand: str
    year: int
    kind: BarKind
    gross_oz: Decimal
    fineness_per_mille: Decimal
    fine_oz: Decimal


@dataclass(frozen=True, slots=True)
class WeightListRow:
    """One row of the LBMA weight list (serial, brand, gross oz, fineness, fine oz, year)."""

    serial: str
    brand: str
    gross_oz: Decimal
    fineness: Decimal
    fine_oz: Decimal
    year: int


def stated_gross_oz(
    scale_reading_oz: Decimal,
    step_oz: Decimal = GOLD_GOOD_DELIVERY.gross_step_oz,
    turn_of_scale_oz: Decimal = GOLD_GOOD_DELIVERY.turn_of_scale_oz,
) -> Decimal:
    """The gross weight a bar may state: the multiple of ``step_oz`` at or below the reading
    that the bar turns by at least ``turn_of_scale_oz``; otherwise the next lower multiple.

    E.g. 400.127 → 400.125 (turns by 0.002); 400.126 → 400.100; exactly 400.125 → 400.100.
    """
    multiple = round_down(scale_reading_oz, step_oz)
    if scale_reading_oz - multiple >= turn_of_scale_oz:
        return multiple
    return multiple - step_oz


def stated_fine_oz(gross_oz: Decimal, fineness_per_mille: Decimal) -> Decimal:
    """Fine weight = stated gross × fineness / 1000, stated to 0.001 oz rounded down."""
    return round_down(fine_weight(gross_oz, fineness_per_mille), FINE_WEIGHT_STEP_OZ)


def stated_fineness(assay_per_mille: Decimal) -> Decimal:
    """The fineness a bar may be marked with: the assay rounded down to 0.1 ‰ (e.g. 999.87 →
    999.8), so the mark never claims more gold than assayed."""
    return round_down(assay_per_mille, FINENESS_STEP)


def _check_marks(serial: str, brand: str, year: int) -> None:
    if not serial or serial != serial.strip() or not serial.isalnum():
        raise BarRuleError(BarRule.SERIAL, serial, f"give letters and digits only, got {serial!r}")
    if not brand.strip():
        raise BarRuleError(BarRule.BRAND, serial, "brand is empty")
    if not 1000 <= year <= 9999:
        raise BarRuleError(BarRule.YEAR, serial, f"got {year}")


def _check_fineness(spec: BarSpec, serial: str, fineness: Decimal) -> None:
    if fineness != round_down(fineness, FINENESS_STEP) or fineness > 1000:
        raise BarRuleError(
            BarRule.FINENESS_MARKING, serial, f"{fineness} ‰ (mark e.g. 999.5; see stated_fineness)"
        )
    if fineness < spec.min_fineness_per_mille:
        raise BarRuleError(
            BarRule.MINIMUM_FINENESS,
            serial,
            f"{fineness} ‰ < {spec.min_fineness_per_mille} ‰ for {spec.kind.value}",
        )


def make_bar(
    spec: BarSpec,
    *,
    serial: str,
    brand: str,
    year: int,
    scale_reading_oz: Decimal,
    fineness_per_mille: Decimal,
) -> Bar:
    """A bar of kind ``spec`` from its scale reading and marked fineness, or BarRuleError."""
    _check_marks(serial, brand, year)
    if scale_reading_oz <= 0:
        raise BarRuleError(BarRule.SCALE_READING, serial, f"got {scale_reading_oz} oz")
    _check_fineness(spec, serial, fineness_per_mille)
    gross = stated_gross_oz(scale_reading_oz, spec.gross_step_oz, spec.turn_of_scale_oz)
    if spec.kind is BarKind.GOLD_KILOBAR:
        if gross < spec.min_oz:
            raise BarRuleError(
                BarRule.GROSS_WEIGHT, serial, f"{scale_reading_oz} oz is under 1,000 g"
            )
        gross = spec.min_oz
    fine = stated_fine_oz(gross, fineness_per_mille)
    if spec.weight_basis == "fine":
        bounded, rule = fine, BarRule.FINE_CONTENT
    else:
        bounded, rule = gross, BarRule.GROSS_WEIGHT
    if not spec.min_oz <= bounded <= spec.max_oz:
        raise BarRuleError(
            rule, serial, f"{bounded} oz not within {spec.min_oz}–{spec.max_oz} oz ({spec.kind})"
        )
    return Bar(serial, brand.strip(), year, spec.kind, gross, fineness_per_mille, fine)


def gold_good_delivery_bar(
    serial: str, brand: str, year: int, scale_reading_oz: Decimal, fineness_per_mille: Decimal
) -> Bar:
    """An LBMA Good Delivery large gold bar (fine 350–430 oz, ≥ 995.0 ‰)."""
    return make_bar(
        GOLD_GOOD_DELIVERY,
        serial=serial,
        brand=brand,
        year=year,
        scale_reading_oz=scale_reading_oz,
        fineness_per_mille=fineness_per_mille,
    )


def gold_kilobar(
    serial: str, brand: str, year: int, scale_reading_g: Decimal, fineness_per_mille: Decimal
) -> Bar:
    """A 1 kg gold bar of at least 999.9 ‰, weighed in grams."""
    return make_bar(
        GOLD_KILOBAR,
        serial=serial,
        brand=brand,
        year=year,
        scale_reading_oz=grams_to_troy_oz(scale_reading_g),
        fineness_per_mille=fineness_per_mille,
    )


def silver_good_delivery_bar(
    serial: str, brand: str, year: int, scale_reading_oz: Decimal, fineness_per_mille: Decimal
) -> Bar:
    """An LBMA Good Delivery silver bar (gross 750–1,100 oz in 0.1 oz steps, ≥ 999.0 ‰)."""
    return make_bar(
        SILVER_GOOD_DELIVERY,
        serial=serial,
        brand=brand,
        year=year,
        scale_reading_oz=scale_reading_oz,
        fineness_per_mille=fineness_per_mille,
    )


def bar_key(bar: Bar) -> tuple[str, int, str]:
    """What a serial must be unique within: refiner's mark (brand), year, serial."""
    return (bar.brand.casefold(), bar.year, bar.serial.casefold())


def check_serials_unique(
    bars: Iterable[Bar], registered: Iterable[tuple[str, int, str]] = ()
) -> None:
    """Refuse (SERIAL_UNIQUE) if a serial repeats within a mark and year, among ``bars`` or
    against ``registered`` keys (as made by :func:`bar_key`)."""
    taken = set(registered)
    counts = Counter(bar_key(bar) for bar in bars)
    for key, count in counts.items():
        if count > 1 or key in taken:
            brand, year, serial = key
            raise BarRuleError(
                BarRule.SERIAL_UNIQUE,
                serial,
                f"already used for mark {brand!r} in {year}",
            )


def weight_list(bars: Iterable[Bar]) -> list[WeightListRow]:
    """The LBMA weight-list rows of ``bars``, in the order given."""
    return [
        WeightListRow(
            bar.serial, bar.brand, bar.gross_oz, bar.fineness_per_mille, bar.fine_oz, bar.year
        )
        for bar in bars
    ]
