"""Quadratic forms in S⁻¹ for S = B V Bᵀ without forming S⁻¹: the variances of the adjustments
and of the unmeasured estimates.

Every pair of rows that share a column of B is a nonzero of S, so diag(Bᵀ S⁻¹ B) needs only the
entries of S⁻¹ on the sparsity pattern of S. After a reverse Cuthill–McKee ordering S is banded;
its Cholesky factor (LAPACK, banded storage) gives the band of S⁻¹ by the Takahashi recursion in
O(n·w²), and many right-hand sides are solved at once by banded substitution. When the band is too
wide, sparse-LU solves take over.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg.lapack
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.sparse.csgraph import reverse_cuthill_mckee

MAX_BANDWIDTH = 150
_SOLVE_BATCH = 256


@dataclass(frozen=True)
class BandedCholesky:
    """S = Rᵀ R in reverse Cuthill–McKee order, R upper triangular in LAPACK band storage."""

    order: np.ndarray
    upper_factor: np.ndarray
    bandwidth: int

    @classmethod
    def of(cls, weights: sp.spmatrix) -> BandedCholesky | None:
        """Factorise a symmetric positive definite S, or None if its band is too wide."""
        s = sp.csr_matrix(weights)
        order = reverse_cuthill_mckee(s, symmetric_mode=True)
        s = s[order][:, order]
        coo = s.tocoo()
        w = int(np.max(np.abs(coo.row - coo.col))) if coo.nnz else 0
        if w > MAX_BANDWIDTH:
            return None
        upper = np.zeros((w + 1, s.shape[0]))
        for d in range(w + 1):
            upper[w - d, d:] = s.diagonal(d)
        chol, info = scipy.linalg.lapack.dpbtrf(upper, lower=0)
        if info != 0:
            raise np.linalg.LinAlgError(f"balance weights not positive definite (dpbtrf {info})")
        return cls(np.asarray(order), chol, w)

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """S⁻¹ rhs for a matrix of right-hand sides (in the original row order)."""
        x: np.ndarray
        x, info = scipy.linalg.lapack.dpbtrs(self.upper_factor, rhs[self.order], lower=0)
        if info != 0:
            raise np.linalg.LinAlgError(f"banded solve failed (dpbtrs {info})")
        out = np.empty_like(x)
        out[self.order] = x
        return out

    def inverse_band(self) -> sp.csr_matrix:
        """Entries of S⁻¹ with |i − j| ≤ bandwidth, in reverse Cuthill–McKee order."""
        chol, w = self.upper_factor, self.bandwidth
        m = chol.shape[1]
        padded = np.pad(chol, ((0, 0), (0, w)))
        cols = np.arange(m)
        r_off = np.column_stack([padded[w - d, cols + d] for d in range(1, w + 1)]) if w else None
        r_diag = chol[w]
        z_band = np.zeros((m, w + 1))
        window = np.zeros((w + 1, w + 1))
        for j in range(m - 1, -1, -1):
            rjj = r_diag[j]
            if r_off is not None:
                rr = r_off[j]
                top = window[:w, :w].copy()
                row = -(rr @ top) / rjj
                zjj = (1.0 / rjj - rr @ row) / rjj
                window[1:, 1:] = top
                window[0, 1:] = row
                window[1:, 0] = row
                z_band[j, 1:] = row
            else:
                zjj = 1.0 / (rjj * rjj)
            window[0, 0] = zjj
            z_band[j, 0] = zjj
        diagonals = [z_band[:, 0], *(z_band[: m - d, d] for d in range(1, w + 1))]
        upper_band = sp.diags(diagonals, list(range(w + 1)), shape=(m, m), format="csr")
        return sp.csr_matrix(upper_band + sp.triu(upper_band, k=1).T)


def solve_many(rhs: np.ndarray, banded: BandedCholesky | None, factor: spla.SuperLU) -> np.ndarray:
    """S⁻¹ rhs by banded substitution when available, else by sparse LU in batches."""
    if banded is not None:
        return banded.solve(rhs)
    out = np.empty_like(rhs)
    for start in range(0, rhs.shape[1], _SOLVE_BATCH):
        out[:, start : start + _SOLVE_BATCH] = factor.solve(rhs[:, start : start + _SOLVE_BATCH])
    return out


def adjustment_quadratic_form(
    reduced: sp.csr_matrix, banded: BandedCholesky | None, factor: spla.SuperLU
) -> np.ndarray:
    """diag(Bᵀ S⁻¹ B) for S = B V Bᵀ."""
    if banded is not None:
        b = sp.csr_matrix(reduced)[banded.order]
        return np.asarray((banded.inverse_band() @ b).multiply(b).sum(axis=0)).ravel()
    bc = sp.csc_matrix(reduced)
    out = np.empty(bc.shape[1])
    for start in range(0, bc.shape[1], _SOLVE_BATCH):
        block = bc[:, start : start + _SOLVE_BATCH].toarray()
        out[start : start + block.shape[1]] = np.einsum("ij,ij->j", block, factor.solve(block))
    return out
