"""Data reconciliation engine: balances, weighted least squares, tests and gross errors.

Pure computation on numpy and scipy (sparse): no database, no other nafolo package.
"""

from nafolo.reconciliation.bilinear import (
    AssayedStream,
    ComponentFlowsheet,
    ComponentReconciliation,
    reconcile_components,
)
from nafolo.reconciliation.flowsheet import Flowsheet, FlowsheetError, Node, NodeKind, Stream
from nafolo.reconciliation.gross_errors import (
    GlobalTest,
    GrossErrorSearch,
    MeasurementTests,
    SuspectMeasurement,
    global_test,
    measurement_tests,
    serial_elimination,
)
from nafolo.reconciliation.linear import (
    LinearReconciliation,
    ReconciliationError,
    WlsSolution,
    reconcile,
    solve_wls,
)
from nafolo.reconciliation.observability import StreamClass
from nafolo.reconciliation.projection import Projection, project_out_unmeasured

__all__ = [
    "AssayedStream",
    "ComponentFlowsheet",
    "ComponentReconciliation",
    "Flowsheet",
    "FlowsheetError",
    "GlobalTest",
    "GrossErrorSearch",
    "LinearReconciliation",
    "MeasurementTests",
    "Node",
    "NodeKind",
    "Projection",
    "ReconciliationError",
    "Stream",
    "StreamClass",
    "SuspectMeasurement",
    "WlsSolution",
    "global_test",
    "measurement_tests",
    "project_out_unmeasured",
    "reconcile",
    "reconcile_components",
    "serial_elimination",
    "solve_wls",
]
