"""The validated fuel network: every sheet's rows, cross-references checked, parameters typed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from nafolo.fuel.network.schema import (
    AvailabilityRow,
    ContractRow,
    CorridorRow,
    DemandRow,
    DepotRow,
    DepotTankRow,
    FleetRow,
    InTransitRow,
    ParameterRow,
    PortRow,
    PortStockRow,
    ProductRow,
    ProvenanceRow,
    RegionRow,
    RegionSupplyRow,
    SeasonalityRow,
    SupplyRow,
)
from nafolo.workbook.problems import InputError, Problem


def _param(default: float, unit: str, description: str) -> float:
    return Field(default, description=description, json_schema_extra={"unit": unit})  # type: ignore[no-any-return, unused-ignore]


class PlannerParameters(BaseModel):
    """Penalties and settings of the planner, overridable in the `parameters` sheet."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shortage_penalty_xof_per_t: float = _param(
        5_000_000.0, "XOF/t", "Cost of a tonne of regional demand not met; the highest penalty."
    )
    cover_shortfall_penalty_xof_per_t_week: float = _param(
        200_000.0, "XOF/t/week", "Cost of a tonne a week below a depot's days-of-cover target."
    )
    end_stock_value_xof_per_t: float = _param(
        0.0, "XOF/t", "Credit for a tonne left in depots at the horizon's end (0 = none)."
    )
    mip_time_limit_s: float = _param(60.0, "s", "Time limit of the integer-truckload (MIP) solve.")
    mip_gap: float = _param(0.01, "1", "Relative optimality gap at which the MIP solve stops.")


PARAMETER_UNITS: dict[str, str] = {
    name: str((f.json_schema_extra or {}).get("unit", ""))
    if isinstance(f.json_schema_extra, dict)
    else ""
    for name, f in PlannerParameters.model_fields.items()
}


@dataclass(frozen=True)
class Network:
    """A complete fuel network. Build it with `Network.from_rows`, which checks every reference."""

    products: tuple[ProductRow, ...]
    ports: tuple[PortRow, ...]
    contracts: tuple[ContractRow, ...]
    supply: tuple[SupplyRow, ...]
    depots: tuple[DepotRow, ...]
    depot_tanks: tuple[DepotTankRow, ...]
    corridors: tuple[CorridorRow, ...]
    regions: tuple[RegionRow, ...]
    demand: tuple[DemandRow, ...]
    region_supply: tuple[RegionSupplyRow, ...]
    fleet: tuple[FleetRow, ...]
    port_stocks: tuple[PortStockRow, ...] = ()
    seasonality: tuple[SeasonalityRow, ...] = ()
    availability: tuple[AvailabilityRow, ...] = ()
    in_transit: tuple[InTransitRow, ...] = ()
    parameters: PlannerParameters = field(default_factory=PlannerParameters)
    provenance: tuple[ProvenanceRow, ...] = ()
    name: str = "network"

    @classmethod
    def from_rows(
        cls,
        rows: dict[str, Sequence[BaseModel]],
        name: str = "network",
        row_numbers: Mapping[str, Sequence[int]] | None = None,
    ) -> Network:
        """Assemble a network from validated sheet rows; InputError lists every bad reference.

        `rows` maps sheet name to its rows in file order; `row_numbers` gives each row's spreadsheet
        row (default: row i is spreadsheet row i + 2, right under the header).
        """
        problems = list(reference_problems(rows))
        params, param_problems = _parameters(rows.get("parameters", ()))
        problems += param_problems
        if row_numbers is not None:
            problems = [at_row(p, row_numbers) for p in problems]
        if problems:
            raise InputError(problems, source=name)

        def tup(sheet_name: str) -> tuple[BaseModel, ...]:
            return tuple(rows.get(sheet_name, ()))

        return cls(
            products=tup("products"),  # type: ignore[arg-type]
            ports=tup("ports"),  # type: ignore[arg-type]
            contracts=tup("contracts"),  # type: ignore[arg-type]
            supply=tup("supply"),  # type: ignore[arg-type]
            depots=tup("depots"),  # type: ignore[arg-type]
            depot_tanks=tup("depot_tanks"),  # type: ignore[arg-type]
            corridors=tup("corridors"),  # type: ignore[arg-type]
            regions=tup("regions"),  # type: ignore[arg-type]
            demand=tup("demand"),  # type: ignore[arg-type]
            region_supply=tup("region_supply"),  # type: ignore[arg-type]
            fleet=tup("fleet"),  # type: ignore[arg-type]
            port_stocks=tup("port_stocks"),  # type: ignore[arg-type]
            seasonality=tup("seasonality"),  # type: ignore[arg-type]
            availability=tup("availability"),  # type: ignore[arg-type]
            in_transit=tup("in_transit"),  # type: ignore[arg-type]
            parameters=params,
            provenance=tup("provenance"),  # type: ignore[arg-type]
            name=name,
        )

    def product(self, code: str) -> ProductRow:
        return next(p for p in self.products if p.product == code)

    def corridor(self, code: str) -> CorridorRow:
        return next(c for c in self.corridors if c.corridor == code)

    def depot(self, code: str) -> DepotRow:
        return next(d for d in self.depots if d.depot == code)


# (sheet, column) -> (referenced sheet, its key column)
REFERENCES: tuple[tuple[str, str, str, str], ...] = (
    ("port_stocks", "port", "ports", "port"),
    ("port_stocks", "product", "products", "product"),
    ("supply", "contract", "contracts", "contract"),
    ("supply", "port", "ports", "port"),
    ("supply", "product", "products", "product"),
    ("depots", "region", "regions", "region"),
    ("depot_tanks", "depot", "depots", "depot"),
    ("depot_tanks", "product", "products", "product"),
    ("corridors", "port", "ports", "port"),
    ("corridors", "depot", "depots", "depot"),
    ("demand", "region", "regions", "region"),
    ("demand", "product", "products", "product"),
    ("region_supply", "region", "regions", "region"),
    ("region_supply", "depot", "depots", "depot"),
    ("availability", "corridor", "corridors", "corridor"),
    ("in_transit", "corridor", "corridors", "corridor"),
    ("in_transit", "product", "products", "product"),
)


def reference_problems(
    rows: dict[str, Sequence[BaseModel]], incomplete: frozenset[str] = frozenset()
) -> Iterable[Problem]:
    """Every reference to a code no sheet defines, plus rule checks that span columns or sheets.

    References into a sheet named in `incomplete` (one with rows refused cell by cell) are not
    checked, so a refused row does not also show up as an unknown code elsewhere.
    """
    keys = {
        sheet: {getattr(r, col) for r in rows.get(sheet, ())} for _, _, sheet, col in REFERENCES
    }
    for src, col, dst, dst_col in REFERENCES:
        if dst in incomplete:
            continue
        for i, r in enumerate(rows.get(src, ())):
            value = getattr(r, col)
            if value not in keys[dst]:
                yield Problem(src, i + 2, col, f"unknown {dst_col} {value!r}: not in sheet {dst}")
    for i, c in enumerate(rows.get("contracts", ())):
        assert isinstance(c, ContractRow)
        if c.min_t_per_month > c.max_t_per_month:
            yield Problem(
                "contracts",
                i + 2,
                "min_t_per_month",
                f"minimum {c.min_t_per_month:g} t/month exceeds "
                f"maximum {c.max_t_per_month:g} t/month",
            )
    for i, c in enumerate(rows.get("corridors", ())):
        assert isinstance(c, CorridorRow)
        if c.escort_required and (c.escort_convoys_per_week <= 0 or c.trucks_per_convoy <= 0):
            yield Problem(
                "corridors",
                i + 2,
                "escort_convoys_per_week",
                "escort_required needs escort_convoys_per_week and trucks_per_convoy above 0",
            )
    for i, t in enumerate(rows.get("depot_tanks", ())):
        assert isinstance(t, DepotTankRow)
        if t.tank_bottom_m3 > t.capacity_m3:
            yield Problem(
                "depot_tanks",
                i + 2,
                "tank_bottom_m3",
                f"tank bottom {t.tank_bottom_m3:g} m³ exceeds capacity {t.capacity_m3:g} m³",
            )
    if "fleet" not in incomplete and len(rows.get("fleet", ())) != 1:
        yield Problem(
            "fleet",
            None,
            None,
            f"exactly one fleet row expected, found {len(rows.get('fleet', ()))}",
        )
    demanded = {(d.region, d.product) for d in rows.get("demand", ()) if isinstance(d, DemandRow)}
    served = {s.region for s in rows.get("region_supply", ()) if isinstance(s, RegionSupplyRow)}
    for i, r in enumerate(rows.get("regions", ())):
        assert isinstance(r, RegionRow)
        if "region_supply" in incomplete:
            break
        if r.region not in served and any(reg == r.region for reg, _ in demanded):
            yield Problem(
                "regions",
                i + 2,
                "region",
                f"region {r.region!r} has demand but no depot in region_supply",
            )


def at_row(problem: Problem, row_numbers: Mapping[str, Sequence[int]]) -> Problem:
    """The problem with its row index (i + 2) replaced by the spreadsheet row it came from."""
    numbers = row_numbers.get(problem.sheet, ())
    if problem.row is None or not 0 <= problem.row - 2 < len(numbers):
        return problem
    return Problem(problem.sheet, numbers[problem.row - 2], problem.column, problem.message)


def _parameters(rows: Sequence[BaseModel]) -> tuple[PlannerParameters, list[Problem]]:
    values: dict[str, float] = {}
    problems: list[Problem] = []
    for i, r in enumerate(rows):
        assert isinstance(r, ParameterRow)
        if r.name not in PARAMETER_UNITS:
            problems.append(
                Problem(
                    "parameters",
                    i + 2,
                    "name",
                    f"unknown parameter {r.name!r}; known: {', '.join(PARAMETER_UNITS)}",
                )
            )
        elif r.unit and r.unit != PARAMETER_UNITS[r.name]:
            problems.append(
                Problem(
                    "parameters",
                    i + 2,
                    "unit",
                    f"{r.name} is in {PARAMETER_UNITS[r.name]}, not {r.unit!r}",
                )
            )
        else:
            values[r.name] = r.value
    return PlannerParameters(**values), problems
