from collections.abc import Callable

import numpy as np
import pytest
from simulation_support import fixed

from nafolo.fuel.simulation.disruption import Disruptions
from nafolo.fuel.simulation.evaluate import _reroute, evaluate, reroute_order
from nafolo.fuel.simulation.system import SupplySystem

System = Callable[..., SupplySystem]


def test_open_roads_follow_the_plan(system: System) -> None:
    s = system(ship_a=[80, 0, 0], deliver_d1=[0, 80, 0], demand=[0, 100, 0])
    out = evaluate(s, fixed(3))
    assert out.shortage_t[0, :, 0].tolist() == [0.0, 20.0, 0.0]
    assert out.received_t[0] == 80.0
    assert out.rerouted_t[0] == 0.0


def test_closed_corridor_tonnes_go_by_the_cheapest_open_corridor_of_the_port(
    system: System,
) -> None:
    # A closed in week 1: its 80 t (2 trucks) fit in B's spare 2 trucks (3 − 1 planned).
    s = system(ship_a=[80, 0, 0], ship_b=[40, 0, 0], deliver_d2=[0, 120, 0], demand=[0, 120, 0])
    out = evaluate(s, fixed(3, closed={(1, 0): True}))
    assert out.rerouted_t[0] == pytest.approx(80.0)
    assert out.shortage_t[0, 1, 0] == pytest.approx(0.0)
    assert out.closing_at_port_t[0] == 0.0


def test_tonnes_beyond_spare_capacity_wait_at_the_port_for_the_next_week(system: System) -> None:
    # A closed weeks 1: 120 t (3 trucks) but B has 1 spare truck: 40 t re-routed, 80 t held,
    # which leave on A in week 2 and reach D1 in week 3.
    s = system(ship_a=[120, 0, 0], ship_b=[80, 0, 0], deliver_d1=[0, 0, 80], demand=[0, 0, 80])
    out = evaluate(s, fixed(3, closed={(1, 0): True}))
    assert out.rerouted_t[0] == pytest.approx(40.0)
    assert out.shortage_t[0, 2, 0] == pytest.approx(0.0)
    assert out.closing_depots_t[0] == pytest.approx(120.0)  # 40 t re-routed + 80 t B left in D2


def test_both_corridors_closed_holds_everything_at_the_port(system: System) -> None:
    s = system(ship_a=[80, 0, 0], demand=[0, 80, 0], deliver_d1=[0, 80, 0])
    out = evaluate(
        s,
        fixed(
            3,
            closed={
                (1, 0): True,
                (1, 1): True,
                (2, 0): True,
                (2, 1): True,
                (3, 0): True,
                (3, 1): True,
            },
        ),
    )
    assert out.closing_at_port_t[0] == 80.0
    assert out.shortage_t[0, 1, 0] == 80.0


def test_loads_destroyed_on_the_road_are_counted_as_lost(system: System) -> None:
    # 80 t leave on A in week 2 and are on the road in week 3, when a quarter is destroyed.
    s = system(ship_a=[0, 80, 0], deliver_d1=[0, 0, 60], demand=[0, 0, 80])
    out = evaluate(s, fixed(3, loss={(3, 0): 0.25}))
    assert out.lost_t[0] == pytest.approx(20.0)
    assert out.shortage_t[0, 2, 0] == pytest.approx(20.0)
    assert abs(out.imbalance_t()[0]) < 1e-9


def test_a_load_with_a_two_week_lead_is_exposed_twice(system: System) -> None:
    s = system(ship_a=[80, 0, 0])
    s = SupplySystem(**{**s.__dict__, "lead_weeks": np.array([2, 2])})
    out = evaluate(s, fixed(3, loss={(2, 0): 0.5, (3, 0): 0.5}))
    assert out.lost_t[0] == pytest.approx(60.0)  # 40 t in week 2, then 20 t in week 3
    assert out.closing_depots_t[0] == pytest.approx(20.0)


def test_depot_serves_no_more_than_its_usable_stock(system: System) -> None:
    s = system(deliver_d1=[50, 50, 0], demand=[50, 50, 0], opening=(70.0, 0.0))
    out = evaluate(s, fixed(3))
    assert out.shortage_t[0, :, 0].tolist() == [0.0, 30.0, 0.0]
    assert out.stockout[0, :, 0].tolist() == [False, True, False]


def test_days_of_cover_is_usable_stock_over_daily_demand(system: System) -> None:
    s = system(deliver_d1=[70, 0, 0], demand=[70, 70, 70], opening=(210.0, 0.0))
    out = evaluate(s, fixed(3))
    assert out.days_of_cover[0, 0, 0] == pytest.approx(14.0)  # 140 t left ÷ 10 t/d


def test_reroute_order_lists_cheapest_alternatives_first(system: System) -> None:
    assert reroute_order(system()) == [(0, [1]), (1, [0])]


def test_tonnes_balance_in_every_random_scenario(system: System) -> None:
    rng = np.random.default_rng(7)
    s = system(
        weeks=6,
        ship_a=[80, 120, 40, 80, 0, 0],
        ship_b=[40, 0, 80, 40, 0, 0],
        deliver_d1=[30, 60, 60, 60, 60, 30],
        deliver_d2=[0, 40, 40, 40, 40, 40],
        demand=[30, 100, 100, 100, 100, 70],
        opening=(60.0, 20.0),
    )
    d = fixed(6, scenarios=200)
    d = type(d)(
        road_open=rng.random((200, 6, 2)) > 0.4,
        port_open=rng.random((200, 6, 1)) > 0.2,
        loss_share=rng.random((200, 6, 2)) * (rng.random((200, 6, 2)) > 0.7),
        demand_factor=rng.lognormal(0.0, 0.2, (200, 6, 1, 1)),
    )
    out = evaluate(s, d)
    assert np.abs(out.imbalance_t()).max() < 1e-9
    assert out.lost_t.max() > 0
    assert out.rerouted_t.max() > 0


def sequential_reroute(
    order: list[int], held: np.ndarray, trucks: np.ndarray, spare: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One scenario, the rule as written: waiting corridors cheapest first, each filling the
    others' spare trucks cheapest first, products in proportion. Returns (held, sent extra)."""
    held, trucks, spare = held.copy(), trucks.copy(), spare.copy()
    extra = np.zeros_like(held)
    for c in order:
        for a in order:
            if a == c or trucks[c] <= 0 or spare[a] <= 0:
                continue
            move = min(trucks[c], spare[a])
            moved = held[c] * (move / trucks[c])
            held[c] -= moved
            extra[a] += moved
            trucks[c] -= move
            spare[a] -= move
    return held, extra


def test_rerouting_in_one_pass_is_the_corridor_by_corridor_rule() -> None:
    rng = np.random.default_rng(3)
    n_c, n_k, n_s = 5, 3, 400
    corridors = np.array([3, 0, 4, 1, 2])  # cheapest first
    waiting = rng.random((n_c, n_s)) < 0.4
    held = rng.random((n_c, n_k, n_s)) * 40.0 * waiting[:, None]
    trucks = held.sum(axis=1) / 40.0
    spare = np.where(waiting, 0.0, rng.random((n_c, n_s)) * 2.0 * (rng.random((n_c, n_s)) < 0.6))
    got_held, got_trucks, sent = held.copy(), trucks.copy(), np.zeros_like(held)
    rerouted = np.zeros(n_s)
    _reroute(corridors, got_held, got_trucks, spare.copy(), sent, rerouted)
    for s in range(n_s):
        want_held, want_extra = sequential_reroute(
            corridors.tolist(), held[:, :, s], trucks[:, s], spare[:, s]
        )
        assert np.allclose(got_held[:, :, s], want_held, atol=1e-9)
        assert np.allclose(sent[:, :, s], want_extra, atol=1e-9)
        assert rerouted[s] == pytest.approx(want_extra.sum(), abs=1e-9)
    assert rerouted.max() > 0


def test_the_scenario_layout_does_not_change_the_results(system: System) -> None:
    rng = np.random.default_rng(5)
    s = system(weeks=4, ship_a=[80, 120, 40, 0], ship_b=[40, 0, 80, 0], demand=[30, 90, 90, 60])
    s = SupplySystem(**{**s.__dict__, "deliveries_t": s.demand_t.repeat(2, axis=1) / 2.0})
    road = rng.random((50, 4, 2)) > 0.3
    loss = rng.random((50, 4, 2)) * (rng.random((50, 4, 2)) > 0.8)
    factor = rng.lognormal(0.0, 0.1, (50, 4, 1, 1))
    first = evaluate(s, Disruptions(road, np.ones((50, 4, 1), bool), loss, factor))
    last = evaluate(
        s,
        Disruptions(
            np.moveaxis(np.ascontiguousarray(np.moveaxis(road, 0, -1)), -1, 0),
            np.moveaxis(np.ones((4, 1, 50), bool), -1, 0),
            np.moveaxis(np.ascontiguousarray(np.moveaxis(loss, 0, -1)), -1, 0),
            np.moveaxis(np.ascontiguousarray(np.moveaxis(factor, 0, -1)), -1, 0),
        ),
    )
    assert np.array_equal(first.shortage_t, last.shortage_t)
    assert np.array_equal(first.days_of_cover, last.days_of_cover, equal_nan=True)
    assert np.array_equal(first.lost_t, last.lost_t)
