"""Why a plan is infeasible, in plain words: an elastic re-solve of the hard limits.

Every hard limit gets a violation slack and the total violation is minimised. Limits left violated
are the requirements that cannot all be met; tight limits with a non-zero dual in that solve are the
ones they conflict with.
"""

from __future__ import annotations

from collections.abc import Callable

import linopy
import numpy as np
import xarray as xr

from nafolo.fuel.planning.data import PlanData
from nafolo.fuel.planning.explain import format_tonnes
from nafolo.fuel.planning.model import HARD_LIMITS, build_elastic_model, violation_name
from nafolo.fuel.planning.solve import solve

VIOLATION_TOLERANCE = 1e-6


class InfeasiblePlanError(RuntimeError):
    """The network's hard requirements conflict; `conflicts` says which, one sentence each."""

    def __init__(self, conflicts: list[str], tight: list[str]) -> None:
        self.conflicts = conflicts
        self.tight = tight
        lines = "\n".join(f"  - {c}" for c in conflicts)
        message = "No plan meets every hard requirement. These cannot all be met:\n" + lines
        if tight:
            message += "\nLimits they run into: " + "; ".join(tight) + "."
        super().__init__(message)


def diagnose(data: PlanData) -> InfeasiblePlanError:
    """The conflict found by the elastic re-solve of `data` (to raise or to report)."""
    model = build_elastic_model(data)
    outcome = solve(model)
    if not outcome.has_plan:
        return InfeasiblePlanError(
            ["even with every limit relaxed no plan exists (a balance cannot close)"], []
        )
    return InfeasiblePlanError(_violations(data, model), _tight(data, model))


def _span(times: list[str]) -> str:
    if len(times) <= 3:
        return ", ".join(times)
    return f"{times[0]} to {times[-1]} ({len(times)} periods)"


def _describers(data: PlanData) -> dict[str, Callable[[dict[str, str]], str]]:
    net = data.network
    corridor = {c.corridor: c.name for c in net.corridors}
    port = {o.port: o for o in net.ports}
    depot = {d.depot: d for d in net.depots}
    contract = {c.contract: c for c in net.contracts}
    return {
        "contract_min": lambda e: (
            f"the minimum of contract {e['contract']} "
            f"({contract[e['contract']].min_t_per_month:,.0f} t/month)"
        ),
        "contract_max": lambda e: (
            f"the maximum of contract {e['contract']} "
            f"({contract[e['contract']].max_t_per_month:,.0f} t/month)"
        ),
        "port_storage": lambda e: (
            f"storage at {port[e['port']].name} ({port[e['port']].storage_capacity_t:,.0f} t)"
        ),
        "port_loading": lambda e: (
            f"loading at {port[e['port']].name} "
            f"({port[e['port']].loading_capacity_t_per_week:,.0f} t/week)"
        ),
        "corridor_capacity": lambda e: f"the truck limit of {corridor[e['corridor']]}",
        "escort_capacity": lambda e: f"the escorted convoys on {corridor[e['corridor']]}",
        "fleet_turnaround": lambda e: f"the fleet of {data.fleet_trucks:,} trucks",
        "depot_capacity_max": lambda e: f"{e['product']} tankage at {depot[e['depot']].name}",
        "depot_capacity_min": lambda e: (
            f"the {e['product']} tank bottom at {depot[e['depot']].name}"
        ),
        "depot_throughput_in": lambda e: (
            f"receiving at {depot[e['depot']].name} "
            f"({depot[e['depot']].throughput_t_per_week:,.0f} t/week)"
        ),
        "depot_throughput_out": lambda e: (
            f"loading-out at {depot[e['depot']].name} "
            f"({depot[e['depot']].throughput_t_per_week:,.0f} t/week)"
        ),
    }


UNIT = {
    "corridor_capacity": "truck",
    "escort_capacity": "truck",
    "fleet_turnaround": "truck",
}


def _elements(values: xr.DataArray) -> list[tuple[dict[str, str], list[str], float]]:
    """(element coordinates, time labels where non-zero, total) of each non-zero element."""
    time_dim = "week" if "week" in values.dims else "month"
    element_dims = [d for d in values.dims if d != time_dim]
    frame = values.to_dataframe(name="v").reset_index()
    frame = frame[frame["v"] > VIOLATION_TOLERANCE]
    out = []
    groups = frame.groupby(element_dims, sort=True) if element_dims else [((), frame)]
    for key, group in groups:
        if group.empty:
            continue
        keys = key if isinstance(key, tuple) else (key,)
        coords = {str(d): str(k) for d, k in zip(element_dims, keys, strict=True)}
        label = "week" if time_dim == "week" else ""
        times = [f"{label} {t}".strip() for t in group[time_dim]]
        out.append((coords, times, float(group["v"].sum())))
    return out


def _violations(data: PlanData, model: linopy.Model) -> list[str]:
    describe = _describers(data)
    sentences = []
    for block in HARD_LIMITS:
        name = violation_name(block)
        if name not in model.variables:
            continue
        values = model.variables[name].solution.fillna(0.0)
        for coords, times, total in _elements(values):
            amount = f"{total:,.1f} truck-weeks" if block in UNIT else format_tonnes(total)
            verb = (
                "falls short by"
                if block in ("contract_min", "depot_capacity_min")
                else ("would be exceeded by")
            )
            sentences.append(f"{describe[block](coords)} {verb} {amount} in {_span(times)}")
    return sentences or ["the hard limits conflict (no single limit could be singled out)"]


def _tight(data: PlanData, model: linopy.Model) -> list[str]:
    describe = _describers(data)
    tight: list[str] = []
    for block in HARD_LIMITS:
        if block not in model.constraints:
            continue
        dual = model.constraints[block].dual.fillna(0.0)
        violated = violation_name(block)
        if violated in model.variables:
            dual = dual.where(model.variables[violated].solution.fillna(0.0) <= 0, 0.0)
        for coords, _, _ in _elements(np.abs(dual)):
            phrase = describe[block](coords)
            if phrase not in tight:
                tight.append(phrase)
    return tight
