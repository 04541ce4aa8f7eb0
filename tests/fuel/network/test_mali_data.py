"""The bundled Mali network: loads, every figure has provenance, and its orders of magnitude hold.

Reference figures are from shared/domain/fuel.md: national consumption ≈ 1.9–2.4 Mt a year, a
contract band of 160,000–200,000 t a month, storage under one week of consumption, ≈ 46 m³ trucks.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator

import pytest

from nafolo.fuel.network.model import Network
from nafolo.fuel.network.schema import SHEETS, CorridorRow, Row

network_io = pytest.importorskip("nafolo.fuel.network.io")

DAYS_PER_YEAR = 365.25
WEEKS_PER_YEAR = DAYS_PER_YEAR / 7
AIR_BUOYANCY_KG_M3 = 1.1
STATUSES = {"sourced", "approximate", "assumption"}


@pytest.fixture(scope="module")
def mali() -> Network:
    network: Network = network_io.load_network()
    return network


def payload_t(network: Network) -> dict[str, float]:
    fleet = network.fleet[0]
    return {
        p.product: fleet.truck_capacity_m3 * (p.density_15_kg_m3 - AIR_BUOYANCY_KG_M3) / 1000
        for p in network.products
    }


def weekly_demand_t(network: Network) -> float:
    return sum(d.t_per_week for d in network.demand)


def corridor_trucks_per_week(c: CorridorRow) -> float:
    if c.escort_required:
        return min(c.max_trucks_per_week, c.escort_convoys_per_week * c.trucks_per_convoy)
    return c.max_trucks_per_week


def round_trip_weeks(network: Network, c: CorridorRow) -> float:
    fleet = network.fleet[0]
    door_to_door_d = (
        c.transit_days + c.border_days + (c.escort_extra_days if c.escort_required else 0)
    )
    return (2 * door_to_door_d + fleet.loading_days + fleet.unloading_days) / 7


def truckloads_per_week_at(network: Network, t_per_week: float) -> float:
    """Truckloads a week to move t_per_week in the network's product mix."""
    payload = payload_t(network)
    total = weekly_demand_t(network)
    mean_payload_t = total / sum(d.t_per_week / payload[d.product] for d in network.demand)
    return t_per_week / mean_payload_t


def band_max_t_per_week(network: Network) -> float:
    return network.contracts[0].max_t_per_month * 12 / WEEKS_PER_YEAR


def figures(network: Network) -> Iterator[tuple[str, Row, str]]:
    """Every (sheet, row, numeric non-key column) of the network's sheets."""
    for spec in SHEETS:
        if spec.name in {"parameters", "provenance"}:
            continue
        for row in getattr(network, spec.name):
            for name, info in type(row).model_fields.items():
                if name not in spec.key and info.annotation in {float, int, bool}:
                    yield spec.name, row, name


def test_loads_as_the_mali_network(mali: Network) -> None:
    assert mali.name == "mali"
    assert {p.port for p in mali.ports} >= {"DAKAR", "ABIDJAN", "CONAKRY", "NOUAKCHOTT", "NIAMEY"}
    assert {d.depot for d in mali.depots} >= {"BKO-SENOU", "BKO-STAROIL", "BKO-SANZOU", "KAYES"}
    assert len(mali.regions) == 11


def test_every_figure_has_provenance(mali: Network) -> None:
    covered = {(p.sheet, p.key, p.field) for p in mali.provenance}
    missing = []
    for sheet_name, row, field in figures(mali):
        spec = next(s for s in SHEETS if s.name == sheet_name)
        keys = {"*", *(str(getattr(row, k)) for k in spec.key)}
        if not any((sheet_name, k, f) in covered for k in keys for f in (field, "*")):
            missing.append(f"{sheet_name} {[getattr(row, k) for k in spec.key]} {field}")
    assert missing == []


def test_every_sheet_has_provenance(mali: Network) -> None:
    sheets_with_provenance = {p.sheet for p in mali.provenance}
    assert {s.name for s in SHEETS if s.name != "provenance"} <= sheets_with_provenance


def test_provenance_rows_name_real_sheets_columns_and_statuses(mali: Network) -> None:
    specs = {s.name: s for s in SHEETS}
    for p in mali.provenance:
        assert p.status in STATUSES, p
        assert p.source, p
        assert p.sheet in specs, p
        assert p.field == "*" or p.field in specs[p.sheet].row.model_fields, p


def test_weekly_demand_matches_national_consumption_of_1_9_to_2_4_mt_a_year(mali: Network) -> None:
    assert 1.9e6 / WEEKS_PER_YEAR <= weekly_demand_t(mali) <= 2.4e6 / WEEKS_PER_YEAR


def test_seasonal_monthly_demand_lies_inside_the_contract_band(mali: Network) -> None:
    contract = mali.contracts[0]
    season = {s.month: s.factor for s in mali.seasonality}
    for month in range(1, 13):
        days = calendar.monthrange(2026, month)[1]
        month_t = weekly_demand_t(mali) * season.get(month, 1.0) * days / 7
        assert contract.min_t_per_month <= month_t <= contract.max_t_per_month, month


def test_seasonality_averages_one(mali: Network) -> None:
    factors = [s.factor for s in mali.seasonality]
    assert len(factors) == 12
    assert sum(factors) / 12 == pytest.approx(1.0, abs=0.005)


def test_total_depot_storage_is_under_one_week_of_consumption(mali: Network) -> None:
    density = {p.product: p.density_15_kg_m3 for p in mali.products}
    storage_t = sum(
        t.capacity_m3 * (density[t.product] - AIR_BUOYANCY_KG_M3) / 1000 for t in mali.depot_tanks
    )
    assert 0 < storage_t < weekly_demand_t(mali)


def test_contract_band_is_160_000_to_200_000_t_a_month(mali: Network) -> None:
    assert [(c.min_t_per_month, c.max_t_per_month) for c in mali.contracts] == [(160_000, 200_000)]


def test_every_region_with_demand_is_served_by_a_depot(mali: Network) -> None:
    served = {a.region for a in mali.region_supply}
    assert {d.region for d in mali.demand} <= served


def test_every_depot_is_reachable_from_a_port(mali: Network) -> None:
    assert {c.depot for c in mali.corridors} == {d.depot for d in mali.depots}


def test_every_demanded_product_is_offered_at_a_port_feeding_its_regions(mali: Network) -> None:
    offered = {(s.port, s.product) for s in mali.supply}
    depots_of = {r.region: set() for r in mali.regions}
    for a in mali.region_supply:
        depots_of[a.region].add(a.depot)
    for d in mali.demand:
        ports = {c.port for c in mali.corridors if c.depot in depots_of[d.region]}
        assert any((port, d.product) in offered for port in ports), (d.region, d.product)


def test_open_corridors_can_carry_the_band_maximum(mali: Network) -> None:
    capacity = sum(corridor_trucks_per_week(c) for c in mali.corridors)
    assert capacity >= truckloads_per_week_at(mali, band_max_t_per_week(mali))


def test_closing_the_western_axis_leaves_less_than_the_band_maximum(mali: Network) -> None:
    capacity = sum(corridor_trucks_per_week(c) for c in mali.corridors if c.axis != "WEST")
    assert capacity < truckloads_per_week_at(mali, band_max_t_per_week(mali))


def test_fleet_covers_the_band_maximum_on_the_corridor_mix(mali: Network) -> None:
    capacity = {c.corridor: corridor_trucks_per_week(c) for c in mali.corridors}
    mean_round_trip_weeks = sum(
        capacity[c.corridor] * round_trip_weeks(mali, c) for c in mali.corridors
    ) / sum(capacity.values())
    needed = truckloads_per_week_at(mali, band_max_t_per_week(mali)) * mean_round_trip_weeks
    assert needed <= mali.fleet[0].trucks <= 1.25 * needed


def test_depot_throughput_covers_weekly_demand(mali: Network) -> None:
    assert sum(d.throughput_t_per_week for d in mali.depots) >= band_max_t_per_week(mali)


def test_opening_depot_stock_lies_between_tank_bottom_and_capacity(mali: Network) -> None:
    density = {p.product: p.density_15_kg_m3 for p in mali.products}
    for t in mali.depot_tanks:
        t_per_m3 = (density[t.product] - AIR_BUOYANCY_KG_M3) / 1000
        assert t.tank_bottom_m3 * t_per_m3 <= t.opening_stock_t <= t.capacity_m3 * t_per_m3, t
