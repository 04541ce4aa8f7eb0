"""Elimination of unmeasured variables from linear constraints (Crowe's projection).

For constraints A_m x_m + A_u u = b, find P with P A_u = 0: the reduced constraints
P A_m x_m = P b involve measured variables only. P is built by sparse Gaussian elimination of the
unmeasured columns (each pivot merges the balances sharing an unmeasured stream, as lumping nodes
does on a flowsheet), so it stays sparse. If A has full row rank, so has P A_m.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

_DROP = 1e-12


@dataclass(frozen=True)
class Projection:
    """``reduced`` = P A_m (rows × measured columns); ``projector`` = P (rows × constraints)."""

    reduced: sp.csr_matrix
    projector: sp.csr_matrix


def project_out_unmeasured(constraints: sp.spmatrix, measured: np.ndarray) -> Projection:
    """Project the constraint matrix onto the space where unmeasured columns vanish."""
    a = sp.csr_matrix(constraints)
    n_rows, _ = a.shape
    measured_cols = np.flatnonzero(measured)
    unmeasured_cols = np.flatnonzero(~measured)
    if unmeasured_cols.size == 0:
        return Projection(a[:, measured_cols].tocsr(), sp.identity(n_rows, format="csr"))

    unmeasured_per_row = np.diff(sp.csr_matrix(a[:, unmeasured_cols]).indptr)
    touched = np.flatnonzero(unmeasured_per_row > 0)
    untouched = np.flatnonzero(unmeasured_per_row == 0)
    rows: dict[int, dict[int, float]] = {
        i: dict(zip(a.indices[a.indptr[i] : a.indptr[i + 1]].tolist(),
                    a.data[a.indptr[i] : a.indptr[i + 1]].tolist(), strict=True))
        for i in touched.tolist()
    }  # fmt: skip
    combos: dict[int, dict[int, float]] = {i: {i: 1.0} for i in rows}
    unmeasured_set = set(unmeasured_cols.tolist())
    rows_of: dict[int, set[int]] = {j: set() for j in unmeasured_set}
    for i, row in rows.items():
        for j in row:
            if j in unmeasured_set:
                rows_of[j].add(i)

    for j in sorted(unmeasured_set, key=lambda col: len(rows_of[col])):
        holders = rows_of[j]
        if not holders:
            continue
        pivot = min(holders, key=lambda i: len(rows[i]))
        pivot_row, pivot_combo = rows.pop(pivot), combos.pop(pivot)
        pivot_value = pivot_row[j]
        for k in list(holders - {pivot}):
            factor = rows[k][j] / pivot_value
            _axpy(rows[k], -factor, pivot_row, unmeasured_set, rows_of, k)
            _axpy(combos[k], -factor, pivot_combo, None, None, k)
        for col in pivot_row:
            if col in unmeasured_set:
                rows_of[col].discard(pivot)

    kept = [i for i, row in rows.items() if row]
    position = np.full(a.shape[1], -1, dtype=np.int64)
    position[measured_cols] = np.arange(measured_cols.size)
    reduced = sp.vstack(
        [
            a[untouched][:, measured_cols],
            _to_csr([rows[i] for i in kept], position, measured_cols.size),
        ],
        format="csr",
    )
    identity = sp.identity(n_rows, format="csr")
    projector = sp.vstack(
        [identity[untouched], _to_csr([combos[i] for i in kept], np.arange(n_rows), n_rows)],
        format="csr",
    )
    return Projection(reduced, projector)


def _axpy(
    target: dict[int, float],
    factor: float,
    source: dict[int, float],
    tracked: set[int] | None,
    rows_of: dict[int, set[int]] | None,
    row_id: int,
) -> None:
    for col, value in source.items():
        new = target.get(col, 0.0) + factor * value
        if abs(new) <= _DROP * max(1.0, abs(factor * value)):
            target.pop(col, None)
            if tracked is not None and rows_of is not None and col in tracked:
                rows_of[col].discard(row_id)
        else:
            target[col] = new
            if tracked is not None and rows_of is not None and col in tracked:
                rows_of[col].add(row_id)


def _to_csr(rows: list[dict[int, float]], position: np.ndarray, n_cols: int) -> sp.csr_matrix:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indices: list[int] = []
    data: list[float] = []
    for i, row in enumerate(rows):
        for col, value in row.items():
            p = int(position[col])
            if p >= 0:
                indices.append(p)
                data.append(value)
        indptr[i + 1] = len(indices)
    return sp.csr_matrix(
        (np.array(data, dtype=float), np.array(indices, dtype=np.int64), indptr),
        shape=(len(rows), n_cols),
    )
