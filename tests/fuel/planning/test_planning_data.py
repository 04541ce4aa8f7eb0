"""Derived parameters of docs/planner.md § Derived parameters, on the one-line network."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from nafolo.fuel.network.schema import PortStockRow
from nafolo.fuel.planning import next_monday, prepare
from nafolo.workbook import InputError


def test_truck_payload_and_tank_capacity_are_weight_in_air(make_line, start) -> None:
    data = prepare(make_line(tank_m3=2_000.0), 4, start)
    assert float(data.payload_t.sel(product="P")) == pytest.approx(50.0)
    assert float(data.cap_t.sel(depot="D", product="P")) == pytest.approx(2_000.0)


@pytest.mark.parametrize(("transit_days", "lead"), [(3.0, 1), (7.0, 1), (7.5, 2), (10.0, 2)])
def test_lead_time_is_whole_weeks_rounded_up(make_line, start, transit_days, lead) -> None:
    data = prepare(make_line(transit_days=transit_days), 4, start)
    assert int(data.lead_weeks.sel(corridor="C")) == lead


def test_round_trip_busy_shares(make_line, start) -> None:
    # τ = 10 d: ρ = (20 + 1) / 7 = 3 weeks → busy 1, 1, 1 in weeks w, w+1, w+2
    data = prepare(make_line(transit_days=10.0), 6, start)
    assert float(data.round_trip_weeks.sel(corridor="C")) == pytest.approx(3.0)
    assert data.busy_share.sel(corridor="C").values.tolist() == [1.0, 1.0, 1.0]


def test_month_shares_and_partial_month_band(make_line) -> None:
    # Thursday 29 January 2026 → week 1 = 26 Jan … 1 Feb: 6 days in January, 1 in February
    data = prepare(make_line(), 2, date(2026, 1, 26))
    assert list(data.months) == ["2026-01", "2026-02"]
    assert float(data.month_share.sel(week=1, month="2026-01")) == pytest.approx(6 / 7)
    assert float(data.month_in_horizon.sel(month="2026-01")) == pytest.approx(6 / 31)
    assert float(data.month_in_horizon.sel(month="2026-02")) == pytest.approx(8 / 28)


def test_next_monday_is_strictly_after() -> None:
    assert next_monday(date(2026, 11, 29)) == date(2026, 11, 30)
    assert next_monday(date(2026, 11, 30)) == date(2026, 12, 7)


def test_opening_stock_above_tank_is_refused_with_sheet_row_column(make_line, start) -> None:
    with pytest.raises(InputError) as refused:
        prepare(make_line(tank_m3=500.0, opening_depot_t=800.0), 4, start)
    problem = refused.value.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("depot_tanks", 2, "opening_stock_t")
    assert "exceeds the tank capacity" in problem.message


def test_port_opening_stock_above_storage_is_refused(make_line, start) -> None:
    network = make_line(port_storage_t=1_000.0)
    network = dataclasses.replace(
        network, port_stocks=(PortStockRow(port="O", product="P", opening_stock_t=1_500.0),)
    )
    with pytest.raises(InputError) as refused:
        prepare(network, 4, start)
    problem = refused.value.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("port_stocks", 2, "opening_stock_t")
