"""Which limits bind, and what one more unit of each is worth — in sentences a committee can read.

First-order values come from the duals of the solved plan; the top few are then quantified by
re-solving the plan already loaded in HiGHS with that limit relaxed by one unit (warm-started, the
model is not rebuilt), which also gives the change in shortage.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import linopy
import numpy as np
import pandas as pd
import xarray as xr

from nafolo.fuel.planning.data import PlanData
from nafolo.fuel.planning.results import Binding

MAX_RESOLVES = 5
"""Re-solves used to quantify the top binding limits (each is a warm-started LP)."""

MAX_SENTENCES = 8

RESOLVE_BUDGET_S = 1.0
"""No further re-solve is started once quantification has taken this long."""


@dataclass(frozen=True)
class _Limit:
    """One element of a limit block: its rows in HiGHS and how its rhs moves for one more unit."""

    block: str
    element: str
    unit: str
    rows: np.ndarray
    delta: np.ndarray  # rhs change per row (signed: + for ≤ rows, − for ≥ rows)
    subject: str
    value_xof: float


def format_tonnes(t: float) -> str:
    """Tonnes with a space as thousands separator, e.g. '1 234 t' (one decimal below 10 t)."""
    text = f"{t:,.1f}" if abs(t) < 10 else f"{t:,.0f}"
    return text.replace(",", " ") + " t"


def format_xof(xof: float) -> str:
    """Money in XOF at a readable scale: '6.2 bn XOF', '340 M XOF', '12 500 XOF'."""
    magnitude = abs(xof)
    if magnitude >= 1e9:
        return f"{xof / 1e9:.1f} bn XOF"
    if magnitude >= 1e6:
        return f"{xof / 1e6:.1f} M XOF"
    return f"{xof:,.0f}".replace(",", " ") + " XOF"


def explain(
    data: PlanData, model: linopy.Model, *, quantify: bool = True, max_resolves: int = MAX_RESOLVES
) -> tuple[tuple[Binding, ...], str]:
    """Binding limits ranked by what one more unit is worth, and a note on how duals were obtained.

    After a MIP the truckloads are fixed at their values and the LP re-solved for duals (limits on
    trucks then show no value); re-solve quantification is done for LPs only.
    """
    h = model.solver_model
    if not isinstance(h, highspy.Highs):
        return (), "duals unavailable: no HiGHS model in memory"
    note = "duals of the linear programme"
    is_mip = bool(len(model.integers))
    if is_mip:
        _fix_trucks(model, h)
        note = "duals of the LP with truckloads fixed at the MIP plan; limits on trucks show none"
        quantify = False
    row_of = pd.Index(model.constraints.label_index.clabels)
    duals = np.asarray(h.getSolution().row_dual, dtype=float)
    base_objective = float(h.getInfo().objective_function_value)
    shortage_cols = _columns(model, "shortage")
    base_shortage = float(np.asarray(h.getSolution().col_value)[shortage_cols].sum())

    limits = sorted(
        (lim for lim in _limits(data, model, row_of, duals) if lim.value_xof > 1e-6),
        key=lambda lim: -lim.value_xof,
    )[:MAX_SENTENCES]
    bindings = []
    h.setOptionValue("solver", "simplex")  # re-solves warm-start from the optimal basis
    started = time.perf_counter()
    for rank, lim in enumerate(limits):
        shortage_cut: float | None = None
        objective_cut: float | None = None
        in_budget = time.perf_counter() - started < RESOLVE_BUDGET_S
        if quantify and rank < max_resolves and in_budget:
            objective_cut, shortage_cut = _resolve_relaxed(
                h, lim, base_objective, base_shortage, shortage_cols
            )
        bindings.append(
            Binding(
                block=lim.block,
                element=lim.element,
                unit=lim.unit,
                value_xof=lim.value_xof,
                shortage_cut_t=shortage_cut,
                objective_cut_xof=objective_cut,
                sentence=_sentence(lim, shortage_cut, objective_cut),
            )
        )
    return tuple(bindings), note


def _sentence(lim: _Limit, shortage_cut: float | None, objective_cut: float | None) -> str:
    if objective_cut is None:
        return (
            f"{lim.subject} is worth about {format_xof(lim.value_xof)} over the horizon "
            "(marginal value from the duals)."
        )
    if shortage_cut is not None and shortage_cut > 0.05:
        return (
            f"{lim.subject} would cut shortage by {format_tonnes(shortage_cut)} over the horizon "
            f"(worth {format_xof(objective_cut)})."
        )
    return f"{lim.subject} would save {format_xof(objective_cut)} over the horizon."


def _columns(model: linopy.Model, name: str) -> np.ndarray:
    labels = model.variables[name].labels.to_numpy().ravel()
    vlabels = pd.Index(model.variables.label_index.vlabels)
    positions = np.asarray(vlabels.get_indexer(pd.Index(labels[labels >= 0])), dtype=np.int64)
    return positions[positions >= 0]


def _fix_trucks(model: linopy.Model, h: highspy.Highs) -> None:
    cols = _columns(model, "trucks").astype(np.int32)
    values = np.round(np.asarray(h.getSolution().col_value)[cols])
    h.changeColsIntegrality(len(cols), cols, np.zeros(len(cols), dtype=np.uint8))
    h.changeColsBounds(len(cols), cols, values, values)
    h.run()


def _resolve_relaxed(
    h: highspy.Highs,
    lim: _Limit,
    base_objective: float,
    base_shortage: float,
    shortage_cols: np.ndarray,
) -> tuple[float | None, float | None]:
    lp = h.getLp()
    rows = lim.rows.astype(np.int32)
    lower = np.asarray(lp.row_lower_)[rows]
    upper = np.asarray(lp.row_upper_)[rows]
    h.changeRowsBounds(  # type: ignore[attr-defined]  # present in highspy, absent from its stubs
        len(rows), rows, lower + np.minimum(lim.delta, 0.0), upper + np.maximum(lim.delta, 0.0)
    )
    h.run()
    result: tuple[float | None, float | None] = (None, None)
    if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
        objective = float(h.getInfo().objective_function_value)
        shortage = float(np.asarray(h.getSolution().col_value)[shortage_cols].sum())
        result = (base_objective - objective, base_shortage - shortage)
    h.changeRowsBounds(len(rows), rows, lower, upper)  # type: ignore[attr-defined]
    return result


Describe = Callable[[dict[str, str]], tuple[str, str]]


def _limits(
    data: PlanData, model: linopy.Model, row_of: pd.Index, duals: np.ndarray
) -> list[_Limit]:
    """Every element of every limit block with its first-order value (XOF saved by one unit)."""
    net = data.network
    corridor_name = {c.corridor: c.name for c in net.corridors}
    port_name = {o.port: o.name for o in net.ports}
    depot_name = {d.depot: d.name for d in net.depots}
    product_name = {p.product: p.name for p in net.products}
    ones = xr.DataArray(1.0)
    per_convoy = xr.DataArray([c.trucks_per_convoy for c in net.corridors], coords=[data.corridors])
    specs: list[tuple[str, str, xr.DataArray, float, Describe]] = [
        (
            "corridor_capacity",
            "truck/week",
            data.availability,
            1.0,
            lambda e: (
                e["corridor"],
                f"One more truck a week on {corridor_name[e['corridor']]}",
            ),
        ),
        (
            "escort_capacity",
            "convoy/week",
            data.availability * per_convoy,
            1.0,
            lambda e: (
                e["corridor"],
                f"One more escorted convoy a week on {corridor_name[e['corridor']]}",
            ),
        ),
        (
            "fleet_turnaround",
            "truck",
            ones,
            1.0,
            lambda e: ("fleet", "One more truck in the fleet"),
        ),
        (
            "port_storage",
            "t",
            ones,
            1.0,
            lambda e: (e["port"], f"One more tonne of storage at {port_name[e['port']]}"),
        ),
        (
            "port_loading",
            "t/week",
            ones,
            1.0,
            lambda e: (e["port"], f"One more tonne a week of loading at {port_name[e['port']]}"),
        ),
        (
            "depot_capacity_max",
            "t",
            ones,
            1.0,
            lambda e: (
                f"{e['depot']}/{e['product']}",
                f"One more tonne of {product_name[e['product']]} tankage at "
                f"{depot_name[e['depot']]}",
            ),
        ),
        (
            "depot_throughput_in",
            "t/week",
            ones,
            1.0,
            lambda e: (
                e["depot"],
                f"One more tonne a week of receiving at {depot_name[e['depot']]}",
            ),
        ),
        (
            "depot_throughput_out",
            "t/week",
            ones,
            1.0,
            lambda e: (
                e["depot"],
                f"One more tonne a week of loading-out at {depot_name[e['depot']]}",
            ),
        ),
        (
            "contract_max",
            "t/month",
            data.month_in_horizon,
            1.0,
            lambda e: (
                e["contract"],
                f"One more tonne a month on the maximum of contract {e['contract']}",
            ),
        ),
        (
            "contract_min",
            "t/month",
            data.month_in_horizon,
            -1.0,
            lambda e: (
                e["contract"],
                f"One tonne a month less on the minimum of contract {e['contract']}",
            ),
        ),
    ]
    found: list[_Limit] = []
    for block, unit, step, sign, describe in specs:
        if block not in model.constraints:
            continue
        labels = model.constraints[block].labels
        frame = xr.Dataset(
            {"label": labels, "step": (step * xr.ones_like(labels, dtype=float))}
        ).to_dataframe()
        frame["row"] = row_of.get_indexer(pd.Index(frame["label"]))
        frame = frame[(frame["label"] >= 0) & (frame["row"] >= 0)].reset_index()
        frame["delta"] = sign * frame["step"]
        frame["dual"] = duals[frame["row"].to_numpy()]
        time_dim = "week" if "week" in labels.dims else "month"
        element_dims = [d for d in labels.dims if d != time_dim]
        groups = frame.groupby(element_dims, sort=False) if element_dims else [((), frame)]
        for key, group in groups:
            keys = key if isinstance(key, tuple) else (key,)
            coords = {str(d): str(k) for d, k in zip(element_dims, keys, strict=True)}
            value = -float((group["dual"] * group["delta"]).sum())
            element, subject = describe(coords)
            found.append(
                _Limit(
                    block,
                    element,
                    unit,
                    group["row"].to_numpy(),
                    group["delta"].to_numpy(),
                    subject,
                    value,
                )
            )
    return found
