"""A small sparse linear programme assembled from index arrays and solved by HiGHS directly.

The policies (rolling horizon, robust plan) build lean models straight from a `SupplySystem`'s
arrays: blocks of variables and rows are numbered with numpy index arrays and the coefficients
added as broadcast triplets, so no per-element Python loop and no modelling layer sit in the way
of thousands of re-solves. Only row bounds change between the rolling policy's solves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

INF = float("inf")


class SolverError(RuntimeError):
    """HiGHS ended a policy's model without an optimal solution (a modelling bug: every policy
    model is feasible by construction, shortage absorbing what cannot be supplied)."""


@dataclass
class LinearProgram:
    """Minimise cost · x subject to row_lower ≤ A x ≤ row_upper and col_lower ≤ x ≤ col_upper."""

    cost: list[Floats] = field(default_factory=list)
    col_lower: list[Floats] = field(default_factory=list)
    col_upper: list[Floats] = field(default_factory=list)
    row_lower: list[Floats] = field(default_factory=list)
    row_upper: list[Floats] = field(default_factory=list)
    _rows: list[Ints] = field(default_factory=list)
    _cols: list[Ints] = field(default_factory=list)
    _values: list[Floats] = field(default_factory=list)
    n_cols: int = 0
    n_rows: int = 0

    def variables(
        self,
        shape: tuple[int, ...],
        cost: ArrayLike = 0.0,
        lower: ArrayLike = 0.0,
        upper: ArrayLike = INF,
    ) -> Ints:
        """A block of variables; returns their column numbers in `shape`."""
        size = int(np.prod(shape))
        index = np.arange(self.n_cols, self.n_cols + size, dtype=np.int64).reshape(shape)
        self.n_cols += size
        for target, value in (
            (self.cost, cost),
            (self.col_lower, lower),
            (self.col_upper, upper),
        ):
            target.append(np.broadcast_to(np.asarray(value, dtype=float), shape).ravel().copy())
        return index

    def rows(self, shape: tuple[int, ...], lower: ArrayLike = -INF, upper: ArrayLike = INF) -> Ints:
        """A block of rows; returns their numbers in `shape`."""
        size = int(np.prod(shape))
        index = np.arange(self.n_rows, self.n_rows + size, dtype=np.int64).reshape(shape)
        self.n_rows += size
        self.row_lower.append(np.broadcast_to(np.asarray(lower, dtype=float), shape).ravel().copy())
        self.row_upper.append(np.broadcast_to(np.asarray(upper, dtype=float), shape).ravel().copy())
        return index

    def add(self, rows: ArrayLike, cols: ArrayLike, values: ArrayLike = 1.0) -> None:
        """Add coefficients A[rows, cols] += values (broadcast together)."""
        r, c, v = np.broadcast_arrays(
            np.asarray(rows, dtype=np.int64),
            np.asarray(cols, dtype=np.int64),
            np.asarray(values, dtype=float),
        )
        self._rows.append(r.ravel())
        self._cols.append(c.ravel())
        self._values.append(v.ravel())

    def column_cost(self) -> Floats:
        return np.concatenate(self.cost) if self.cost else np.zeros(0)

    def lower_rows(self) -> Floats:
        return np.concatenate(self.row_lower) if self.row_lower else np.zeros(0)

    def upper_rows(self) -> Floats:
        return np.concatenate(self.row_upper) if self.row_upper else np.zeros(0)

    def solver(self, *, method: str = "choose", crossover: bool = True) -> Solver:
        """A HiGHS instance holding this model, silent. (The thread count is left to HiGHS: its
        scheduler is process-wide and refuses a count different from an earlier solve's.)"""
        return Solver(self, method, crossover)


class Solver:
    """One HiGHS model, re-solved with new row bounds as often as needed."""

    def __init__(self, lp: LinearProgram, method: str, crossover: bool = True) -> None:
        import highspy
        from scipy.sparse import csc_matrix

        from nafolo.fuel.planning.solve import quiet_stdout

        rows = np.concatenate(lp._rows) if lp._rows else np.zeros(0, dtype=np.int64)
        cols = np.concatenate(lp._cols) if lp._cols else np.zeros(0, dtype=np.int64)
        values = np.concatenate(lp._values) if lp._values else np.zeros(0)
        matrix = csc_matrix((values, (rows, cols)), shape=(lp.n_rows, lp.n_cols))
        matrix.sum_duplicates()
        model = highspy.HighsLp()
        model.num_col_ = lp.n_cols
        model.num_row_ = lp.n_rows
        model.col_cost_ = lp.column_cost()
        model.col_lower_ = np.concatenate(lp.col_lower)
        model.col_upper_ = np.concatenate(lp.col_upper)
        model.row_lower_ = lp.lower_rows()
        model.row_upper_ = lp.upper_rows()
        model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        model.a_matrix_.start_ = matrix.indptr.astype(np.int32)
        model.a_matrix_.index_ = matrix.indices.astype(np.int32)
        model.a_matrix_.value_ = matrix.data
        with quiet_stdout():
            self._highs: Any = highspy.Highs()  # type: ignore[no-untyped-call]
        for option, value in (
            ("output_flag", False),
            ("solver", method),
            ("random_seed", 0),
            ("run_crossover", "on" if crossover else "off"),
        ):
            self._highs.setOptionValue(option, value)
        self._highs.passModel(model)
        self._all_rows = np.arange(lp.n_rows, dtype=np.int32)
        self._ok = highspy.HighsModelStatus.kOptimal
        self.n_cols = lp.n_cols
        self.n_rows = lp.n_rows
        self.solves = 0

    def solve(
        self,
        row_lower: Floats | None = None,
        row_upper: Floats | None = None,
        *,
        start: Any = None,
    ) -> Floats:
        """Column values of an optimal solution with these row bounds (None: unchanged).

        Starts from the basis `start` (from `basis()` after an earlier solve), else cold: the
        answer depends on the bounds and `start` alone, not on whatever was solved just before,
        which keeps results identical however scenarios are chunked.
        """
        if row_lower is not None and row_upper is not None:
            self._highs.changeRowsBounds(self.n_rows, self._all_rows, row_lower, row_upper)
        self._highs.clearSolver()
        if start is not None:
            self._highs.setBasis(start)
        self._highs.run()
        self.solves += 1
        status = self._highs.getModelStatus()
        if status != self._ok:
            raise SolverError(f"HiGHS ended with {self._highs.modelStatusToString(status)}")
        return np.asarray(self._highs.getSolution().col_value)

    def solve_with_columns(self, col_lower: Floats, col_upper: Floats) -> Floats:
        """Column values of an optimal solution with these column bounds (cold start)."""
        columns = np.arange(self.n_cols, dtype=np.int32)
        self._highs.changeColsBounds(self.n_cols, columns, col_lower, col_upper)
        return self.solve()

    def basis(self) -> Any:
        """The optimal basis of the last solve, to warm-start a later one."""
        return self._highs.getBasis()

    def objective(self) -> float:
        return float(self._highs.getInfo().objective_function_value)
