"""Small hand-checkable planning networks, built in code.

The basic line: one port O, one contract Q, one product P, one corridor C (O → depot D), one region
R served by D the same week. P's density is 1001.1 kg/m³, so a tank m³ holds exactly 1 t (weight in
air) and a 50 m³ truck carries 50 t. Transit 3 days → lead time 1 week; round trip (2·3 + 0.5 + 0.5)
/ 7 = 1 week. Costs: 100 XOF/t landed, 10 XOF/t trucked, 1 XOF/t delivered; shortage 5 M XOF/t.
Week 1 starts on Monday 5 January 2026: weeks 1–3 lie in January (21 of its 31 days), week 4
ends on 1 February.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from nafolo.fuel.network.model import Network, PlannerParameters
from nafolo.fuel.network.schema import (
    AvailabilityRow,
    ContractRow,
    CorridorRow,
    DemandRow,
    DepotRow,
    DepotTankRow,
    FleetRow,
    PortRow,
    ProductGroup,
    ProductRow,
    RegionRow,
    RegionSupplyRow,
    SupplyRow,
)
from nafolo.fuel.planning import PlanResult, check_conservation

START = date(2026, 1, 5)
SHORTAGE_PENALTY = 5_000_000.0
UNIT_COST = 100.0 + 10.0 + 1.0  # landed + trucked + delivered, XOF/t

NetworkFactory = Callable[..., Network]


def line_network(
    *,
    demand_t_per_week: float = 100.0,
    max_trucks_per_week: float = 10.0,
    transit_days: float = 3.0,
    escort: tuple[float, float] | None = None,
    fleet_trucks: int = 100,
    contract_min: float = 0.0,
    contract_max: float = 1_000_000.0,
    port_storage_t: float = 1_000_000.0,
    port_loading_t_per_week: float = 1_000_000.0,
    tank_m3: float = 10_000.0,
    opening_depot_t: float = 0.0,
    cover_target_d: float = 0.0,
    holding: float = 0.0,
    cover_penalty: float = 0.0,
    closed_weeks: tuple[int, ...] = (),
) -> Network:
    """The one-line network of this module's docstring, with the named figures changed."""
    place: dict[str, Any] = {"latitude": 12.0, "longitude": -8.0}
    return Network(
        products=(
            ProductRow(
                product="P",
                name="Gasoil",
                group=ProductGroup.FUEL_OIL,
                density_15_kg_m3=1001.1,
                holding_cost_xof_per_t_week=holding,
            ),
        ),
        ports=(
            PortRow(
                port="O",
                name="Port O",
                country="Senegal",
                storage_capacity_t=port_storage_t,
                loading_capacity_t_per_week=port_loading_t_per_week,
                **place,
            ),
        ),
        contracts=(
            ContractRow(
                contract="Q",
                supplier="S",
                min_t_per_month=contract_min,
                max_t_per_month=contract_max,
            ),
        ),
        supply=(SupplyRow(contract="Q", port="O", product="P", price_xof_per_t=100.0),),
        depots=(
            DepotRow(
                depot="D",
                name="Depot D",
                town="T",
                region="R",
                throughput_t_per_week=1_000_000.0,
                **place,
            ),
        ),
        depot_tanks=(
            DepotTankRow(
                depot="D",
                product="P",
                capacity_m3=tank_m3,
                tank_bottom_m3=0.0,
                opening_stock_t=opening_depot_t,
                days_of_cover_target=cover_target_d,
            ),
        ),
        corridors=(
            CorridorRow(
                corridor="C",
                name="Port O – Depot D",
                port="O",
                depot="D",
                axis="WEST",
                distance_km=500.0,
                transit_days=transit_days,
                max_trucks_per_week=max_trucks_per_week,
                escort_required=escort is not None,
                escort_convoys_per_week=escort[0] if escort else 0.0,
                trucks_per_convoy=escort[1] if escort else 0.0,
                cost_xof_per_t=10.0,
            ),
        ),
        regions=(RegionRow(region="R", name="Region R", capital="T", population=1, **place),),
        demand=(DemandRow(region="R", product="P", t_per_week=demand_t_per_week),),
        region_supply=(
            RegionSupplyRow(region="R", depot="D", cost_xof_per_t=1.0, delivery_days=0.0),
        ),
        fleet=(
            FleetRow(
                fleet="F",
                trucks=fleet_trucks,
                truck_capacity_m3=50.0,
                loading_days=0.5,
                unloading_days=0.5,
            ),
        ),
        availability=tuple(AvailabilityRow(corridor="C", week=w, factor=0.0) for w in closed_weeks),
        parameters=PlannerParameters(
            shortage_penalty_xof_per_t=SHORTAGE_PENALTY,
            cover_shortfall_penalty_xof_per_t_week=cover_penalty,
        ),
        name="line",
    )


@pytest.fixture
def start() -> date:
    """Monday 5 January 2026: week 1 of every test plan."""
    return START


@pytest.fixture
def make_line() -> NetworkFactory:
    """Factory of one-line networks: `make_line(demand_t_per_week=150, ...)`."""
    return line_network


def assert_conserved(result: PlanResult) -> None:
    """Every product balances and, per region and week, delivered + shortage = demand."""
    check_conservation(result.tables["conservation"], result.tables["regional_supply"])
    regional = result.tables["regional_supply"]
    gap = regional["delivered_t"] + regional["shortage_t"] - regional["demand_t"]
    assert gap.abs().max() < 1e-6


@pytest.fixture
def conserved() -> Callable[[PlanResult], None]:
    """The conservation check every solved plan in these tests goes through."""
    return assert_conserved
