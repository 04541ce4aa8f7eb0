"""A small valid fuel network built in code: two ports, two depots, two regions, one product."""

from __future__ import annotations

from typing import Any

import pytest

from nafolo.fuel.network.model import Network
from nafolo.fuel.network.schema import (
    ContractRow,
    CorridorRow,
    DemandRow,
    DepotRow,
    DepotTankRow,
    FleetRow,
    ParameterRow,
    PortRow,
    ProductGroup,
    ProductRow,
    RegionRow,
    RegionSupplyRow,
    SeasonalityRow,
    SupplyRow,
)


@pytest.fixture
def network() -> Network:
    port: dict[str, Any] = {"country": "Senegal", "latitude": 14.68, "longitude": -17.43}
    corridor: dict[str, Any] = {
        "axis": "WEST",
        "max_trucks_per_week": 900.0,
        "cost_xof_per_t": 50_000.0,
    }
    depot: dict[str, Any] = {
        "town": "Bamako",
        "region": "BAMAKO",
        "latitude": 12.54,
        "longitude": -7.95,
    }
    return Network.from_rows(
        {
            "products": [
                ProductRow(
                    product="GASOIL",
                    name="Gasoil",
                    group=ProductGroup.FUEL_OIL,
                    density_15_kg_m3=845.0,
                )
            ],
            "ports": [
                PortRow(
                    port="DAKAR",
                    name="Dakar",
                    storage_capacity_t=60_000.0,
                    loading_capacity_t_per_week=30_000.0,
                    **port,
                ),
                PortRow(
                    port="ABIDJAN",
                    name="Abidjan",
                    storage_capacity_t=80_000.0,
                    loading_capacity_t_per_week=25_000.5,
                    **port,
                ),
            ],
            "contracts": [
                ContractRow(
                    contract="C1",
                    supplier="Supplier",
                    min_t_per_month=160_000.0,
                    max_t_per_month=200_000.0,
                )
            ],
            "supply": [
                SupplyRow(contract="C1", port="DAKAR", product="GASOIL", price_xof_per_t=750_000.0)
            ],
            "depots": [
                DepotRow(depot="SENOU", name="OMAP Sénou", throughput_t_per_week=60_000.0, **depot),
                DepotRow(depot="KAYES", name="Kayes", throughput_t_per_week=9_000.0, **depot),
            ],
            "depot_tanks": [
                DepotTankRow(
                    depot="SENOU",
                    product="GASOIL",
                    capacity_m3=20_000.0,
                    opening_stock_t=8_000.0,
                    days_of_cover_target=10.0,
                )
            ],
            "corridors": [
                CorridorRow(
                    corridor="DKR-BKO",
                    name="Dakar – Bamako",
                    port="DAKAR",
                    depot="SENOU",
                    distance_km=1382.0,
                    transit_days=6.0,
                    escort_required=True,
                    escort_convoys_per_week=3.0,
                    trucks_per_convoy=150.0,
                    **corridor,
                ),
                CorridorRow(
                    corridor="ABJ-BKO",
                    name="Abidjan – Bamako",
                    port="ABIDJAN",
                    depot="SENOU",
                    distance_km=1220.0,
                    transit_days=3.0,
                    **corridor,
                ),
            ],
            "regions": [
                RegionRow(
                    region="BAMAKO",
                    name="Bamako",
                    capital="Bamako",
                    latitude=12.64,
                    longitude=-8.0,
                    population=2_800_000,
                ),
                RegionRow(
                    region="KAYES",
                    name="Kayes",
                    capital="Kayes",
                    latitude=14.45,
                    longitude=-11.44,
                    population=2_400_000,
                ),
            ],
            "demand": [
                DemandRow(region="BAMAKO", product="GASOIL", t_per_week=20_000.0),
                DemandRow(region="KAYES", product="GASOIL", t_per_week=2_500.25),
            ],
            "region_supply": [
                RegionSupplyRow(
                    region="BAMAKO", depot="SENOU", cost_xof_per_t=5_000.0, delivery_days=0.5
                ),
                RegionSupplyRow(
                    region="KAYES", depot="KAYES", cost_xof_per_t=15_000.0, delivery_days=2.0
                ),
            ],
            "fleet": [FleetRow(fleet="NATIONAL", trucks=4000, truck_capacity_m3=46.0)],
            "seasonality": [SeasonalityRow(month=3, factor=1.08)],
            "parameters": [ParameterRow(name="mip_gap", value=0.02, unit="1")],
        },
        name="small",
    )
