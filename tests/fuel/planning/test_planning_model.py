"""The model's equations on hand-checkable instances (docs/planner.md § Constraints)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nafolo.fuel.network.schema import InTransitRow
from nafolo.fuel.planning import build_model, plan, prepare

SHORTAGE_PENALTY = 5_000_000.0  # XOF/t, as in conftest.line_network
UNIT_COST = 100.0 + 10.0 + 1.0  # landed + trucked + delivered, XOF/t


def shortage_by_week(result) -> list[float]:
    return [round(v, 6) + 0.0 for v in result.tables["regional_supply"]["shortage_t"]]


def test_known_optimum_on_one_line(make_line, start, conserved) -> None:
    # Nothing arrives in week 1 (lead time 1 week); weeks 2–4 are met from loads of weeks 1–3.
    result = plan(make_line(), 4, start)
    conserved(result)
    assert result.status == "optimal"
    assert result.objective_xof == pytest.approx(100 * SHORTAGE_PENALTY + 300 * UNIT_COST)
    assert shortage_by_week(result) == [100.0, 0.0, 0.0, 0.0]
    assert result.kpis["lifted_t"] == pytest.approx(300.0)


def test_supply_cut_gives_shortage_where_and_when_expected(make_line, start, conserved) -> None:
    # Corridor closed in weeks 2–3: the loads that would arrive in weeks 3–4 never leave.
    network = make_line(max_trucks_per_week=2, closed_weeks=(2, 3), holding=1.0)
    result = plan(network, 6, start)
    conserved(result)
    assert shortage_by_week(result) == [100.0, 0.0, 100.0, 100.0, 0.0, 0.0]


def test_load_arrives_lead_time_weeks_later(make_line, start, conserved) -> None:
    result = plan(make_line(transit_days=10.0, holding=1.0), 5, start)  # L = 2 weeks
    conserved(result)
    shipped = result.tables["shipments"].set_index("week")["shipped_t"]
    received = result.tables["depot_stocks"].set_index("week")["received_t"]
    assert shipped[1] == pytest.approx(100.0)
    assert received[3] == pytest.approx(shipped[1])
    assert received[1] == received[2] == 0.0
    assert shortage_by_week(result) == [100.0, 100.0, 0.0, 0.0, 0.0]


def test_contract_maximum_binds(make_line, start, conserved) -> None:
    result = plan(make_line(contract_max=100.0), 3, start)  # 21 January days: φ = 21/31
    conserved(result)
    assert result.kpis["lifted_t"] == pytest.approx(100.0 * 21 / 31)
    assert "contract_max" in [b.block for b in result.binding]


def test_contract_minimum_binds(make_line, start, conserved) -> None:
    result = plan(make_line(contract_min=1_000.0), 3, start)
    conserved(result)
    assert result.kpis["lifted_t"] == pytest.approx(1_000.0 * 21 / 31)
    closing = result.tables["conservation"].iloc[0]
    assert closing["closing_ports_t"] == pytest.approx(1_000.0 * 21 / 31 - 200.0)
    assert "contract_min" in [b.block for b in result.binding]


def test_days_of_cover_target_is_a_penalised_soft_target(make_line, start, conserved) -> None:
    # Target 7 d = next week's withdrawals (100 t). Week 1 cannot hold stock (nothing arrives):
    # 100 t of cover gap there; weeks 2–4 keep 100 t usable, at 10 XOF/t/week holding.
    network = make_line(cover_target_d=7.0, cover_penalty=1_000.0, holding=10.0)
    result = plan(network, 4, start)
    conserved(result)
    stocks = result.tables["depot_stocks"]
    assert stocks["cover_gap_t"].tolist() == pytest.approx([100.0, 0.0, 0.0, 0.0])
    assert stocks["days_of_cover"].tolist() == pytest.approx([0.0, 7.0, 7.0, 7.0])
    expected = 100 * SHORTAGE_PENALTY + 1_000.0 * 100 + 400 * 110 + 300 * 1 + 10 * 300
    assert result.objective_xof == pytest.approx(expected)


def test_days_of_cover_is_infinite_without_withdrawals(make_line, start) -> None:
    result = plan(make_line(demand_t_per_week=0.0, opening_depot_t=50.0), 2, start)
    assert np.isnan(result.tables["depot_stocks"]["days_of_cover"]).all()
    assert result.kpis["min_days_of_cover"] is None


def test_integer_truckloads(make_line, start, conserved) -> None:
    result = plan(make_line(demand_t_per_week=120.0), 4, start, integer_trucks=True)
    conserved(result)
    trucks = result.tables["shipments"]["truckloads"].to_numpy()
    assert result.status in ("optimal", "feasible")
    assert result.integer_trucks
    np.testing.assert_allclose(trucks, np.round(trucks), atol=1e-6)
    assert trucks.sum() > 0


def test_dimensions_are_named_after_the_domain(make_line, start) -> None:
    model = build_model(prepare(make_line(), 3, start))
    assert model.variables["trucks"].dims == ("corridor", "product", "week")
    assert model.variables["deliver"].dims == ("region", "depot", "product", "week")
    assert set(model.constraints) >= {"port_balance", "depot_balance", "regional_demand"}


def test_opening_in_transit_arrives_in_its_week(make_line, start, conserved) -> None:
    # 100 t on the road arriving in week 1 meets week 1's demand; 50 t arriving after the horizon
    # stays "in transit at the end".
    network = dataclasses.replace(
        make_line(),
        in_transit=(
            InTransitRow(corridor="C", product="P", tonnes=100.0, arrival_week=1),
            InTransitRow(corridor="C", product="P", tonnes=50.0, arrival_week=9),
        ),
    )
    result = plan(network, 4, start)
    conserved(result)
    assert shortage_by_week(result) == [0.0, 0.0, 0.0, 0.0]
    balance = result.tables["conservation"].iloc[0]
    assert balance["opening_in_transit_t"] == 150.0
    assert balance["closing_in_transit_t"] == 50.0
