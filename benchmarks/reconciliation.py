"""Reconciliation engine benchmark: sparse engine against a dense numpy implementation of the same
maths (projection of unmeasured streams, x̂, Cov(x̂) diagonal, global and measurement tests), on the
same synthetic flowsheet in the same run.

    .venv/bin/python -m benchmarks.reconciliation [--streams 10000] [--seed 7]

The flowsheet looks like a supply network: one balanced node per two streams, each fed from a
nearby upstream node, with outlets to the environment and cross-links between neighbours; 5 % of
streams are unmeasured and one redundant measurement that the balances see well (adjustment
sd ≥ 0.7 σ) carries a 10 σ gross error. Prints one table
with PASS/FAIL per target.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from rich.console import Console
from rich.table import Table
from scipy import stats

from nafolo.reconciliation import (
    Flowsheet,
    GlobalTest,
    LinearReconciliation,
    MeasurementTests,
    Node,
    NodeKind,
    Stream,
    StreamClass,
    global_test,
    measurement_tests,
    reconcile,
    serial_elimination,
)

SPARSE_TARGET_S = 1.0
SPEEDUP_TARGET = 10.0
UNMEASURED_SHARE = 0.05
ALPHA = 0.05
RUNS = 5
DETECTABILITY = 0.7
T = TypeVar("T")


@dataclass(frozen=True)
class Case:
    flowsheet: Flowsheet
    bad_stream: str


def synthetic_case(n_streams: int, seed: int) -> Case:
    rng = np.random.default_rng(seed)
    n_nodes = n_streams // 2
    env = n_nodes
    src: list[int] = [env]
    dst: list[int] = [0]
    for i in range(1, n_nodes):
        src.append(int(rng.integers(max(0, i - 20), i)))
        dst.append(i)
    for i in range(0, n_nodes, 5):
        src.append(i)
        dst.append(env)
    while len(src) < n_streams:
        i = int(rng.integers(0, n_nodes - 1))
        j = min(n_nodes - 1, i + int(rng.integers(1, 21)))
        src.append(i)
        dst.append(j)
    src_a, dst_a = np.array(src), np.array(dst)
    cols = np.arange(n_streams)
    keep_in, keep_out = dst_a != env, src_a != env
    a = sp.csr_matrix(
        (np.r_[np.ones(keep_in.sum()), -np.ones(keep_out.sum())],
         (np.r_[dst_a[keep_in], src_a[keep_out]], np.r_[cols[keep_in], cols[keep_out]])),
        shape=(n_nodes, n_streams),
    )  # fmt: skip
    x0 = rng.uniform(50.0, 500.0, n_streams)
    lu = spla.splu(sp.csc_matrix(a @ a.T))
    truth = x0 - a.T @ lu.solve(a @ x0)
    sd = rng.uniform(0.5, 3.0, n_streams)
    measured_values = truth + rng.normal(0.0, sd)
    unmeasured = rng.uniform(size=n_streams) < UNMEASURED_SHARE
    names = ["env" if i == env else f"N{i}" for i in range(n_nodes + 1)]
    nodes = tuple(Node(nm, NodeKind.ENVIRONMENT if i == env else NodeKind.TANK)
                  for i, nm in enumerate(names))  # fmt: skip
    clean = Flowsheet(nodes, _streams(names, src_a, dst_a, measured_values, sd, unmeasured))
    solution = reconcile(clean).solution
    detectability = solution.adjustment_sd / sd
    bad = next(
        j
        for j in range(n_streams // 2, n_streams)
        if solution.classes[j] is StreamClass.REDUNDANT and detectability[j] >= DETECTABILITY
    )
    measured_values[bad] += 10.0 * sd[bad]
    fs = Flowsheet(nodes, _streams(names, src_a, dst_a, measured_values, sd, unmeasured))
    return Case(fs, f"S{bad}")


def _streams(names: list[str], src: np.ndarray, dst: np.ndarray, values: np.ndarray,
             sd: np.ndarray, unmeasured: np.ndarray) -> tuple[Stream, ...]:  # fmt: skip
    return tuple(
        Stream(f"S{j}", names[s], names[d], None if unmeasured[j] else float(values[j]),
               None if unmeasured[j] else float(sd[j]))
        for j, (s, d) in enumerate(zip(src.tolist(), dst.tolist(), strict=True))
    )  # fmt: skip


@dataclass(frozen=True)
class DenseResult:
    reconciled_measured: np.ndarray
    reconciled_sd: np.ndarray
    chi_square: float
    normalised_adjustment: np.ndarray


def dense_reconcile(fs: Flowsheet) -> DenseResult:
    """The same maths with dense numpy: null-space projection, dense solves, full covariance."""
    a = fs.incidence.toarray()
    measured = fs.measured_mask
    y = fs.measured_values[measured]
    v = fs.standard_deviations[measured] ** 2
    a_m, a_u = a[:, measured], a[:, ~measured]
    q, r_u, _ = scipy.linalg.qr(a_u, mode="full", pivoting=True)
    rank = int(np.sum(np.abs(np.diag(r_u)) > 1e-9))
    b = q[:, rank:].T @ a_m
    s = (b * v) @ b.T
    r = b @ y
    x_hat = y - v * (b.T @ np.linalg.solve(s, r))
    cov = np.diag(v) - (b * v).T @ np.linalg.solve(s, b * v)
    adj_sd = np.sqrt(np.clip(v - np.diag(cov), 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.abs(y - x_hat) / adj_sd
    z[adj_sd < 1e-9] = np.nan
    chi_square = float(r @ np.linalg.solve(s, r))
    stats.chi2.sf(chi_square, b.shape[0])
    return DenseResult(x_hat, np.sqrt(np.clip(np.diag(cov), 0.0, None)), chi_square, z)


def _timed(fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--streams", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    console = Console()

    case = synthetic_case(args.streams, args.seed)
    fs = case.flowsheet

    def sparse_with_tests() -> tuple[LinearReconciliation, GlobalTest, MeasurementTests]:
        result = reconcile(fs)
        return (
            result,
            global_test(result.solution, ALPHA),
            measurement_tests(result.solution, ALPHA),
        )

    _, build_s = _timed(lambda: Flowsheet(fs.nodes, fs.streams))
    sparse_runs = sorted(_timed(sparse_with_tests)[1] for _ in range(RUNS))
    sparse_s = sparse_runs[0]
    (result, g, _tests), _ = _timed(sparse_with_tests)
    search, search_s = _timed(lambda: serial_elimination(fs, alpha=ALPHA))
    dense, dense_s = _timed(lambda: dense_reconcile(fs))

    sol = result.solution
    measured = result.measured
    agree = float(np.max(np.abs(sol.estimate[measured] - dense.reconciled_measured)))
    agree_sd = float(np.max(np.abs(sol.estimate_sd[measured] - dense.reconciled_sd)))
    z_sparse = sol.normalised_adjustment[measured]
    agree_z = float(np.nanmax(np.abs(z_sparse - dense.normalised_adjustment)))
    found = [s.stream for s in search.suspects]
    speedup = dense_s / sparse_s
    n_unmeasured = int((~fs.measured_mask).sum())

    table = Table(
        title=f"Reconciliation, {args.streams} streams ({n_unmeasured} unmeasured, "
        f"{len(fs.balance_nodes)} balances)"
    )
    for col in ("measure", "value", "target", "result"):
        table.add_column(col)

    def row(name: str, value: str, target: str = "", ok: bool | None = None) -> None:
        verdict = "" if ok is None else ("[green]PASS[/]" if ok else "[red]FAIL[/]")
        table.add_row(name, value, target, verdict)

    row("flowsheet build + validation", f"{build_s * 1e3:.0f} ms")
    row("sparse: reconcile + global + measurement tests, best",
        f"{sparse_s * 1e3:.0f} ms (median {sparse_runs[RUNS // 2] * 1e3:.0f})",
        f"< {SPARSE_TARGET_S:.0f} s", sparse_s < SPARSE_TARGET_S)  # fmt: skip
    row("sparse: serial elimination, whole search", f"{search_s * 1e3:.0f} ms",
        f"< {SPARSE_TARGET_S:.0f} s", search_s < SPARSE_TARGET_S)  # fmt: skip
    row("dense numpy: same maths", f"{dense_s * 1e3:.0f} ms")
    row("speed-up dense / sparse", f"{speedup:.1f}x", f">= {SPEEDUP_TARGET:.0f}x",
        speedup >= SPEEDUP_TARGET)  # fmt: skip
    row("max |x sparse - x dense|", f"{agree:.1e}", "< 1e-6", agree < 1e-6)
    row("max |sd sparse - sd dense|", f"{agree_sd:.1e}", "< 1e-6", agree_sd < 1e-6)
    row("max |z sparse - z dense|", f"{agree_z:.1e}", "< 1e-6", agree_z < 1e-6)
    row("chi-square sparse / dense", f"{sol.chi_square:.2f} / {dense.chi_square:.2f}")
    row("global test before elimination", f"rejected={g.rejected}, dof {g.degrees_of_freedom}")
    row("largest measurement test / critical", f"{np.nanmax(_tests.normalised_adjustment):.2f} / "
        f"{_tests.critical_value:.2f}", "flags", bool(_tests.suspect.any()))  # fmt: skip
    row("gross error injected / found", f"{case.bad_stream} / {', '.join(found) or '-'}",
        "found", case.bad_stream in found)  # fmt: skip
    row("balance residual", f"{result.balance_residual:.1e}", "<= 1e-9",
        result.balance_residual <= 1e-9)  # fmt: skip
    console.print(table)


if __name__ == "__main__":
    main()
