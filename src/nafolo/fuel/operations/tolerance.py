"""Variances between what should be there and what was measured, against a tolerance."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

DEFAULT_TOLERANCE_PCT = Decimal("0.5")
"""Transit loss and dip variance tolerated without an alert: 0.5 % of the reference quantity."""


@dataclass(frozen=True)
class Variance:
    """A measured quantity against its reference (dispatched load, book stock), in tonnes."""

    reference_t: Decimal
    measured_t: Decimal
    tolerance_pct: Decimal

    @property
    def difference_t(self) -> Decimal:
        """Measured − reference: negative is a loss, positive a gain."""
        return self.measured_t - self.reference_t

    @property
    def variance_pct(self) -> Decimal:
        """|difference| as a percentage of the reference (100 % when the reference is zero)."""
        if self.reference_t == 0:
            return Decimal(0) if self.measured_t == 0 else Decimal(100)
        return (abs(self.difference_t) / abs(self.reference_t) * 100).quantize(Decimal("0.0001"))

    @property
    def above_tolerance(self) -> bool:
        """|difference| > tolerance × reference, exactly (not on the rounded percentage)."""
        if self.reference_t == 0:
            return self.measured_t != 0
        return abs(self.difference_t) * 100 > self.tolerance_pct * abs(self.reference_t)


@dataclass(frozen=True)
class Tolerances:
    """Tolerance per contract for transit losses, and one for dips; 0.5 % unless set."""

    transit_pct_by_contract: Mapping[str, Decimal] | None = None
    dip_pct: Decimal = DEFAULT_TOLERANCE_PCT
    default_transit_pct: Decimal = DEFAULT_TOLERANCE_PCT

    def transit_pct(self, contract: str) -> Decimal:
        table = self.transit_pct_by_contract or {}
        return table.get(contract, self.default_transit_pct)
