"""Component (metal) reconciliation: masses and assays together, bilinear balances kept whole.

Each balanced node must balance total mass, Σ ±mᵢ = 0, and metal, Σ ±mᵢ·cᵢ = 0 (c: assay as a
mass fraction or any content per unit mass). Measured masses and assays are adjusted by weighted
least squares subject to both. The metal balance is solved by successive linearisation: at the
current point (m⁰, c⁰) the exact Jacobian gives A(c⁰∘m + m⁰∘c) = A(m⁰∘c⁰); the linear problem
is solved (unmeasured variables projected out) and relinearised until the step and the balance
residuals vanish. At the fixed point the first-order conditions of the nonlinear problem hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from nafolo.reconciliation.flowsheet import (
    Flowsheet,
    FlowsheetError,
    Node,
    Stream,
    check_measurement,
)
from nafolo.reconciliation.linear import ReconciliationError, WlsSolution, reconcile, solve_wls


@dataclass(frozen=True, slots=True)
class AssayedStream:
    """A stream whose mass and assay may each be measured (None: unmeasured)."""

    name: str
    source: str
    target: str
    mass: float | None = None
    mass_sd: float | None = None
    assay: float | None = None
    assay_sd: float | None = None


@dataclass(frozen=True)
class ComponentFlowsheet:
    """Nodes and assayed streams; the mass balances are those of the underlying ``Flowsheet``."""

    nodes: tuple[Node, ...]
    streams: tuple[AssayedStream, ...]
    mass_flowsheet: Flowsheet = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for s in self.streams:
            check_measurement(f"stream {s.name!r}", "assay", s.assay, s.assay_sd)
        mass_streams = tuple(
            Stream(s.name, s.source, s.target, s.mass, s.mass_sd) for s in self.streams
        )
        object.__setattr__(self, "mass_flowsheet", Flowsheet(self.nodes, mass_streams))


@dataclass(frozen=True)
class ComponentReconciliation:
    """Reconciled masses, assays and metal per stream, with the final linearisation's tests."""

    stream_names: tuple[str, ...]
    mass: np.ndarray
    assay: np.ndarray
    mass_sd: np.ndarray
    assay_sd: np.ndarray
    iterations: int
    mass_balance_residual: float
    metal_balance_residual: float
    solution: WlsSolution = field(repr=False)

    @property
    def metal(self) -> np.ndarray:
        metal: np.ndarray = self.mass * self.assay
        return metal

    @property
    def chi_square(self) -> float:
        """Weighted sum of squared adjustments at the optimum (≈ χ² with the final dof)."""
        return self.solution.chi_square


def reconcile_components(
    flowsheet: ComponentFlowsheet, *, tolerance: float = 1e-11, max_iterations: int = 50
) -> ComponentReconciliation:
    """Reconcile masses and assays subject to mass and metal balances."""
    streams = flowsheet.streams
    n = len(streams)
    a = flowsheet.mass_flowsheet.incidence
    y = np.array(
        [_or_nan(s.mass) for s in streams] + [_or_nan(s.assay) for s in streams], dtype=float
    )
    sd = np.array(
        [_or_nan(s.mass_sd) for s in streams] + [_or_nan(s.assay_sd) for s in streams], dtype=float
    )
    measured = ~np.isnan(y)
    z = _starting_point(flowsheet, y, measured)
    scale = max(1.0, float(np.max(np.abs(z))))

    solution: WlsSolution | None = None
    iterations = 0
    while iterations < max_iterations:
        iterations += 1
        m, c = z[:n], z[n:]
        jac = sp.bmat([[a, None], [a @ sp.diags(c), a @ sp.diags(m)]], format="csr")
        rhs = np.concatenate([np.zeros(a.shape[0]), a @ (m * c)])
        solution = solve_wls(jac, rhs, y, sd, measured)
        z_new = solution.estimate
        if np.any(np.isnan(z_new)):
            names = [_variable_name(streams, i) for i in np.flatnonzero(np.isnan(z_new)).tolist()]
            raise ReconciliationError(f"unobservable variable(s): {', '.join(names)}")
        step = float(np.max(np.abs(z_new - z)))
        z = z_new
        mass_res, metal_res = _residuals(a, z[:n], z[n:])
        if step <= tolerance * scale and max(mass_res, metal_res) <= tolerance * scale:
            break
    else:
        raise ReconciliationError(
            f"metal balance did not converge in {max_iterations} iterations "
            f"(last step {step:.3g}, residuals {mass_res:.3g} / {metal_res:.3g})"
        )
    assert solution is not None
    return ComponentReconciliation(
        stream_names=tuple(s.name for s in streams),
        mass=z[:n],
        assay=z[n:],
        mass_sd=solution.estimate_sd[:n],
        assay_sd=solution.estimate_sd[n:],
        iterations=iterations,
        mass_balance_residual=mass_res,
        metal_balance_residual=metal_res,
        solution=solution,
    )


def _or_nan(value: float | None) -> float:
    return math.nan if value is None else value


def _variable_name(streams: tuple[AssayedStream, ...], index: int) -> str:
    n = len(streams)
    return f"{streams[index % n].name}.{'mass' if index < n else 'assay'}"


def _residuals(a: sp.csr_matrix, m: np.ndarray, c: np.ndarray) -> tuple[float, float]:
    if a.shape[0] == 0:
        return 0.0, 0.0
    return float(np.max(np.abs(a @ m))), float(np.max(np.abs(a @ (m * c))))


def _starting_point(
    flowsheet: ComponentFlowsheet, y: np.ndarray, measured: np.ndarray
) -> np.ndarray:
    """Measured values; unmeasured masses from the mass balance; unmeasured assays from the
    mass-weighted mean of the measured ones."""
    n = len(flowsheet.streams)
    z = y.copy()
    mass = reconcile(flowsheet.mass_flowsheet).reconciled
    missing_mass = ~measured[:n]
    if np.any(np.isnan(mass[missing_mass])):
        bad = [s.name for s, v in zip(flowsheet.streams, mass, strict=True) if math.isnan(v)]
        raise ReconciliationError(f"unobservable mass of stream(s): {', '.join(bad)}")
    z[:n][missing_mass] = mass[missing_mass]
    assay_measured = measured[n:]
    if not assay_measured.any():
        raise FlowsheetError("no assay is measured: the metal balance has nothing to reconcile")
    weights = np.abs(z[:n][assay_measured])
    mean_assay = float(np.average(y[n:][assay_measured], weights=weights + 1e-300))
    z[n:][~assay_measured] = mean_assay
    return z
