import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp

from nafolo.reconciliation import (
    Flowsheet,
    Node,
    NodeKind,
    Stream,
    measurement_tests,
    project_out_unmeasured,
    reconcile,
    solve_wls,
)
from nafolo.reconciliation import variance as variance_module

ENV = NodeKind.ENVIRONMENT


def test_engine_imports_without_database_or_other_nafolo_packages() -> None:
    code = (
        "import sys, nafolo.reconciliation; "
        "bad = [m for m in sys.modules if m.startswith(('sqlalchemy', 'pandas', 'pydantic')) "
        "or (m.startswith('nafolo.') and not m.startswith('nafolo.reconciliation'))]; "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_projection_annihilates_the_unmeasured_columns() -> None:
    a = sp.csr_matrix(
        np.array([[1.0, -1.0, -1.0, 0.0], [0.0, 1.0, 0.0, -1.0], [0.0, 0.0, 1.0, 1.0]])
    )
    measured = np.array([True, False, True, True])
    projection = project_out_unmeasured(a, measured)
    assert np.allclose((projection.projector @ a)[:, ~measured].toarray(), 0.0)
    assert np.allclose(
        projection.reduced.toarray(), (projection.projector @ a)[:, measured].toarray()
    )


def test_balance_with_known_rhs_is_honoured() -> None:
    a = sp.csr_matrix(np.array([[1.0, -1.0]]))
    result = solve_wls(a, np.array([2.0]), np.array([10.0, 10.0]), np.ones(2), np.ones(2, bool))
    assert result.estimate.tolist() == pytest.approx([11.0, 9.0])


def test_banded_and_solve_routes_give_the_same_variances(monkeypatch: pytest.MonkeyPatch) -> None:
    nodes = (*tuple(Node(f"n{i}") for i in range(6)), Node("x", ENV))
    streams = [Stream("feed", "x", "n0", 100.0, 2.0)]
    streams += [Stream(f"s{i}", f"n{i}", f"n{i + 1}", 100.0 + i, 1.0 + 0.1 * i) for i in range(5)]
    streams += [Stream("skip", "n1", "n4", 3.0, 0.5), Stream("out", "n5", "x", 97.0, 1.5)]
    fs = Flowsheet(nodes, tuple(streams))
    banded = reconcile(fs).solution.adjustment_sd
    monkeypatch.setattr(variance_module, "MAX_BANDWIDTH", -1)
    by_solves = reconcile(fs).solution.adjustment_sd
    assert banded == pytest.approx(by_solves, rel=1e-12)


def test_measurement_test_threshold_is_sidak_corrected() -> None:
    nodes = (Node("x", ENV), Node("a"), Node("b"))
    streams = (Stream("1", "x", "a", 10.0, 1.0), Stream("2", "a", "b", 10.0, 1.0),
               Stream("3", "b", "x", 10.0, 1.0))  # fmt: skip
    tests = measurement_tests(reconcile(Flowsheet(nodes, streams)).solution, alpha=0.05)
    assert tests.critical_value == pytest.approx(2.38779, abs=1e-4)


def test_alpha_outside_the_unit_interval_is_refused() -> None:
    nodes = (Node("x", ENV), Node("a"))
    streams = (Stream("1", "x", "a", 10.0, 1.0), Stream("2", "a", "x", 10.0, 1.0))
    with pytest.raises(ValueError, match="alpha"):
        measurement_tests(reconcile(Flowsheet(nodes, streams)).solution, alpha=1.5)


def test_array_level_negative_standard_deviation_is_refused_by_index() -> None:
    a = sp.csr_matrix(np.array([[1.0, -1.0]]))
    with pytest.raises(ValueError, match=r"standard_deviations\[1\] must be positive"):
        solve_wls(a, np.zeros(1), np.array([1.0, 1.0]), np.array([1.0, -2.0]), np.ones(2, bool))
