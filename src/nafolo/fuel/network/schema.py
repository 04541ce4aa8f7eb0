"""The network workbook's sheets, one row model per sheet.

Each column is a pydantic field whose metadata (unit, description, example) is the single source for
validation, the blank template (`nafolo fuel template`) and the format documentation (docs/). This
follows PyPSA's practice of keeping component attributes as data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from nafolo.measurement.petroleum import ProductGroup as ProductGroup  # re-exported for sheets


def column(
    description: str,
    *,
    unit: str = "",
    example: Any = None,
    default: Any = ...,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
) -> Any:
    """A sheet column: a pydantic field carrying its unit, description and template example."""
    return Field(
        default,
        description=description,
        ge=ge,
        gt=gt,
        le=le,
        json_schema_extra={"unit": unit, "example": example},
    )


class Row(BaseModel):
    """Base of every sheet row: unknown columns and type coercion surprises are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ProductRow(Row):
    product: str = column("Product code, unique.", example="GASOIL")
    name: str = column("Product name as planners say it.", example="Gasoil (diesel)")
    group: ProductGroup = column(
        "ASTM D1250 product group: gasoline, transition, jet, fuel_oil or lpg.", example="fuel_oil"
    )
    density_15_kg_m3: float = column(
        "Density at 15 °C (in vacuum).", unit="kg/m³", example=845.0, gt=400, le=1100
    )
    holding_cost_xof_per_t_week: float = column(
        "Cost of holding one tonne in a depot for a week.",
        unit="XOF/t/week",
        example=500.0,
        default=0.0,
        ge=0,
    )


class PortRow(Row):
    port: str = column("Port code, unique.", example="DAKAR")
    name: str = column("Port name.", example="Dakar")
    country: str = column("Country of the port.", example="Senegal")
    latitude: float = column("Latitude (WGS 84).", unit="°", example=14.68, ge=-90, le=90)
    longitude: float = column("Longitude (WGS 84).", unit="°", example=-17.43, ge=-180, le=180)
    storage_capacity_t: float = column(
        "Storage available to Mali's product at the port, all products.",
        unit="t",
        example=60000.0,
        ge=0,
    )
    loading_capacity_t_per_week: float = column(
        "Tanker-truck loading capacity for Mali, all products.",
        unit="t/week",
        example=30000.0,
        ge=0,
    )


class PortStockRow(Row):
    port: str = column("Port code (ports sheet).", example="DAKAR")
    product: str = column("Product code (products sheet).", example="GASOIL")
    opening_stock_t: float = column(
        "Stock held for Mali at the plan's start.", unit="t", example=5000.0, ge=0
    )


class ContractRow(Row):
    contract: str = column("Contract code, unique.", example="SUPPLY-2026")
    supplier: str = column(
        "Supplier or supplier group.", example="Supplier (government-to-government)"
    )
    min_t_per_month: float = column(
        "Minimum tonnes to lift a calendar month, all ports and products.",
        unit="t/month",
        example=160000.0,
        ge=0,
    )
    max_t_per_month: float = column(
        "Maximum tonnes to lift a calendar month, all ports and products.",
        unit="t/month",
        example=200000.0,
        ge=0,
    )


class SupplyRow(Row):
    contract: str = column("Contract code (contracts sheet).", example="SUPPLY-2026")
    port: str = column("Port where the product is landed (ports sheet).", example="DAKAR")
    product: str = column("Product code (products sheet).", example="GASOIL")
    price_xof_per_t: float = column(
        "Landed price at the port.", unit="XOF/t", example=750000.0, ge=0
    )


class DepotRow(Row):
    depot: str = column("Depot code, unique.", example="BKO-SENOU")
    name: str = column("Depot name.", example="OMAP Sénou")
    town: str = column("Town.", example="Bamako")
    region: str = column("Region where the depot stands (regions sheet).", example="BAMAKO")
    latitude: float = column("Latitude (WGS 84).", unit="°", example=12.54, ge=-90, le=90)
    longitude: float = column("Longitude (WGS 84).", unit="°", example=-7.95, ge=-180, le=180)
    throughput_t_per_week: float = column(
        "Receiving and loading-out limit, all products.", unit="t/week", example=60000.0, ge=0
    )


class DepotTankRow(Row):
    depot: str = column("Depot code (depots sheet).", example="BKO-SENOU")
    product: str = column("Product code (products sheet).", example="GASOIL")
    capacity_m3: float = column("Tank capacity at 15 °C.", unit="m³", example=20000.0, ge=0)
    tank_bottom_m3: float = column(
        "Unpumpable heel, excluded from usable stock and days of cover.",
        unit="m³",
        example=500.0,
        default=0.0,
        ge=0,
    )
    opening_stock_t: float = column("Stock at the plan's start.", unit="t", example=8000.0, ge=0)
    days_of_cover_target: float = column(
        "Target usable stock in days of forward demand served from the depot.",
        unit="d",
        example=10.0,
        ge=0,
    )


class CorridorRow(Row):
    corridor: str = column("Corridor code, unique.", example="DAKAR-KAYES-BKO")
    name: str = column("Corridor name.", example="Dakar – Kayes – Bamako")
    port: str = column("Origin port (ports sheet).", example="DAKAR")
    depot: str = column("Destination depot (depots sheet).", example="BKO-SENOU")
    axis: str = column(
        "Axis the road belongs to (price structure 'axe'; corridors of one axis close together).",
        example="WEST",
    )
    distance_km: float = column("Road distance port to depot.", unit="km", example=1382.0, gt=0)
    transit_days: float = column(
        "Loaded transit time port to depot, unescorted.", unit="d", example=6.0, gt=0
    )
    border_crossing: str = column("Border post(s) crossed.", example="Kidira/Diboli", default="")
    border_days: float = column("Time at the border.", unit="d", example=1.0, default=0.0, ge=0)
    max_trucks_per_week: float = column(
        "Tanker trucks the road, loading and border can pass a week.",
        unit="truck/week",
        example=900.0,
        ge=0,
    )
    escort_required: bool = column(
        "Trucks may only travel in escorted convoys.", example=True, default=False
    )
    escort_convoys_per_week: float = column(
        "Escorted convoys available a week (used when escort_required).",
        unit="convoy/week",
        example=3.0,
        default=0.0,
        ge=0,
    )
    trucks_per_convoy: float = column(
        "Tanker trucks an escorted convoy takes.",
        unit="truck/convoy",
        example=150.0,
        default=0.0,
        ge=0,
    )
    escort_extra_days: float = column(
        "Extra transit time when escorted.", unit="d", example=2.0, default=0.0, ge=0
    )
    cost_xof_per_t: float = column(
        "Transport cost port to depot.", unit="XOF/t", example=50000.0, ge=0
    )


class RegionRow(Row):
    region: str = column("Region code, unique.", example="KAYES")
    name: str = column("Region name.", example="Kayes")
    capital: str = column("Regional capital.", example="Kayes")
    latitude: float = column(
        "Latitude of the capital (WGS 84).", unit="°", example=14.45, ge=-90, le=90
    )
    longitude: float = column(
        "Longitude of the capital (WGS 84).", unit="°", example=-11.44, ge=-180, le=180
    )
    population: int = column("Population.", unit="person", example=2_400_000, ge=0)


class DemandRow(Row):
    region: str = column("Region code (regions sheet).", example="KAYES")
    product: str = column("Product code (products sheet).", example="GASOIL")
    t_per_week: float = column(
        "Average weekly demand before seasonality.", unit="t/week", example=2500.0, ge=0
    )


class RegionSupplyRow(Row):
    region: str = column("Region code (regions sheet).", example="KAYES")
    depot: str = column("Depot that can serve the region (depots sheet).", example="BKO-SENOU")
    cost_xof_per_t: float = column(
        "Secondary transport cost depot to region.", unit="XOF/t", example=15000.0, ge=0
    )
    delivery_days: float = column("Delivery time depot to region.", unit="d", example=2.0, ge=0)


class FleetRow(Row):
    fleet: str = column("Fleet code, unique.", example="NATIONAL")
    trucks: int = column(
        "Tanker trucks available to the programme.", unit="truck", example=4000, ge=0
    )
    truck_capacity_m3: float = column("Tank volume of one truck.", unit="m³", example=46.0, gt=0)
    loading_days: float = column(
        "Time to queue and load at a port.", unit="d", example=1.0, default=0.0, ge=0
    )
    unloading_days: float = column(
        "Time to queue and unload at a depot.", unit="d", example=1.0, default=0.0, ge=0
    )


class SeasonalityRow(Row):
    month: int = column("Calendar month, 1 to 12.", example=3, ge=1, le=12)
    factor: float = column("Multiplier on average weekly demand.", unit="1", example=1.08, ge=0)


class AvailabilityRow(Row):
    corridor: str = column("Corridor code (corridors sheet).", example="DAKAR-KAYES-BKO")
    week: int = column("Plan week, 1 = first week of the horizon.", unit="week", example=3, ge=1)
    factor: float = column(
        "Share of the corridor's capacity usable that week (0 = closed).",
        unit="1",
        example=0.0,
        ge=0,
        le=1,
    )


class InTransitRow(Row):
    corridor: str = column("Corridor code (corridors sheet).", example="DAKAR-KAYES-BKO")
    product: str = column("Product code (products sheet).", example="GASOIL")
    tonnes: float = column(
        "Tonnes on the road at the plan's start.", unit="t", example=3000.0, ge=0
    )
    arrival_week: int = column(
        "Plan week in which the load arrives at the depot.", unit="week", example=1, ge=1
    )


class ParameterRow(Row):
    name: str = column(
        "Parameter name (see the documented list).", example="shortage_penalty_xof_per_t"
    )
    value: float = column("Value, in the parameter's unit.", example=5_000_000.0)
    unit: str = column(
        "Unit, for the reader; checked against the documented one.", example="XOF/t", default=""
    )
    source: str = column(
        "Where the value comes from, or 'assumption'.", example="assumption", default=""
    )


class ProvenanceRow(Row):
    sheet: str = column("Sheet the figure is in.", example="corridors")
    key: str = column(
        "Row key (code) the figure belongs to, or * for the whole sheet.", example="DAKAR-KAYES-BKO"
    )
    field: str = column("Column, or * for the whole row.", example="distance_km")
    status: str = column("'sourced', 'approximate' or 'assumption'.", example="sourced")
    source: str = column(
        "Citation: publication, date, page or address.", example="shared/domain/fuel.md"
    )
    note: str = column("Anything a reviewer should know.", example="", default="")


@dataclass(frozen=True)
class SheetSpec:
    """A sheet of the network workbook: its row model, key columns, whether it is required."""

    name: str
    row: type[Row]
    key: tuple[str, ...]
    required: bool
    description: str


SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("products", ProductRow, ("product",), True, "Petroleum products planned."),
    SheetSpec(
        "ports",
        PortRow,
        ("port",),
        True,
        "Coastal ports where product is landed and loaded on trucks.",
    ),
    SheetSpec("port_stocks", PortStockRow, ("port", "product"), False, "Opening stock at ports."),
    SheetSpec(
        "contracts", ContractRow, ("contract",), True, "Supply contracts and their monthly bands."
    ),
    SheetSpec(
        "supply",
        SupplyRow,
        ("contract", "port", "product"),
        True,
        "What each contract delivers where, at what price.",
    ),
    SheetSpec("depots", DepotRow, ("depot",), True, "Inland storage depots."),
    SheetSpec(
        "depot_tanks",
        DepotTankRow,
        ("depot", "product"),
        True,
        "Tankage, opening stock and cover target per depot and product.",
    ),
    SheetSpec(
        "corridors", CorridorRow, ("corridor",), True, "Road corridors from a port to a depot."
    ),
    SheetSpec("regions", RegionRow, ("region",), True, "Regions whose demand must be met."),
    SheetSpec(
        "demand",
        DemandRow,
        ("region", "product"),
        True,
        "Average weekly demand per region and product.",
    ),
    SheetSpec(
        "region_supply",
        RegionSupplyRow,
        ("region", "depot"),
        True,
        "Which depots serve which regions.",
    ),
    SheetSpec("fleet", FleetRow, ("fleet",), True, "The tanker-truck fleet (one row)."),
    SheetSpec(
        "seasonality", SeasonalityRow, ("month",), False, "Monthly demand multipliers (default 1)."
    ),
    SheetSpec(
        "availability",
        AvailabilityRow,
        ("corridor", "week"),
        False,
        "Corridor availability by plan week (default 1).",
    ),
    SheetSpec(
        "in_transit",
        InTransitRow,
        ("corridor", "product", "arrival_week"),
        False,
        "Loads on the road at the start.",
    ),
    SheetSpec(
        "parameters", ParameterRow, ("name",), False, "Penalties and settings of the planner."
    ),
    SheetSpec(
        "provenance",
        ProvenanceRow,
        ("sheet", "key", "field"),
        False,
        "Source or assumption behind each figure.",
    ),
)


# Disruption parameters (docs/simulation.md): optional sheets of the same workbook, read by
# `nafolo.fuel.simulation.load_disruption`; `load_network` checks their cells and leaves them out
# of the Network. An absent sheet switches its mechanism off.


class CorridorDisruptionRow(Row):
    corridor: str = column("Corridor code (corridors sheet).", example="DKR-KAYES-SENOU")
    mean_open_weeks: float = column(
        "Mean length of an open spell before the corridor closes on its own.",
        unit="week",
        example=26.0,
        ge=1,
    )
    mean_closure_weeks: float = column(
        "Mean length of a closure of this corridor alone.", unit="week", example=2.0, ge=1
    )
    attacks_per_year: float = column(
        "Attacks on trucks in transit on this corridor a year.",
        unit="1/year",
        example=2.0,
        default=0.0,
        ge=0,
    )
    attack_loss_share: float = column(
        "Share of the loads in transit on the corridor destroyed by one attack.",
        unit="1",
        example=0.05,
        default=0.0,
        ge=0,
        le=1,
    )


class ShockRow(Row):
    shock: str = column("Shock code, unique.", example="JNIM-WEST")
    axis: str = column(
        "Axis whose corridors the shock closes together (corridors sheet), or blank.",
        example="WEST",
        default="",
    )
    corridors: str = column(
        "Corridor codes closed together, separated by ';' (used when axis is blank).",
        example="",
        default="",
    )
    onsets_per_year: float = column(
        "Shocks starting a year (while none is under way).", unit="1/year", example=1.0, ge=0
    )
    mean_duration_weeks: float = column("Mean length of one shock.", unit="week", example=4.0, ge=1)
    truck_loss_share: float = column(
        "Share of the loads in transit on its corridors destroyed when the shock starts.",
        unit="1",
        example=0.1,
        default=0.0,
        ge=0,
        le=1,
    )


class PortDelayRow(Row):
    port: str = column("Port code (ports sheet).", example="DAKAR")
    onsets_per_year: float = column(
        "Delays starting a year (late vessel, berth or customs hold).",
        unit="1/year",
        example=3.0,
        ge=0,
    )
    mean_delay_weeks: float = column(
        "Mean length of one delay; no truck loads at the port meanwhile.",
        unit="week",
        example=1.0,
        ge=1,
    )


class DemandNoiseRow(Row):
    region: str = column("Region code (regions sheet), or * for every region.", example="*")
    product: str = column("Product code (products sheet), or * for every product.", example="*")
    cv: float = column(
        "Coefficient of variation of weekly demand around its seasonal mean (lognormal).",
        unit="1",
        example=0.1,
        ge=0,
        le=2,
    )


class ScenarioRow(Row):
    scenario: str = column("Named scenario code (several rows may share it).", example="BLOCKADE")
    axis: str = column("Axis closed (corridors sheet), or blank.", example="WEST", default="")
    corridor: str = column("Corridor closed, used when axis is blank.", example="", default="")
    first_week: int = column("First plan week closed.", unit="week", example=2, ge=1)
    last_week: int = column("Last plan week closed.", unit="week", example=7, ge=1)
    truck_loss_share: float = column(
        "Share of the loads in transit on the closed corridors destroyed in the first week.",
        unit="1",
        example=0.2,
        default=0.0,
        ge=0,
        le=1,
    )
    description: str = column("What the scenario repeats or tests.", example="", default="")


DISRUPTION_SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "disruption_corridors",
        CorridorDisruptionRow,
        ("corridor",),
        False,
        "Closures and attacks of each corridor on its own (absent corridor: never closes).",
    ),
    SheetSpec(
        "disruption_shocks",
        ShockRow,
        ("shock",),
        False,
        "Common shocks closing an axis or a set of corridors together.",
    ),
    SheetSpec("port_delays", PortDelayRow, ("port",), False, "Delays stopping loading at a port."),
    SheetSpec(
        "demand_noise",
        DemandNoiseRow,
        ("region", "product"),
        False,
        "Weekly demand noise around seasonality (absent: demand as planned).",
    ),
    SheetSpec(
        "scenarios",
        ScenarioRow,
        ("scenario", "axis", "corridor"),
        False,
        "Named deterministic closures, e.g. a repeat of the 2025 blockade.",
    ),
)

NETWORK_FILE_SHEETS: tuple[SheetSpec, ...] = (*SHEETS, *DISRUPTION_SHEETS)
"""Every sheet a network workbook may hold: the network's and the optional disruption sheets."""


def sheet(name: str) -> SheetSpec:
    """The spec of a sheet by name."""
    for spec in SHEETS:
        if spec.name == name:
            return spec
    raise KeyError(f"unknown sheet {name!r}; sheets are: {', '.join(s.name for s in SHEETS)}")


def column_unit(row: type[Row], name: str) -> str:
    """The unit a column is expressed in ('' for codes and text)."""
    extra = row.model_fields[name].json_schema_extra
    return str(extra.get("unit", "")) if isinstance(extra, dict) else ""
