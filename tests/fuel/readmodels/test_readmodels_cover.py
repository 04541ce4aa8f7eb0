"""Stock, in transit and days of cover projected from the ledger, against forward demand."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from nafolo.fuel.network.model import Network
from nafolo.fuel.operations import (
    Compartment,
    ConvoyDispatch,
    FuelOperations,
    MeasuredLoad,
    OpeningStock,
)
from nafolo.fuel.readmodels import (
    days_of_cover,
    depot_cover,
    depot_stocks,
    in_transit,
    region_cover,
)
from nafolo.fuel.readmodels.cover import depot_shares, forward_daily_demand
from nafolo.ledger import Ledger

JUNE = datetime(2026, 6, 1, tzinfo=UTC)
"""A 28-day horizon from here lies in June, whose seasonality factor is 1."""
GAO_BOTTOM_T = Decimal("21.098")  # 25 m³ × (845 − 1.1) kg/m³, to the kilogram
GAO_GASOIL_T_PER_D = (510 * 1500 / (1500 + 4000) + 70 + 60) / 7
"""Gao region's gasoil shared with Sévaré by throughput; Kidal and Ménaka served by Gao alone."""


def open_gao(ops: FuelOperations, tonnes: str = "170") -> None:
    ops.record_opening_stock(
        OpeningStock(
            document_ref="OPEN-GAO-GO",
            depot="GAO",
            product="GASOIL",
            at=datetime(2026, 5, 1, tzinfo=UTC),
            quantity_t=Decimal(tonnes),
        )
    )


def test_days_of_cover_is_usable_stock_over_daily_demand() -> None:
    assert days_of_cover(150.0, 30.0) == pytest.approx(5.0)


def test_days_of_cover_without_demand_is_infinite() -> None:
    assert days_of_cover(150.0, 0.0) is None


def test_days_of_cover_of_a_stock_below_tank_bottom_is_zero() -> None:
    assert days_of_cover(-12.0, 30.0) == 0.0


def test_forward_demand_carries_the_month_s_seasonality(mali: Network) -> None:
    february = forward_daily_demand(mali, date(2026, 2, 1), 28)
    assert february[("KAYES", "GASOIL")] == pytest.approx(6660 / 7 * 1.04)


def test_each_region_s_demand_is_shared_out_entirely(mali: Network) -> None:
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for (region, _depot, product), share in depot_shares(mali).items():
        totals[(region, product)] += share
    assert all(total == pytest.approx(1.0) for total in totals.values())
    assert ("KAYES", "KAYES", "GASOIL") not in depot_shares(mali)  # no tank capacity


def test_usable_stock_excludes_the_tank_bottom(ops: FuelOperations, ledger: Ledger) -> None:
    open_gao(ops)
    gao = next(s for s in depot_stocks(ledger, ops.network) if s.depot == "GAO")
    assert gao.stock_t == Decimal(170)
    assert gao.tank_bottom_t == GAO_BOTTOM_T
    assert gao.usable_t == Decimal(170) - GAO_BOTTOM_T


def test_depot_cover_against_forward_demand_and_target(ops: FuelOperations, ledger: Ledger) -> None:
    open_gao(ops)
    gao = next(
        c
        for c in depot_cover(ledger, ops.network, JUNE)
        if (c.depot, c.product) == ("GAO", "GASOIL")
    )
    assert gao.daily_demand_t == pytest.approx(GAO_GASOIL_T_PER_D)
    assert gao.days_of_cover == pytest.approx(float(170 - GAO_BOTTOM_T) / GAO_GASOIL_T_PER_D)
    assert gao.target_days == 10
    assert gao.below_target


def test_a_region_served_by_one_depot_has_that_depot_s_cover(
    ops: FuelOperations, ledger: Ledger
) -> None:
    open_gao(ops)
    kidal = next(
        r
        for r in region_cover(ledger, ops.network, JUNE)
        if (r.region, r.product) == ("KIDAL", "GASOIL")
    )
    assert kidal.daily_demand_t == pytest.approx(10.0)
    assert kidal.days_of_cover == pytest.approx(float(170 - GAO_BOTTOM_T) / GAO_GASOIL_T_PER_D)


def test_product_on_the_road_is_in_transit_on_its_corridor(
    ops: FuelOperations, ledger: Ledger
) -> None:
    load = MeasuredLoad(
        volume_l=Decimal(15000), temperature_c=Decimal(30), density_kg_m3=Decimal("834.5")
    )
    result = ops.dispatch_convoy(
        ConvoyDispatch(
            document_ref="MAN-1",
            convoy="CV-1",
            corridor="ABJ-SIKASSO",
            contract="SUPPLY-2026",
            dispatched_at=JUNE,
            compartments=[Compartment(truck="T1", compartment=1, product="GASOIL", load=load)],
        )
    )
    [row] = in_transit(ledger)
    assert (row.corridor, row.product, row.convoys) == ("ABJ-SIKASSO", "GASOIL", 1)
    assert row.in_transit_t == result.entries[0].quantity_t
