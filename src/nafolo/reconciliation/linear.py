"""Linear data reconciliation: weighted least squares subject to the balances.

Minimise (y − x)ᵀ V⁻¹ (y − x) subject to A x = b. Unmeasured variables are projected out first
(P A_u = 0, B = P A_m), then with r = B y − P b and S = B V Bᵀ (sparse LU, never inverted):

    x̂ = y − V Bᵀ S⁻¹ r          Cov(x̂) = V − V Bᵀ S⁻¹ B V          rᵀ S⁻¹ r ~ χ²(rank B)

and the unmeasured variables follow from A_u û = b − A_m x̂ where they are observable.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from nafolo.reconciliation.flowsheet import Flowsheet, FlowsheetError
from nafolo.reconciliation.observability import (
    StreamClass,
    redundant_measurements,
    solve_unmeasured,
)
from nafolo.reconciliation.projection import project_out_unmeasured
from nafolo.reconciliation.variance import (
    BandedCholesky,
    adjustment_quadratic_form,
    solve_many,
)

DENSE_COVARIANCE_LIMIT = 5000


class ReconciliationError(ValueError):
    """The reconciliation problem cannot be solved as posed."""


@dataclass(frozen=True)
class WlsSolution:
    """Reconciled variables (measured and unmeasured) with their tests' raw statistics.

    Arrays run over all variables. ``estimate`` is NaN for an unobservable variable;
    ``adjustment`` (measured − reconciled), ``adjustment_sd`` and ``estimate_sd`` are NaN for
    unmeasured ones, except ``estimate_sd`` which is also given for observable unmeasured
    variables. ``chi_square`` = rᵀ S⁻¹ r with ``degrees_of_freedom`` = rank of the
    projected balances.
    """

    estimate: np.ndarray
    estimate_sd: np.ndarray
    adjustment: np.ndarray
    adjustment_sd: np.ndarray
    classes: tuple[StreamClass, ...]
    chi_square: float
    degrees_of_freedom: int
    _measured: np.ndarray = field(repr=False)
    _variance: np.ndarray = field(repr=False)
    _reduced: sp.csr_matrix = field(repr=False)
    _factor: spla.SuperLU | None = field(repr=False)

    @property
    def normalised_adjustment(self) -> np.ndarray:
        """|adjustment| / its standard deviation; NaN where a measurement is not redundant."""
        with np.errstate(divide="ignore", invalid="ignore"):
            z: np.ndarray = np.abs(self.adjustment) / self.adjustment_sd
        z[~(self.adjustment_sd > 0)] = np.nan
        return z

    @property
    def projected_balances(self) -> sp.csr_matrix:
        """B = P A_m: the balances with unmeasured variables projected out (rows × measured)."""
        return self._reduced

    def measured_covariance(self) -> np.ndarray:
        """Cov(x̂) of the measured variables, V − V Bᵀ S⁻¹ B V (dense: small flowsheets only)."""
        n = int(self._measured.sum())
        if n > DENSE_COVARIANCE_LIMIT:
            raise ReconciliationError(
                f"dense covariance of {n} measured variables refused (limit "
                f"{DENSE_COVARIANCE_LIMIT}); use estimate_sd for the diagonal"
            )
        v = self._variance
        cov = np.diag(v)
        if self._factor is not None:
            bv = (self._reduced @ sp.diags(v)).toarray()
            cov -= bv.T @ self._factor.solve(bv)
        return cov


def solve_wls(
    constraints: sp.spmatrix,
    rhs: np.ndarray,
    measured_values: np.ndarray,
    standard_deviations: np.ndarray,
    measured: np.ndarray,
) -> WlsSolution:
    """Reconcile ``measured_values`` (read where ``measured``) against ``constraints`` x = rhs."""
    a = sp.csr_matrix(constraints)
    measured = np.asarray(measured, dtype=bool)
    values = np.asarray(measured_values, dtype=float)
    sds = np.asarray(standard_deviations, dtype=float)
    b = np.asarray(rhs, dtype=float)
    _check_arrays(a, b, values, sds, measured)
    y = values[measured]
    variance = sds[measured] ** 2

    projection = project_out_unmeasured(a, measured)
    reduced = projection.reduced
    r = reduced @ y - projection.projector @ b
    n_m = y.size
    if reduced.shape[0] == 0:
        factor = None
        banded = None
        correction = np.zeros(n_m)
        chi_square = 0.0
        diag_bsb = np.zeros(n_m)
    else:
        s = sp.csc_matrix(reduced @ sp.diags(variance) @ reduced.T)
        try:
            factor = spla.splu(s, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0)
        except RuntimeError as exc:
            raise ReconciliationError(
                f"the projected balances are singular ({exc}); a balance is repeated or only "
                "unmeasured streams tie some balances together"
            ) from exc
        lam = factor.solve(r)
        correction = variance * (reduced.T @ lam)
        chi_square = float(r @ lam)
        banded = BandedCholesky.of(s)
        diag_bsb = adjustment_quadratic_form(reduced, banded, factor)

    x_hat = y - correction
    adj_var = variance**2 * diag_bsb
    est_var = np.maximum(variance - adj_var, 0.0)
    redundant = redundant_measurements(reduced)

    n = a.shape[1]
    estimate = np.full(n, np.nan)
    estimate_sd = np.full(n, np.nan)
    adjustment = np.full(n, np.nan)
    adjustment_sd = np.full(n, np.nan)
    estimate[measured] = x_hat
    estimate_sd[measured] = np.sqrt(est_var)
    adjustment[measured] = y - x_hat
    adjustment_sd[measured] = np.sqrt(np.maximum(adj_var, 0.0))

    classes = [StreamClass.UNOBSERVABLE] * n
    m_idx = np.flatnonzero(measured)
    for i, is_redundant in zip(m_idx.tolist(), redundant.tolist(), strict=True):
        classes[i] = StreamClass.REDUNDANT if is_redundant else StreamClass.NON_REDUNDANT
    u_idx = np.flatnonzero(~measured)
    if u_idx.size:
        a_m, a_u = a[:, m_idx], a[:, u_idx]
        u_values, observable = solve_unmeasured(a_u, b - a_m @ x_hat)
        estimate[u_idx] = u_values
        for i in u_idx[observable].tolist():
            classes[i] = StreamClass.OBSERVABLE
        estimate_sd[u_idx] = _unmeasured_sd(a_m, a_u, variance, reduced, factor, banded)

    return WlsSolution(
        estimate=estimate,
        estimate_sd=estimate_sd,
        adjustment=adjustment,
        adjustment_sd=adjustment_sd,
        classes=tuple(classes),
        chi_square=chi_square,
        degrees_of_freedom=int(reduced.shape[0]),
        _measured=measured,
        _variance=variance,
        _reduced=reduced,
        _factor=factor,
    )


def _check_arrays(
    a: sp.csr_matrix, b: np.ndarray, values: np.ndarray, sds: np.ndarray, measured: np.ndarray
) -> None:
    n_rows, n = a.shape
    expected = (
        ("rhs", b, n_rows),
        ("measured_values", values, n),
        ("standard_deviations", sds, n),
        ("measured", measured, n),
    )
    for name, arr, size in expected:
        if arr.shape != (size,):
            raise ReconciliationError(f"{name}: expected shape ({size},), got {arr.shape}")
    bad_value = np.flatnonzero(measured & ~np.isfinite(values))
    if bad_value.size:
        raise ReconciliationError(f"measured_values[{bad_value[0]}] is not finite")
    bad_sd = np.flatnonzero(measured & ~(np.isfinite(sds) & (sds > 0)))
    if bad_sd.size:
        i = bad_sd[0]
        raise ReconciliationError(f"standard_deviations[{i}] must be positive, got {sds[i]!r}")


def _unmeasured_sd(
    a_m: sp.csr_matrix,
    a_u: sp.csr_matrix,
    variance: np.ndarray,
    reduced: sp.csr_matrix,
    factor: spla.SuperLU | None,
    banded: BandedCholesky | None,
) -> np.ndarray:
    """sd of the unmeasured estimates û = F(b − A_m x̂): with G = ∂û/∂x̂ (rows only on the
    balances unmeasured streams touch), Var(û) = diag(G Cov(x̂) Gᵀ), Cov(x̂) = V − V Bᵀ S⁻¹ B V."""
    rows = np.flatnonzero(np.diff(sp.csr_matrix(a_u).indptr) > 0)
    a_m_rows = sp.csr_matrix(a_m[rows])
    cols = np.flatnonzero(np.diff(sp.csc_matrix(a_m_rows).indptr) > 0)
    gradient, observable = solve_unmeasured(a_u[rows], -a_m_rows[:, cols].toarray())
    gradient = np.nan_to_num(gradient, nan=0.0)
    gv = gradient * variance[cols]
    var = np.einsum("ij,ij->i", gv, gradient)
    if factor is not None and cols.size:
        w = np.asarray(reduced[:, cols] @ gv.T)
        var -= np.einsum("ij,ij->j", w, solve_many(w, banded, factor))
    sd: np.ndarray = np.sqrt(np.maximum(var, 0.0))
    sd[~observable] = np.nan
    return sd


@dataclass(frozen=True)
class LinearReconciliation:
    """Reconciled streams of a flowsheet, by stream name."""

    stream_names: tuple[str, ...]
    measured: np.ndarray
    solution: WlsSolution
    balance_residual: float

    def _index(self, stream: str) -> int:
        try:
            return self.stream_names.index(stream)
        except ValueError:
            raise FlowsheetError(f"stream {stream!r} is not in the flowsheet") from None

    def value(self, stream: str) -> float:
        """Reconciled value (NaN if the stream is unobservable)."""
        return float(self.solution.estimate[self._index(stream)])

    def sd(self, stream: str) -> float:
        """Standard deviation of the reconciled value of a measured stream."""
        return float(self.solution.estimate_sd[self._index(stream)])

    def classification(self, stream: str) -> StreamClass:
        return self.solution.classes[self._index(stream)]

    @property
    def reconciled(self) -> np.ndarray:
        return self.solution.estimate


def reconcile(flowsheet: Flowsheet, *, set_aside: Collection[str] = ()) -> LinearReconciliation:
    """Reconcile a flowsheet's flows; streams in ``set_aside`` are treated as unmeasured."""
    names = flowsheet.stream_names
    unknown = set(set_aside) - set(names)
    if unknown:
        raise FlowsheetError(f"cannot set aside unknown stream(s) {sorted(unknown)!r}")
    measured = flowsheet.measured_mask
    if set_aside:
        aside = np.isin(np.array(names, dtype=object), list(set_aside))
        measured = measured & ~aside
    a = flowsheet.incidence
    solution = solve_wls(
        a,
        np.zeros(a.shape[0]),
        flowsheet.measured_values,
        flowsheet.standard_deviations,
        measured,
    )
    x = solution.estimate
    determined = ~np.isnan(x)
    residual = a[:, determined] @ x[determined]
    touched_undetermined = np.asarray(abs(a[:, ~determined]).sum(axis=1)).ravel() > 0
    residual = residual[~touched_undetermined]
    balance_residual = float(np.max(np.abs(residual))) if residual.size else 0.0
    if not math.isfinite(balance_residual):
        raise ReconciliationError("reconciled balances are not finite")
    return LinearReconciliation(names, measured, solution, balance_residual)
