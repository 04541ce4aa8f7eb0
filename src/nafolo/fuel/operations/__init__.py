"""Fuel operations on the ledger: liftings, convoys, receipts, withdrawals, dips, and their import.

`FuelOperations(ledger, network)` records one operation at a time (typed inputs in
`nafolo.fuel.operations.inputs`); `import_operations` loads a whole workbook, all or nothing.
"""

from nafolo.fuel.operations.catalogue import FieldProblem, OperationRefusedError
from nafolo.fuel.operations.importer import ImportReport, import_operations, write_rejections
from nafolo.fuel.operations.inputs import (
    Compartment,
    ConvoyDispatch,
    ConvoyEvent,
    ConvoyEventKind,
    Dip,
    Lifting,
    MeasuredLoad,
    OpeningStock,
    Receipt,
    Withdrawal,
)
from nafolo.fuel.operations.service import (
    FuelOperations,
    OperationResult,
    RecordedEntry,
    VarianceOut,
)
from nafolo.fuel.operations.tolerance import DEFAULT_TOLERANCE_PCT, Tolerances

__all__ = [
    "DEFAULT_TOLERANCE_PCT",
    "Compartment",
    "ConvoyDispatch",
    "ConvoyEvent",
    "ConvoyEventKind",
    "Dip",
    "FieldProblem",
    "FuelOperations",
    "ImportReport",
    "Lifting",
    "MeasuredLoad",
    "OpeningStock",
    "OperationRefusedError",
    "OperationResult",
    "Receipt",
    "RecordedEntry",
    "Tolerances",
    "VarianceOut",
    "Withdrawal",
    "import_operations",
    "write_rejections",
]
