"""Fine-gold mass balance of a refining batch.

Source: shared/domain/gold.md (Material and process; Metal accounting). Per batch, fine gold in
from lots (whole or part) = fine gold in bars + in process + residues (slags, sludges, sweeps,
filters: recovered later, so inventory, not loss) + recorded loss. The check is exact Decimal
arithmetic unless a tolerance is given; nothing is plugged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

__all__ = [
    "BalanceCheck",
    "BarOutput",
    "BatchBalance",
    "BatchImbalanceError",
    "BatchInput",
    "BatchResidue",
    "ResidueKind",
    "assert_balanced",
    "check_balance",
    "over_allocated_lots",
]


class ResidueKind(StrEnum):
    SLAG = "slag"
    SLUDGE = "sludge"
    SWEEPS = "sweeps"
    FILTERS = "filters"
    OTHER = "other"


def _non_negative(value: Decimal, what: str) -> None:
    if not value.is_finite() or value < 0:
        raise ValueError(f"{what}: fine_au_oz must be a non-negative number, got {value}")


@dataclass(frozen=True, slots=True)
class BatchInput:
    """Fine gold taken into the batch from a lot (the whole lot or a part of it)."""

    lot_id: str
    fine_au_oz: Decimal

    def __post_init__(self) -> None:
        _non_negative(self.fine_au_oz, f"input from lot {self.lot_id}")


@dataclass(frozen=True, slots=True)
class BarOutput:
    serial: str
    fine_au_oz: Decimal

    def __post_init__(self) -> None:
        _non_negative(self.fine_au_oz, f"bar {self.serial}")


@dataclass(frozen=True, slots=True)
class BatchResidue:
    """A residue to recovery, with its fine gold from its own assay."""

    residue_id: str
    kind: ResidueKind
    fine_au_oz: Decimal

    def __post_init__(self) -> None:
        _non_negative(self.fine_au_oz, f"residue {self.residue_id}")


@dataclass(frozen=True, slots=True)
class BatchBalance:
    """A refining batch's fine gold: lots in; bars, in-process, residues and recorded loss out."""

    batch_id: str
    inputs: tuple[BatchInput, ...]
    bars: tuple[BarOutput, ...] = ()
    in_process_au_oz: Decimal = Decimal(0)
    residues: tuple[BatchResidue, ...] = ()
    recorded_loss_au_oz: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if not self.inputs:
            raise ValueError(f"batch {self.batch_id}: inputs: at least one lot")
        _non_negative(self.in_process_au_oz, f"batch {self.batch_id} in-process")
        _non_negative(self.recorded_loss_au_oz, f"batch {self.batch_id} recorded loss")

    @property
    def fine_in_oz(self) -> Decimal:
        return sum((i.fine_au_oz for i in self.inputs), Decimal(0))

    @property
    def fine_in_bars_oz(self) -> Decimal:
        return sum((b.fine_au_oz for b in self.bars), Decimal(0))

    @property
    def fine_in_residues_oz(self) -> Decimal:
        return sum((r.fine_au_oz for r in self.residues), Decimal(0))

    @property
    def fine_accounted_oz(self) -> Decimal:
        return (
            self.fine_in_bars_oz
            + self.in_process_au_oz
            + self.fine_in_residues_oz
            + self.recorded_loss_au_oz
        )


@dataclass(frozen=True, slots=True)
class BalanceCheck:
    batch_id: str
    fine_in_oz: Decimal
    fine_in_bars_oz: Decimal
    in_process_oz: Decimal
    fine_in_residues_oz: Decimal
    recorded_loss_oz: Decimal
    unaccounted_oz: Decimal
    """in − (bars + in process + residues + loss): positive means gold missing."""
    tolerance_oz: Decimal

    @property
    def balanced(self) -> bool:
        return abs(self.unaccounted_oz) <= self.tolerance_oz


class BatchImbalanceError(ValueError):
    """A batch whose fine gold out does not match fine gold in."""


def check_balance(batch: BatchBalance, tolerance_oz: Decimal = Decimal(0)) -> BalanceCheck:
    """The batch's balance terms and what is unaccounted for."""
    if tolerance_oz < 0:
        raise ValueError(f"tolerance_oz: must not be negative, got {tolerance_oz}")
    return BalanceCheck(
        batch_id=batch.batch_id,
        fine_in_oz=batch.fine_in_oz,
        fine_in_bars_oz=batch.fine_in_bars_oz,
        in_process_oz=batch.in_process_au_oz,
        fine_in_residues_oz=batch.fine_in_residues_oz,
        recorded_loss_oz=batch.recorded_loss_au_oz,
        unaccounted_oz=batch.fine_in_oz - batch.fine_accounted_oz,
        tolerance_oz=tolerance_oz,
    )


def assert_balanced(batch: BatchBalance, tolerance_oz: Decimal = Decimal(0)) -> BalanceCheck:
    """The balance check, or :class:`BatchImbalanceError` stating the gap."""
    check = check_balance(batch, tolerance_oz)
    if not check.balanced:
        raise BatchImbalanceError(
            f"batch {batch.batch_id}: fine gold in {check.fine_in_oz} oz ≠ bars "
            f"{check.fine_in_bars_oz} + in process {check.in_process_oz} + residues "
            f"{check.fine_in_residues_oz} + loss {check.recorded_loss_oz} oz: "
            f"{check.unaccounted_oz} oz unaccounted (tolerance {tolerance_oz} oz)"
        )
    return check


def over_allocated_lots(
    lot_fine_au_oz: Mapping[str, Decimal], batches: Iterable[BatchBalance]
) -> dict[str, Decimal]:
    """Lots whose parts across batches exceed their settled fine gold (or are unknown): the
    excess in oz (unknown lots: their whole allocation)."""
    taken: defaultdict[str, Decimal] = defaultdict(Decimal)
    for batch in batches:
        for item in batch.inputs:
            taken[item.lot_id] += item.fine_au_oz
    return {
        lot: total - lot_fine_au_oz.get(lot, Decimal(0))
        for lot, total in taken.items()
        if total > lot_fine_au_oz.get(lot, Decimal(0))
    }
