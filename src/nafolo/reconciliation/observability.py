"""Which streams the balances can tell us about.

A measured stream is *redundant* when the balances would still determine it were its meter
removed: only then can reconciliation adjust it and a test judge it. An unmeasured stream is
*observable* when the balances and the measurements determine it uniquely.
"""

from __future__ import annotations

from collections import deque
from enum import StrEnum

import numpy as np
import scipy.sparse as sp

_RANK_TOL = 1e-9


class StreamClass(StrEnum):
    REDUNDANT = "redundant"
    NON_REDUNDANT = "non_redundant"
    OBSERVABLE = "observable"
    UNOBSERVABLE = "unobservable"


def redundant_measurements(reduced: sp.csr_matrix) -> np.ndarray:
    """A measured variable is redundant iff its column of the projected constraints is nonzero."""
    counts = np.diff(sp.csc_matrix(reduced).indptr)
    return np.asarray(counts > 0)


def solve_unmeasured(
    unmeasured_block: sp.spmatrix, rhs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Solve A_u u = rhs for the determinable part of u; return (values, observable mask).

    ``rhs`` may have several columns (one solve each, sharing the work); values then have the
    same columns, NaN rows for unobservable variables.

    Balances that hold a single unknown are solved first and substituted (a tree of unmeasured
    streams resolves entirely this way); what remains — unmeasured streams in loops — is small
    and settled by a dense minimum-norm solve, whose null space marks the unobservable ones.
    """
    a = sp.csr_matrix(unmeasured_block)
    _n_rows, n_unknowns = a.shape
    residual = np.array(rhs, dtype=float)
    values = np.full((n_unknowns, *residual.shape[1:]), np.nan)
    solved = np.zeros(n_unknowns, dtype=bool)
    at = sp.csr_matrix(a.T)
    remaining = np.diff(a.indptr).astype(np.int64)
    queue = deque(np.flatnonzero(remaining == 1).tolist())
    while queue:
        i = queue.popleft()
        if remaining[i] != 1:
            continue
        cols = a.indices[a.indptr[i] : a.indptr[i + 1]]
        vals = a.data[a.indptr[i] : a.indptr[i + 1]]
        free = ~solved[cols]
        j, coef = int(cols[free][0]), float(vals[free][0])
        values[j] = residual[i] / coef
        solved[j] = True
        for k, akj in zip(
            at.indices[at.indptr[j] : at.indptr[j + 1]],
            at.data[at.indptr[j] : at.indptr[j + 1]],
            strict=True,
        ):
            residual[k] -= akj * values[j]
            remaining[k] -= 1
            if remaining[k] == 1:
                queue.append(int(k))

    left = np.flatnonzero(~solved)
    if left.size:
        row_sel = np.flatnonzero(remaining > 0)
        block = a[row_sel][:, left].toarray()
        sol, *_ = np.linalg.lstsq(block, residual[row_sel], rcond=None)
        _, sing, vt = np.linalg.svd(block)
        rank = int(np.sum(sing > _RANK_TOL * max(1.0, sing[0] if sing.size else 0.0)))
        null = vt[rank:]
        determined = np.all(np.abs(null) < 1e-8, axis=0) if null.size else np.ones(left.size, bool)
        values[left[determined]] = sol[determined]
        solved[left[determined]] = True
    return values, solved
