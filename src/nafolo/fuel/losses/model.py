"""Typed rows the loss analysis works on, read from the ledger's entries of a period.

Quantities are tonnes weight in air (ASTM D1250 Table 56), as on the ledger. They are floats:
the analysis is statistical (the ledger keeps the exact figures).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class TransitLeg:
    """One compartment's trip: loaded at the port, received at a depot."""

    convoy: str
    truck: str
    compartment: int
    corridor: str
    carrier: str
    contract: str
    product: str
    depot: str
    received_at: datetime
    dispatched_t: float
    received_t: float
    tolerance_pct: float

    @property
    def name(self) -> str:
        return f"{self.convoy}/{self.truck}/{self.compartment}"

    @property
    def loss_t(self) -> float:
        """Dispatched − received: positive is a loss, negative a gain."""
        return self.dispatched_t - self.received_t

    @property
    def loss_pct(self) -> float:
        """Loss as a percentage of the dispatched load (negative for a gain)."""
        return 100.0 * self.loss_t / self.dispatched_t if self.dispatched_t else 0.0

    @property
    def above_tolerance(self) -> bool:
        """|loss| beyond the contract's tolerance, as the receipt recorded it."""
        return abs(self.loss_t) * 100.0 > self.tolerance_pct * self.dispatched_t


@dataclass(frozen=True, slots=True)
class DipReading:
    """A tank dip: the physical stock found against the book stock at that moment."""

    depot: str
    product: str
    dipped_at: datetime
    book_t: float
    physical_t: float
    tolerance_pct: float
    document_ref: str

    @property
    def difference_t(self) -> float:
        """Physical − book: negative is a loss."""
        return self.physical_t - self.book_t

    @property
    def variance_pct(self) -> float:
        return 100.0 * abs(self.difference_t) / self.book_t if self.book_t else 100.0

    @property
    def above_tolerance(self) -> bool:
        return abs(self.difference_t) * 100.0 > self.tolerance_pct * abs(self.book_t)


@dataclass(frozen=True, slots=True)
class TankMovement:
    """Product leaving (withdrawal) or entering (opening stock) a depot tank, at one moment."""

    depot: str
    product: str
    at: datetime
    quantity_t: float
    entering: bool


@dataclass(frozen=True, slots=True)
class PeriodMovements:
    """Everything the loss analysis reads for a period."""

    legs: tuple[TransitLeg, ...]
    dips: tuple[DipReading, ...]
    tank_movements: tuple[TankMovement, ...]
