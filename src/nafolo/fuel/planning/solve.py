"""Solving a plan model with HiGHS: limits, status in plain terms, solver output kept off stdout."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import linopy


@dataclass(frozen=True)
class SolveOutcome:
    """What the solver said. `status` is one of optimal, feasible (MIP stopped at its time limit or
    gap with a plan in hand), infeasible, unbounded, failed."""

    status: str
    termination: str
    objective_xof: float | None
    solve_seconds: float
    integer: bool
    mip_gap: float | None = None

    @property
    def has_plan(self) -> bool:
        return self.status in ("optimal", "feasible")


LARGE_LP_VARIABLES = 50_000
"""From this many variables an LP is solved by interior point (then crossover), not simplex."""


def lp_algorithm(variables: int, integer: bool) -> str:
    """HiGHS `solver` option for a model of this size: interior point then crossover for large LPs
    (dual simplex takes minutes on tight plans of 10⁵ variables; crossover still ends on an optimal
    basis, so objective, plan and duals are those of simplex), HiGHS's own choice otherwise."""
    return "ipm" if not integer and variables >= LARGE_LP_VARIABLES else "choose"


@contextmanager
def quiet_stdout() -> Iterator[None]:
    """Send anything written to file descriptor 1 (HiGHS's banner) to stderr meanwhile."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


@contextmanager
def _linopy_quiet() -> Iterator[None]:
    """linopy logs a warning on every non-optimal end; the status says it already."""
    logger = logging.getLogger("linopy")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def solve(
    model: linopy.Model,
    *,
    time_limit_s: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
) -> SolveOutcome:
    """Solve `model` with HiGHS through its direct API; the solution stays on the model."""
    integer = bool(len(model.integers))
    options: dict[str, Any] = {
        "output_flag": False,
        "solver": lp_algorithm(int(model.nvars), integer),
    }
    if time_limit_s is not None:
        options["time_limit"] = float(time_limit_s)
    if mip_gap is not None:
        options["mip_rel_gap"] = float(mip_gap)
    if threads is not None:
        options["threads"] = threads
    started = time.perf_counter()
    with quiet_stdout(), _linopy_quiet():
        _, termination = model.solve(solver_name="highs", io_api="direct", **options)
    seconds = time.perf_counter() - started
    status = _status(str(termination), model)
    value = model.objective.value
    objective = float(value) if value is not None and status in ("optimal", "feasible") else None
    gap = None
    if integer and objective is not None and model.solver_model is not None:
        gap = float(model.solver_model.getInfo().mip_gap)
    return SolveOutcome(status, str(termination), objective, seconds, integer, gap)


def _status(termination: str, model: linopy.Model) -> str:
    if termination == "optimal":
        return "optimal"
    if termination in ("infeasible", "infeasible_or_unbounded"):
        return "infeasible"
    if termination == "unbounded":
        return "unbounded"
    has_solution = model.objective.value is not None and model.status in ("ok", "warning")
    if termination in ("time_limit", "iteration_limit", "suboptimal") and has_solution:
        return "feasible"
    return "failed"
