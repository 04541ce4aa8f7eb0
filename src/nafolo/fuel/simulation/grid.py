"""Parameter sets for sweeps: the disruption parameters scaled up or down, or a named scenario.

A parameter-set file (CSV, or a workbook/CSV folder with a `parameter_sets` sheet) has one row
per set: multipliers on the weekly rates of corridor closures, attacks, shocks and port delays
and on the demand noise, and optionally a named scenario laid over them. Each set gives a
`DisruptionModel` on the same system, so a sweep compares sets and policies on the same seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from nafolo.fuel.network.schema import Row, SheetSpec, column
from nafolo.fuel.simulation.disruption import DisruptionModel
from nafolo.fuel.simulation.parameters import DisruptionParameters
from nafolo.fuel.simulation.system import SupplySystem
from nafolo.workbook import InputError, Problem, read_sheets


class ParameterSetRow(Row):
    name: str = column("Parameter set code, unique.", example="CLOSURES-X2")
    closure_rate: float = column(
        "Multiplier on each corridor's weekly probability of closing.",
        unit="1",
        example=2.0,
        default=1.0,
        ge=0,
    )
    attack_rate: float = column(
        "Multiplier on each corridor's attack rate.", unit="1", example=1.0, default=1.0, ge=0
    )
    shock_rate: float = column(
        "Multiplier on the onset rate of common shocks.", unit="1", example=1.0, default=1.0, ge=0
    )
    port_delay_rate: float = column(
        "Multiplier on the onset rate of port delays.", unit="1", example=1.0, default=1.0, ge=0
    )
    demand_cv: float = column(
        "Multiplier on the coefficient of variation of demand.",
        unit="1",
        example=1.0,
        default=1.0,
        ge=0,
    )
    scenario: str = column(
        "Named scenario laid over the random disruptions (blank: none).",
        example="",
        default="",
    )
    stochastic: bool = column(
        "Sample random disruptions too (false: the named scenario alone).",
        example=True,
        default=True,
    )


SHEET = SheetSpec(
    "parameter_sets",
    ParameterSetRow,
    ("name",),
    True,
    "Disruption parameter sets compared by a sweep (multipliers on the rates).",
)


@dataclass(frozen=True)
class ParameterSet:
    """One set of a sweep: multipliers on the base disruption rates, and a named scenario."""

    name: str
    closure_rate: float = 1.0
    attack_rate: float = 1.0
    shock_rate: float = 1.0
    port_delay_rate: float = 1.0
    demand_cv: float = 1.0
    scenario: str | None = None
    stochastic: bool = True


BASE = ParameterSet("BASE")


def read_parameter_sets(path: Path) -> list[ParameterSet]:
    """The parameter sets of a CSV file or of the `parameter_sets` sheet of a workbook or CSV
    folder; InputError names file, row and column of each problem (duplicate names included)."""
    if path.is_file() and path.suffix.lower() == ".csv":
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "parameter_sets.csv").write_bytes(path.read_bytes())
            try:
                rows = read_sheets(Path(folder), [SHEET])["parameter_sets"]
            except InputError as exc:
                raise InputError(exc.problems, source=str(path)) from None
    else:
        rows = read_sheets(path, [SHEET])["parameter_sets"]
    sets: list[ParameterSet] = []
    seen: set[str] = set()
    problems = []
    for i, r in enumerate(rows):
        assert isinstance(r, ParameterSetRow)
        if r.name in seen:
            problems.append(Problem("parameter_sets", i + 2, "name", f"{r.name!r} given twice"))
        seen.add(r.name)
        sets.append(
            ParameterSet(
                r.name,
                r.closure_rate,
                r.attack_rate,
                r.shock_rate,
                r.port_delay_rate,
                r.demand_cv,
                r.scenario or None,
                r.stochastic,
            )
        )
    if problems:
        raise InputError(problems, source=str(path))
    if not sets:
        raise InputError([Problem("parameter_sets", None, None, "no parameter set")], str(path))
    return sets


def model_for(
    system: SupplySystem, parameters: DisruptionParameters, chosen: ParameterSet
) -> DisruptionModel:
    """The disruption model of `parameters` on `system` with `chosen`'s multipliers applied to
    the weekly probabilities (capped at 1) and to the demand noise's coefficient of variation.
    KeyError for an unknown named scenario."""
    base = DisruptionModel.build(
        system, parameters, scenario=chosen.scenario, stochastic=chosen.stochastic
    )
    cv = np.sqrt(np.expm1(base.demand_sigma**2)) * chosen.demand_cv
    return replace(
        base,
        close_p=np.minimum(1.0, base.close_p * chosen.closure_rate),
        attack_p=np.minimum(1.0, base.attack_p * chosen.attack_rate),
        shock_on_p=np.minimum(1.0, base.shock_on_p * chosen.shock_rate),
        delay_p=np.minimum(1.0, base.delay_p * chosen.port_delay_rate),
        demand_sigma=np.sqrt(np.log1p(cv**2)),
    )


def describe(chosen: ParameterSet) -> str:
    """The set in a few words, for tables."""
    parts = [
        f"{label} ×{value:g}"
        for label, value in (
            ("closures", chosen.closure_rate),
            ("attacks", chosen.attack_rate),
            ("shocks", chosen.shock_rate),
            ("port delays", chosen.port_delay_rate),
            ("demand cv", chosen.demand_cv),
        )
        if not math.isclose(value, 1.0)
    ]
    if chosen.scenario:
        parts.append(f"scenario {chosen.scenario}" + ("" if chosen.stochastic else " only"))
    return ", ".join(parts) or "base rates"
