"""Properties of linear reconciliation on random flowsheets."""

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nafolo.reconciliation import (
    Flowsheet,
    Node,
    NodeKind,
    Stream,
    StreamClass,
    reconcile,
    serial_elimination,
)

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)


@st.composite
def networks(draw: st.DrawFn) -> tuple[list[tuple[int, int]], int]:
    """Edges between balanced nodes 0..k−1 and the environment (node k), every node reachable."""
    k = draw(st.integers(2, 8))
    env = k
    edges = [(env, 0)]
    for i in range(1, k):
        edges.append((draw(st.integers(0, i - 1)), i))
    for i in range(k):
        edges.append((i, env))
    extra = draw(st.lists(st.tuples(st.integers(0, k), st.integers(0, k)), max_size=2 * k))
    edges += [(a, b) for a, b in extra if a != b]
    return edges, k


def build(edges: list[tuple[int, int]], k: int, values: np.ndarray, sds: np.ndarray,
          measured: np.ndarray) -> Flowsheet:  # fmt: skip
    nodes = (*tuple(Node(f"n{i}") for i in range(k)), Node("env", NodeKind.ENVIRONMENT))
    name = lambda i: "env" if i == k else f"n{i}"  # noqa: E731
    streams = tuple(
        Stream(f"s{j}", name(a), name(b), float(values[j]) if measured[j] else None,
               float(sds[j]) if measured[j] else None)
        for j, (a, b) in enumerate(edges)
    )  # fmt: skip
    return Flowsheet(nodes, streams)


def consistent_flows(fs: Flowsheet, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = fs.incidence.toarray()
    x = rng.uniform(10.0, 100.0, a.shape[1])
    return x - a.T @ np.linalg.solve(a @ a.T, a @ x)


@given(networks(), st.integers(0, 2**32 - 1))
@SETTINGS
def test_consistent_data_are_left_unchanged(
    net: tuple[list[tuple[int, int]], int], seed: int
) -> None:
    edges, k = net
    n = len(edges)
    rng = np.random.default_rng(seed)
    skeleton = build(edges, k, np.zeros(n), np.ones(n), np.ones(n, bool))
    truth = consistent_flows(skeleton, seed)
    fs = build(edges, k, truth, rng.uniform(0.5, 3.0, n), np.ones(n, bool))
    result = reconcile(fs)
    np.testing.assert_allclose(result.reconciled, truth, rtol=0, atol=1e-9)
    assert result.solution.chi_square < 1e-12


@given(networks(), st.integers(0, 2**32 - 1))
@SETTINGS
def test_reconciled_values_close_the_balances(
    net: tuple[list[tuple[int, int]], int], seed: int
) -> None:
    edges, k = net
    n = len(edges)
    rng = np.random.default_rng(seed)
    measured = rng.uniform(size=n) < 0.8
    fs = build(edges, k, rng.uniform(10, 100, n), rng.uniform(0.5, 3.0, n), measured)
    result = reconcile(fs)
    assert result.balance_residual <= 1e-9


@given(networks(), st.integers(0, 2**32 - 1))
@SETTINGS
def test_covariance_is_psd_and_below_the_measured_variances(
    net: tuple[list[tuple[int, int]], int], seed: int
) -> None:
    edges, k = net
    n = len(edges)
    rng = np.random.default_rng(seed)
    sds = rng.uniform(0.5, 3.0, n)
    fs = build(edges, k, rng.uniform(10, 100, n), sds, np.ones(n, bool))
    result = reconcile(fs)
    cov = result.solution.measured_covariance()
    assert np.linalg.eigvalsh((cov + cov.T) / 2).min() >= -1e-9
    assert np.all(np.diag(cov) <= sds**2 + 1e-12)
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), result.solution.estimate_sd, atol=1e-9)


@given(networks(), st.integers(0, 2**32 - 1), st.data())
@SETTINGS
def test_a_ten_sigma_error_is_found_by_serial_elimination(
    net: tuple[list[tuple[int, int]], int], seed: int, data: st.DataObject
) -> None:
    edges, k = net
    n = len(edges)
    rng = np.random.default_rng(seed)
    sds = rng.uniform(0.5, 3.0, n)
    skeleton = build(edges, k, np.zeros(n), sds, np.ones(n, bool))
    truth = consistent_flows(skeleton, seed)
    clean = reconcile(build(edges, k, truth, sds, np.ones(n, bool)))
    redundant = [j for j in range(n) if clean.solution.classes[j] is StreamClass.REDUNDANT]
    assume(redundant)
    bad = data.draw(st.sampled_from(redundant))
    # A 10 σ error only stands out where the balances see most of it (detectability ≥ 0.5).
    assume(clean.solution.adjustment_sd[bad] / sds[bad] >= np.sqrt(0.5))
    values = truth.copy()
    values[bad] += 10.0 * sds[bad]
    search = serial_elimination(build(edges, k, values, sds, np.ones(n, bool)))
    first = search.suspects[0].stream
    # Measurements whose balance columns are parallel are indistinguishable by any test.
    b = clean.solution.projected_balances.toarray() * sds
    cosine = abs(b[:, int(first[1:])] @ b[:, bad]) / (
        np.linalg.norm(b[:, int(first[1:])]) * np.linalg.norm(b[:, bad])
    )
    assert first == f"s{bad}" or cosine > 1 - 1e-9
    if first == f"s{bad}":
        assert abs(search.suspects[0].estimated_error - 10.0 * sds[bad]) < 1e-6
    assert not search.global_test.rejected


@given(networks(), st.integers(0, 2**32 - 1))
@SETTINGS
def test_unmeasured_sd_matches_dense_propagation(
    net: tuple[list[tuple[int, int]], int], seed: int
) -> None:
    edges, k = net
    n = len(edges)
    rng = np.random.default_rng(seed)
    measured = rng.uniform(size=n) < 0.7
    assume(measured.any() and not measured.all())
    fs = build(edges, k, rng.uniform(10, 100, n), rng.uniform(0.5, 3.0, n), measured)
    solution = reconcile(fs).solution
    a = fs.incidence.toarray()
    gradient = -np.linalg.pinv(a[:, ~measured]) @ a[:, measured]
    expected = np.sqrt(
        np.clip(np.diag(gradient @ solution.measured_covariance() @ gradient.T), 0, None)
    )
    observable = np.array([c is StreamClass.OBSERVABLE for c in solution.classes])[~measured]
    got = solution.estimate_sd[~measured]
    np.testing.assert_allclose(got[observable], expected[observable], rtol=1e-7, atol=1e-9)
    assert np.all(np.isnan(got[~observable]))
