"""Per-unit reconciliation: the refinery's units as a `nafolo.reconciliation` flowsheet.

Nodes are the units (melting, chlorination/Miller, electrolysis/Wohlwill, recovery) and one
``outside`` node (the environment). Streams, all in fine troy oz of gold:

* each settled receipt enters its unit from outside; each bar, by-product or residue shipped
  leaves its unit to outside;
* each unit's opening stocktake enters it from outside, its closing stocktake leaves to outside
  (stock as streams, so "book against count" is an ordinary balance);
* transfers between units, measured or not.

Every unit must balance: the unaccounted gold is what the measurements must be adjusted by, and
the χ² global test says whether that is more than their uncertainties allow. Unmeasured transfers
are projected out (units they join are balanced together). Floats are used only inside the
numeric solve; results come back as `Decimal` rounded half-even to 0.001 oz.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from nafolo.gold.metal_balance.model import (
    Figure,
    GlobalTestResult,
    PeriodInputs,
    ReconciledStream,
    ReconciledTotals,
    Suspect,
    Unit,
    UnitReconciliation,
    to_moz,
)

if TYPE_CHECKING:
    from nafolo.reconciliation import WlsSolution

OUTSIDE = "outside"
SD_FLOOR_OZ = 0.001 / math.sqrt(12.0)
"""A figure stated to 0.001 oz carries at least its rounding's uncertainty, 0.001/√12 oz; a
measurement given with σ = 0 (a bar's fine weight) enters the solve with this σ."""

_Row = tuple[str, str, str, Decimal | None, Decimal | None]
_GROUPS = ("check_in", "check_out", "opening", "closing")


def flowsheet_rows(inputs: PeriodInputs) -> Iterator[_Row]:
    """(name, source, target, fine oz, σ oz) of every stream of the period's flowsheet."""
    for r in inputs.receipts:
        yield f"receipt {r.lot_id}", OUTSIDE, r.unit.value, r.fine_oz, r.sd_oz
    for o in inputs.outputs:
        yield f"{o.kind.value} {o.item_id}", o.unit.value, OUTSIDE, o.fine_oz, o.sd_oz
    for s in inputs.opening:
        yield f"opening {s.unit.value}", OUTSIDE, s.unit.value, s.fine_oz, s.sd_oz
    for s in inputs.closing:
        yield f"closing {s.unit.value}", s.unit.value, OUTSIDE, s.fine_oz, s.sd_oz
    for t in inputs.transfers:
        yield f"transfer {t.name}", t.source.value, t.target.value, t.fine_oz, t.sd_oz


def _decimal(value: float) -> Decimal | None:
    return None if not math.isfinite(value) else to_moz(Decimal(repr(value)))


def _float(value: float) -> float | None:
    return None if not math.isfinite(value) else round(value, 6)


def reconcile_units(inputs: PeriodInputs) -> UnitReconciliation:
    """Reconcile the period's streams over the units; flag and locate gross errors.

    Reconciled values and the tests are those of all the data; `suspects` are what serial
    elimination (Šidák-corrected measurement tests at ``inputs.alpha``) sets aside, with the
    error each is estimated to carry."""
    from nafolo.reconciliation import (
        Flowsheet,
        Node,
        NodeKind,
        Stream,
        global_test,
        measurement_tests,
        reconcile,
        serial_elimination,
    )

    rows = list(flowsheet_rows(inputs))
    if not rows:
        empty = GlobalTestResult(
            chi_square=0.0,
            degrees_of_freedom=0,
            critical_value=0.0,
            p_value=1.0,
            alpha=inputs.alpha,
            rejected=False,
        )
        return UnitReconciliation(
            streams=(),
            totals=None,
            global_test=empty,
            measurement_critical_value=0.0,
            flagged=(),
            suspects=(),
        )
    used = {end for _, source, target, _, _ in rows for end in (source, target)} - {OUTSIDE}
    nodes = (
        *(Node(u.value) for u in Unit if u.value in used),
        Node(OUTSIDE, NodeKind.ENVIRONMENT),
    )
    streams = tuple(
        Stream(
            name,
            source,
            target,
            None if value is None else float(value),
            None if sd is None else max(float(sd), SD_FLOOR_OZ),
        )
        for name, source, target, value, sd in rows
    )
    flowsheet = Flowsheet(nodes, streams)
    result = reconcile(flowsheet)
    solution = result.solution
    g = global_test(solution, inputs.alpha)
    m = measurement_tests(solution, inputs.alpha)
    suspect_mask = m.suspect
    search = serial_elimination(flowsheet, alpha=inputs.alpha)
    out = []
    for i, (name, source, target, value, sd) in enumerate(rows):
        z = float(m.normalised_adjustment[i])
        out.append(
            ReconciledStream(
                name=name,
                source=source,
                target=target,
                measured_oz=None if value is None else to_moz(value),
                measured_sd_oz=None if sd is None else to_moz(sd),
                reconciled_oz=_decimal(float(solution.estimate[i])),
                reconciled_sd_oz=_decimal(float(solution.estimate_sd[i])),
                classification=solution.classes[i].value,
                normalised_adjustment=_float(z),
                flagged=bool(suspect_mask[i]),
            )
        )
    return UnitReconciliation(
        streams=tuple(out),
        totals=_totals(inputs, solution),
        global_test=GlobalTestResult(
            chi_square=round(g.statistic, 6),
            degrees_of_freedom=g.degrees_of_freedom,
            critical_value=round(g.critical_value, 6),
            p_value=round(g.p_value, 6),
            alpha=g.alpha,
            rejected=g.rejected,
        ),
        measurement_critical_value=round(m.critical_value, 6),
        flagged=tuple(s.name for s in out if s.flagged),
        suspects=tuple(
            Suspect(
                stream=s.stream,
                normalised_adjustment=round(s.normalised_adjustment, 6),
                estimated_error_oz=_decimal(s.estimated_error) or Decimal("0.000"),
            )
            for s in search.suspects
        ),
    )


def _group_of(inputs: PeriodInputs) -> list[str | None]:
    """Which total each stream (in `flowsheet_rows` order) belongs to; transfers to none."""
    return [
        *(["check_in"] * len(inputs.receipts)),
        *(["check_out"] * len(inputs.outputs)),
        *(["opening"] * len(inputs.opening)),
        *(["closing"] * len(inputs.closing)),
        *([None] * len(inputs.transfers)),
    ]


def _totals(inputs: PeriodInputs, solution: WlsSolution) -> ReconciledTotals:
    """Reconciled totals; var(gᵀx̂) = gᵀ Cov(x̂) g over the measured streams (dense covariance;
    beyond the engine's dense limit the quadrature of the sds, an approximation)."""
    import numpy as np

    from nafolo.reconciliation import ReconciliationError

    groups = _group_of(inputs)
    measured = np.flatnonzero(~np.isnan(solution.adjustment))
    try:
        cov: np.ndarray | None = solution.measured_covariance()
    except ReconciliationError:
        cov = None
    figures = {}
    for group in _GROUPS:
        g = np.array([1.0 if groups[i] == group else 0.0 for i in measured])
        value = float(sum(solution.estimate[i] for i in measured if groups[i] == group))
        if cov is not None:
            variance = float(g @ cov @ g)
        else:
            variance = float(np.sum((solution.estimate_sd[measured] * g) ** 2))
        figures[group] = Figure(
            fine_oz=_decimal(value) or Decimal("0.000"),
            sd_oz=_decimal(max(variance, 0.0) ** 0.5) or Decimal("0.000"),
        )
    return ReconciledTotals(**figures)
