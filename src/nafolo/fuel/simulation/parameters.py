"""Disruption parameters: the sheets that describe what can go wrong on the supply roads.

Five optional sheets of the network workbook (their row models are in the network schema,
`nafolo.fuel.network.schema.DISRUPTION_SHEETS`), or of a separate workbook or CSV folder:
corridor closures and attacks, common shocks closing several corridors together, port delays,
demand noise, and named deterministic scenarios such as a repeat of the 2025 blockade. An absent
sheet switches its mechanism off. Names are checked against the network, naming sheet, row and
column of any bad reference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from pydantic import BaseModel

from nafolo.fuel.network.model import Network
from nafolo.fuel.network.schema import DISRUPTION_SHEETS as SHEETS
from nafolo.fuel.network.schema import SHEETS as NETWORK_SHEETS
from nafolo.fuel.network.schema import (
    CorridorDisruptionRow,
    DemandNoiseRow,
    PortDelayRow,
    ScenarioRow,
    ShockRow,
)
from nafolo.workbook import InputError, Problem, SheetLike, read_sheet_rows

__all__ = [
    "SHEETS",
    "Closure",
    "CorridorDisruptionRow",
    "DemandNoiseRow",
    "DisruptionParameters",
    "PortDelayRow",
    "ScenarioRow",
    "Shock",
    "ShockRow",
    "bundled_disruption_path",
    "load_disruption",
]

WEEKS_PER_YEAR = 365.25 / 7.0


@dataclass(frozen=True)
class _Optional:
    """A network sheet accepted (never required) when reading disruption sheets from one file."""

    name: str
    row: type[BaseModel]
    key: tuple[str, ...]
    description: str
    required: bool = False


@dataclass(frozen=True)
class Shock:
    name: str
    corridors: tuple[str, ...]
    onsets_per_year: float
    mean_duration_weeks: float
    truck_loss_share: float


@dataclass(frozen=True)
class Closure:
    """A deterministic closure of some corridors in a named scenario (weeks 1-based, inclusive)."""

    corridors: tuple[str, ...]
    first_week: int
    last_week: int
    truck_loss_share: float


@dataclass(frozen=True)
class DisruptionParameters:
    """Validated disruption parameters of one network, by corridor, port, region and product."""

    corridors: dict[str, CorridorDisruptionRow]
    shocks: tuple[Shock, ...]
    port_delays: dict[str, PortDelayRow]
    demand_cv: dict[tuple[str, str], float]
    scenarios: dict[str, tuple[Closure, ...]]

    @classmethod
    def none(cls) -> DisruptionParameters:
        """No disruption at all: every road open, demand as planned."""
        return cls({}, (), {}, {}, {})

    def cv(self, region: str, product: str) -> float:
        """Demand noise of a region and product; the most specific row wins."""
        for key in ((region, product), (region, "*"), ("*", product), ("*", "*")):
            if key in self.demand_cv:
                return self.demand_cv[key]
        return 0.0

    @classmethod
    def from_rows(
        cls, rows: Mapping[str, Sequence[BaseModel]], network: Network
    ) -> DisruptionParameters:
        """Parameters from validated rows; InputError names each reference the network lacks."""
        corridor_names = [c.corridor for c in network.corridors]
        axes: dict[str, list[str]] = {}
        for c in network.corridors:
            axes.setdefault(c.axis, []).append(c.corridor)
        ports = {p.port for p in network.ports}
        regions = {r.region for r in network.regions}
        products = {p.product for p in network.products}
        problems: list[Problem] = []

        def known(sheet: str, row: int, field: str, value: str, allowed: set[str]) -> bool:
            if value in allowed:
                return True
            problems.append(Problem(sheet, row, field, f"unknown {field} {value!r}"))
            return False

        def targets(
            sheet: str, row: int, axis: str, listed: list[str], field: str
        ) -> tuple[str, ...]:
            if axis and listed:
                problems.append(Problem(sheet, row, "axis", f"give axis or {field}, not both"))
                return ()
            if axis:
                if axis not in axes:
                    problems.append(Problem(sheet, row, "axis", f"unknown axis {axis!r}"))
                    return ()
                return tuple(axes[axis])
            if not listed:
                problems.append(Problem(sheet, row, "axis", f"give an axis or {field}"))
                return ()
            ok = [c for c in listed if known(sheet, row, field, c, set(corridor_names))]
            return tuple(ok)

        corridors: dict[str, CorridorDisruptionRow] = {}
        for i, r in enumerate(rows.get("disruption_corridors", ())):
            assert isinstance(r, CorridorDisruptionRow)
            if known("disruption_corridors", i + 2, "corridor", r.corridor, set(corridor_names)):
                corridors[r.corridor] = r
        shocks: list[Shock] = []
        for i, r in enumerate(rows.get("disruption_shocks", ())):
            assert isinstance(r, ShockRow)
            listed = [c.strip() for c in r.corridors.split(";") if c.strip()]
            hit = targets("disruption_shocks", i + 2, r.axis, listed, "corridors")
            if r.onsets_per_year > WEEKS_PER_YEAR:
                problems.append(
                    Problem("disruption_shocks", i + 2, "onsets_per_year", "above one a week")
                )
            if hit:
                shocks.append(
                    Shock(
                        r.shock, hit, r.onsets_per_year, r.mean_duration_weeks, r.truck_loss_share
                    )
                )
        delays: dict[str, PortDelayRow] = {}
        for i, r in enumerate(rows.get("port_delays", ())):
            assert isinstance(r, PortDelayRow)
            if r.onsets_per_year > WEEKS_PER_YEAR:
                problems.append(
                    Problem("port_delays", i + 2, "onsets_per_year", "above one a week")
                )
            if known("port_delays", i + 2, "port", r.port, ports):
                delays[r.port] = r
        cv: dict[tuple[str, str], float] = {}
        for i, r in enumerate(rows.get("demand_noise", ())):
            assert isinstance(r, DemandNoiseRow)
            ok = known("demand_noise", i + 2, "region", r.region, regions | {"*"})
            ok = known("demand_noise", i + 2, "product", r.product, products | {"*"}) and ok
            if ok:
                cv[(r.region, r.product)] = r.cv
        scenarios: dict[str, list[Closure]] = {}
        for i, r in enumerate(rows.get("scenarios", ())):
            assert isinstance(r, ScenarioRow)
            if r.last_week < r.first_week:
                problems.append(
                    Problem("scenarios", i + 2, "last_week", "last_week is before first_week")
                )
                continue
            listed = [r.corridor] if r.corridor else []
            hit = targets("scenarios", i + 2, r.axis, listed, "corridor")
            if hit:
                scenarios.setdefault(r.scenario, []).append(
                    Closure(hit, r.first_week, r.last_week, r.truck_loss_share)
                )
        if problems:
            raise InputError(problems)
        return cls(
            corridors,
            tuple(shocks),
            delays,
            cv,
            {name: tuple(c) for name, c in scenarios.items()},
        )


def bundled_disruption_path() -> Path:
    """The folder of the bundled Mali disruption parameters (CSV files shipped with the package)."""
    folder = files("nafolo.fuel") / "data" / "mali_disruption"
    if not isinstance(folder, Path):
        raise RuntimeError(f"bundled disruption parameters are not on the file system: {folder}")
    return folder


def load_disruption(network: Network, path: Path | None = None) -> DisruptionParameters:
    """The disruption sheets of a workbook or CSV folder (default: bundled Mali parameters).

    The file may also hold the network's own sheets, which are accepted and ignored here.
    """
    source = bundled_disruption_path() if path is None else path
    specs: list[SheetLike] = [
        *SHEETS,
        *(_Optional(s.name, s.row, s.key, s.description) for s in NETWORK_SHEETS),
    ]
    sheets = read_sheet_rows(source, specs)
    rows = {spec.name: sheets[spec.name].rows for spec in SHEETS}
    try:
        return DisruptionParameters.from_rows(rows, network)
    except InputError as exc:
        located = []
        for p in exc.problems:
            numbers = sheets[p.sheet].row_numbers if p.sheet in sheets else []
            if p.row is not None and 0 <= p.row - 2 < len(numbers):
                p = Problem(p.sheet, numbers[p.row - 2], p.column, p.message)
            located.append(p)
        raise InputError(located, source=str(source)) from None
