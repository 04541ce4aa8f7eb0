from datetime import date

import pandas as pd
import pytest

from nafolo.fuel.network.io import load_network
from nafolo.fuel.planning import PlanData, prepare
from nafolo.fuel.simulation.system import system_from_tables
from nafolo.workbook import InputError


@pytest.fixture(scope="module")
def data() -> PlanData:
    return prepare(load_network(), 2, date(2026, 1, 5))


def deliveries(**row: object) -> pd.DataFrame:
    base = {"region": "KAYES", "depot": "KAYES", "product": "GASOIL", "week": 1, "delivered_t": 5}
    return pd.DataFrame([{**base, **row}])


def shipments(**row: object) -> pd.DataFrame:
    base = {"corridor": "DKR-KAYES", "product": "GASOIL", "week": 1, "shipped_t": 40.0}
    return pd.DataFrame([{**base, **row}])


def test_plan_rows_land_at_their_positions(data: PlanData) -> None:
    system = system_from_tables(data, shipments(week=2), deliveries())
    c = system.corridors.index("DKR-KAYES")
    k = system.products.index("GASOIL")
    assert system.shipments_t[1, c, k] == 40.0
    assert system.shipments_t.sum() == 40.0
    assert system.deliveries_t.sum() == 5.0


def test_unknown_codes_and_weeks_are_refused_naming_table_row_and_column(data: PlanData) -> None:
    with pytest.raises(InputError) as caught:
        system_from_tables(data, shipments(corridor="NOWHERE"), deliveries(week=3))
    found = {(p.sheet, p.row, p.column) for p in caught.value.problems}
    assert found == {("shipments", 2, "corridor"), ("deliveries", 2, "week")}


def test_a_delivery_off_the_region_supply_arcs_is_refused(data: PlanData) -> None:
    with pytest.raises(InputError, match="no region_supply arc"):
        system_from_tables(data, shipments(), deliveries(region="GAO", depot="KAYES"))


def test_a_missing_column_is_refused(data: PlanData) -> None:
    with pytest.raises(InputError, match="shipped_t"):
        system_from_tables(data, shipments().drop(columns="shipped_t"), deliveries())
