"""Fuel losses: the reconciliation engine over transit legs and dipped tanks, and loss patterns
by carrier and corridor.

`read_period_movements(ledger, start, end)` reads a period's rows; `analyse_losses(movements)`
is pure: reconciliation with gross-error search (`reconcile_losses`) and the carrier and
corridor tests (`loss_patterns`). See docs/reconciliation.md, "Fuel losses".
"""

from __future__ import annotations

from dataclasses import dataclass

from nafolo.fuel.losses.balance import (
    CorridorLoss,
    LossReconciliation,
    LossSuspect,
    StreamInfo,
    Uncertainty,
    loss_flowsheet,
    reconcile_losses,
)
from nafolo.fuel.losses.model import DipReading, PeriodMovements, TankMovement, TransitLeg
from nafolo.fuel.losses.patterns import GroupBy, LossPattern, loss_patterns
from nafolo.fuel.losses.read import read_period_movements


@dataclass(frozen=True)
class LossAnalysis:
    """A period's losses: the reconciliation, the carriers' and corridors' patterns, the dips."""

    reconciliation: LossReconciliation
    by_carrier: tuple[LossPattern, ...]
    by_corridor: tuple[LossPattern, ...]
    dips: tuple[DipReading, ...]
    legs: int


def analyse_losses(
    movements: PeriodMovements,
    uncertainty: Uncertainty = Uncertainty(),
    *,
    alpha: float = 0.05,
    expected_exceedance_rate: float = 0.05,
) -> LossAnalysis:
    """Reconcile the period and test every carrier and corridor (pure)."""
    return LossAnalysis(
        reconciliation=reconcile_losses(movements, uncertainty, alpha=alpha),
        by_carrier=tuple(
            loss_patterns(
                movements.legs,
                GroupBy.CARRIER,
                alpha=alpha,
                expected_exceedance_rate=expected_exceedance_rate,
            )
        ),
        by_corridor=tuple(
            loss_patterns(
                movements.legs,
                GroupBy.CORRIDOR,
                alpha=alpha,
                expected_exceedance_rate=expected_exceedance_rate,
            )
        ),
        dips=movements.dips,
        legs=len(movements.legs),
    )


__all__ = [
    "CorridorLoss",
    "DipReading",
    "GroupBy",
    "LossAnalysis",
    "LossPattern",
    "LossReconciliation",
    "LossSuspect",
    "PeriodMovements",
    "StreamInfo",
    "TankMovement",
    "TransitLeg",
    "Uncertainty",
    "analyse_losses",
    "loss_flowsheet",
    "loss_patterns",
    "read_period_movements",
    "reconcile_losses",
]
