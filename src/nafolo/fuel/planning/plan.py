"""A weekly supply plan end to end: prepare, build, solve, read, explain — with timings."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from datetime import date

from nafolo.fuel.network.model import Network
from nafolo.fuel.planning.data import prepare
from nafolo.fuel.planning.diagnose import diagnose
from nafolo.fuel.planning.explain import explain
from nafolo.fuel.planning.model import build_model
from nafolo.fuel.planning.results import PlanResult, read_result
from nafolo.fuel.planning.solve import solve


class PlanningError(RuntimeError):
    """The solver ended without a plan for a reason other than infeasibility."""


def plan(
    network: Network,
    weeks: int,
    start: date,
    *,
    integer_trucks: bool = False,
    time_limit_s: float | None = None,
    mip_gap: float | None = None,
    explain_binding: bool = True,
    progress: Callable[[str], None] | None = None,
) -> PlanResult:
    """The optimal plan of `network` over `weeks` weeks from `start`.

    Raises InputError (refused input), InfeasiblePlanError (conflicting hard requirements, with the
    conflict in words) or PlanningError. MIP limits default to the network's parameters.
    `progress` is told each step as it starts.
    """
    say = progress or (lambda _: None)
    started = time.perf_counter()
    say(f"preparing {weeks} weeks from {start.isoformat()}")
    data = prepare(network, weeks, start)
    prepared = time.perf_counter()
    say("building the model")
    model = build_model(data, integer_trucks=integer_trucks)
    built = time.perf_counter()
    say(f"solving ({model.nvars:,} variables, {model.ncons:,} constraints)")
    params = network.parameters
    outcome = solve(
        model,
        time_limit_s=params.mip_time_limit_s
        if integer_trucks and time_limit_s is None
        else time_limit_s,
        mip_gap=(mip_gap if mip_gap is not None else params.mip_gap) if integer_trucks else None,
    )
    if outcome.status == "infeasible":
        say("finding which requirements conflict")
        raise diagnose(data)
    if not outcome.has_plan:
        raise PlanningError(f"the solver stopped without a plan: {outcome.termination}")
    timings = {
        "prepare_seconds": prepared - started,
        "build_seconds": built - prepared,
        "solve_seconds": outcome.solve_seconds,
    }
    result = read_result(data, model, outcome, timings)
    read = time.perf_counter()
    result.timings_s["read_seconds"] = read - built - outcome.solve_seconds
    if not explain_binding:
        return result
    say("explaining binding limits")
    binding, note = explain(data, model)
    result.timings_s["explain_seconds"] = time.perf_counter() - read
    return dataclasses.replace(result, binding=binding, duals_note=note)
