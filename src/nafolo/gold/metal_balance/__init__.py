"""Gold metal balance per period (AMIRA P754 manner): check-in, check-out, in-process inventory,
unaccounted gold with its uncertainty, reconciled per unit, signed off by a second person.

Pure computation lives in `model`, `period` and `units`; `store` saves, signs and freezes;
`assemble` reads a period's inputs from the refinery services or a workbook.
"""

from nafolo.gold.metal_balance.model import (
    Figure,
    Output,
    OutputKind,
    PeriodBalance,
    PeriodInputs,
    Receipt,
    Stocktake,
    Transfer,
    Unit,
    UnitBalance,
    UnitReconciliation,
)
from nafolo.gold.metal_balance.period import period_balance, quadrature, receipt_sd_oz
from nafolo.gold.metal_balance.units import reconcile_units

__all__ = [
    "Figure",
    "Output",
    "OutputKind",
    "PeriodBalance",
    "PeriodInputs",
    "Receipt",
    "Stocktake",
    "Transfer",
    "Unit",
    "UnitBalance",
    "UnitReconciliation",
    "period_balance",
    "quadrature",
    "receipt_sd_oz",
    "reconcile_units",
]
