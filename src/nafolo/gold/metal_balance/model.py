"""Inputs and results of a period's gold metal balance (AMIRA P754 manner), in fine troy ounces.

Every measured quantity is a `Decimal` fine oz with its standard uncertainty (1 σ, same unit).
Inputs are frozen pydantic models with unknown fields refused, so a balance's inputs serialise to
canonical JSON and can be hashed, stored and re-computed exactly.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

MOZ = Decimal("0.001")
"""Results are rounded half-even to 0.001 fine oz, the ledger's scale."""

PERIOD_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
FineOz = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
SdOz = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]


def to_moz(value: Decimal) -> Decimal:
    """A figure rounded half-even to 0.001 oz (how every result is stated)."""
    return value.quantize(MOZ, rounding=ROUND_HALF_EVEN)


def check_period(period: str) -> str:
    """A period is a calendar month written YYYY-MM."""
    if not PERIOD_PATTERN.match(period):
        raise ValueError(f"period: expected YYYY-MM (e.g. 2026-01), got {period!r}")
    return period


class Unit(StrEnum):
    """The refinery's units, in process order."""

    MELTING = "melting"
    CHLORINATION = "chlorination"
    ELECTROLYSIS = "electrolysis"
    RECOVERY = "recovery"


class OutputKind(StrEnum):
    """What leaves the refinery: bars, by-products (e.g. silver with gold in it) or residues."""

    BAR = "bar"
    BY_PRODUCT = "by_product"
    RESIDUE = "residue"


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Receipt(Frozen):
    """Check-in: a settled receipt (lot) with fine gold and its standard uncertainty, which comes
    from the weighing and the settled assay (see `receipt_sd_oz`)."""

    lot_id: Name
    fine_oz: FineOz
    sd_oz: SdOz
    unit: Unit = Unit.MELTING


class Output(Frozen):
    """Check-out: a bar cast, a by-product or a residue shipped, from the unit that produced it."""

    item_id: Name
    kind: OutputKind
    fine_oz: FineOz
    sd_oz: SdOz
    unit: Unit


class Stocktake(Frozen):
    """In-process inventory of a unit counted (and assayed) at a period's end."""

    unit: Unit
    fine_oz: FineOz
    sd_oz: SdOz


class Transfer(Frozen):
    """Gold moved between two units inside the refinery (e.g. chloride slag to recovery).

    `fine_oz` None: not measured; the reconciliation estimates it where the balances allow."""

    name: Name
    source: Unit
    target: Unit
    fine_oz: FineOz | None = None
    sd_oz: SdOz | None = None

    @model_validator(mode="after")
    def _sd_with_value(self) -> Transfer:
        if (self.sd_oz is None) != (self.fine_oz is None):
            raise ValueError("fine_oz and sd_oz are given together or not at all")
        if self.source == self.target:
            raise ValueError(f"source and target are both {self.source.value}")
        return self


class PeriodInputs(Frozen):
    """Everything a period's balance is computed from."""

    period: str
    receipts: tuple[Receipt, ...] = ()
    outputs: tuple[Output, ...] = ()
    opening: tuple[Stocktake, ...] = ()
    closing: tuple[Stocktake, ...] = ()
    transfers: tuple[Transfer, ...] = ()
    k: Decimal = Field(default=Decimal("1.96"), gt=0, description="coverage factor")
    alpha: float = Field(default=0.05, gt=0, lt=1, description="level of the statistical tests")
    notes: tuple[str, ...] = ()

    @field_validator("period")
    @classmethod
    def _period(cls, period: str) -> str:
        return check_period(period)

    @field_validator("opening", "closing")
    @classmethod
    def _one_count_per_unit(cls, counts: tuple[Stocktake, ...]) -> tuple[Stocktake, ...]:
        seen: set[Unit] = set()
        for count in counts:
            if count.unit in seen:
                raise ValueError(f"unit {count.unit.value}: counted twice")
            seen.add(count.unit)
        return counts


class Figure(Frozen):
    """A quantity with its standard uncertainty, in fine oz (rounded to 0.001 oz)."""

    fine_oz: Decimal
    sd_oz: Decimal


class UnitBalance(Frozen):
    """One unit's measured balance: in + opening − out − closing (transfers unmeasured count 0)."""

    unit: Unit
    inputs_oz: Decimal
    outputs_oz: Decimal
    opening_oz: Decimal
    closing_oz: Decimal
    unaccounted: Figure | None = Field(
        description="None when an unmeasured transfer touches the unit: its balance alone is "
        "then not measured (the reconciliation balances the units it joins together)"
    )
    unmeasured_transfers: tuple[str, ...]


class ReconciledStream(Frozen):
    """A stream of the units' flowsheet: as measured, as reconciled, and its measurement test."""

    name: str
    source: str
    target: str
    measured_oz: Decimal | None
    measured_sd_oz: Decimal | None
    reconciled_oz: Decimal | None
    reconciled_sd_oz: Decimal | None
    classification: str
    normalised_adjustment: float | None
    flagged: bool


class Suspect(Frozen):
    """A measurement serial elimination set aside: its test value and estimated error [oz]."""

    stream: str
    normalised_adjustment: float
    estimated_error_oz: Decimal


class GlobalTestResult(Frozen):
    chi_square: float
    degrees_of_freedom: int
    critical_value: float
    p_value: float
    alpha: float
    rejected: bool


class ReconciledTotals(Frozen):
    """Check-in, check-out, opening and closing as reconciled; σ of each sum from the full
    covariance of the reconciled values (they are correlated), not a quadrature."""

    check_in: Figure
    check_out: Figure
    opening: Figure
    closing: Figure


class UnitReconciliation(Frozen):
    """The units' flowsheet reconciled: streams, global test, measurement test and suspects."""

    streams: tuple[ReconciledStream, ...]
    totals: ReconciledTotals | None
    global_test: GlobalTestResult
    measurement_critical_value: float
    flagged: tuple[str, ...]
    suspects: tuple[Suspect, ...]


class PeriodBalance(Frozen):
    """A period's balance: check-in + opening − check-out − closing = unaccounted (± σ)."""

    period: str
    check_in: Figure
    check_out: Figure
    opening: Figure
    closing: Figure
    unaccounted: Figure
    unaccounted_pct: Decimal | None
    unaccounted_pct_sd: Decimal | None
    k: Decimal
    significant: bool
    units: tuple[UnitBalance, ...]
    reconciliation: UnitReconciliation
    notes: tuple[str, ...]
