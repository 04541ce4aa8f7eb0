import numpy as np
import pytest
from scipy.optimize import minimize

from nafolo.reconciliation import (
    AssayedStream,
    ComponentFlowsheet,
    FlowsheetError,
    Node,
    NodeKind,
    reconcile_components,
)

ENV = NodeKind.ENVIRONMENT
NODES = (Node("in", ENV), Node("out", ENV), Node("melting"), Node("chlorination"))
STREAMS = (
    AssayedStream("dore", "in", "melting", 100.0, 0.05, 0.900, 0.002),
    AssayedStream("melt", "melting", "chlorination", 99.5, 0.05, 0.905, 0.002),
    AssayedStream("slag", "melting", "out", 0.8, 0.02, 0.020, 0.002),
    AssayedStream("bars", "chlorination", "out", 89.9, 0.02, 0.995, 0.0005),
    AssayedStream("chloride", "chlorination", "out", 9.0, 0.05, 0.015, 0.003),
)


def test_mass_and_metal_balances_close() -> None:
    result = reconcile_components(ComponentFlowsheet(NODES, STREAMS))
    m, metal = result.mass, result.metal
    assert abs(m[0] - m[1] - m[2]) < 1e-9
    assert abs(m[1] - m[3] - m[4]) < 1e-9
    assert abs(metal[0] - metal[1] - metal[2]) < 1e-9
    assert abs(metal[1] - metal[3] - metal[4]) < 1e-9


def test_solution_is_the_constrained_least_squares_optimum() -> None:
    y = np.array([s.mass for s in STREAMS] + [s.assay for s in STREAMS], dtype=float)
    sd = np.array([s.mass_sd for s in STREAMS] + [s.assay_sd for s in STREAMS], dtype=float)

    def balances(z: np.ndarray) -> np.ndarray:
        m, c = z[:5], z[5:]
        mc = m * c
        return np.array([m[0] - m[1] - m[2], m[1] - m[3] - m[4],
                         mc[0] - mc[1] - mc[2], mc[1] - mc[3] - mc[4]])  # fmt: skip

    reference = minimize(
        lambda z: float(np.sum(((z - y) / sd) ** 2)),
        y,
        constraints=[{"type": "eq", "fun": balances}],
        method="SLSQP",
        options={"ftol": 1e-15, "maxiter": 500},
    )
    result = reconcile_components(ComponentFlowsheet(NODES, STREAMS))
    assert np.concatenate([result.mass, result.assay]) == pytest.approx(reference.x, rel=1e-6)
    assert result.chi_square == pytest.approx(reference.fun, rel=1e-6)


def test_unmeasured_assay_is_estimated_from_the_metal_balance() -> None:
    streams = list(STREAMS)
    streams[4] = AssayedStream("chloride", "chlorination", "out", 9.0, 0.05)
    result = reconcile_components(ComponentFlowsheet(NODES, tuple(streams)))
    metal = result.metal
    assert metal[4] == pytest.approx(metal[1] - metal[3], abs=1e-9)


def test_assay_without_standard_deviation_is_refused() -> None:
    bad = (AssayedStream("dore", "in", "melting", 1.0, 0.1, 0.9), *STREAMS[1:])
    with pytest.raises(FlowsheetError, match=r"stream 'dore': assay is measured"):
        ComponentFlowsheet(NODES, bad)
