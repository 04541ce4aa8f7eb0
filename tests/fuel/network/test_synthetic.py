"""Synthetic networks: valid, reproducible, sized by their arguments, feasible and tight."""

from __future__ import annotations

from datetime import date

import pytest

from nafolo.fuel.network.synthetic import synthetic_network

START = date(2026, 11, 30)


def test_sizes_follow_the_arguments() -> None:
    network = synthetic_network(ports=6, depots=4, regions=5, products=3, corridors_per_depot=3)
    assert len(network.ports) == 6
    assert len(network.depots) == 4
    assert len(network.regions) == 5
    assert [p.product for p in network.products] == ["GASOIL", "SUPER", "FUEL_OIL"]
    assert len(network.corridors) == 4 * 3
    assert len(network.supply) == 6 * 3
    assert len(network.contracts) == 2  # four ports a contract


def test_same_seed_same_network_other_seed_other_network() -> None:
    first = synthetic_network(3, 3, 4, 2, 2, seed=7)
    assert synthetic_network(3, 3, 4, 2, 2, seed=7) == first
    assert synthetic_network(3, 3, 4, 2, 2, seed=8) != first


def test_every_region_has_a_depot_and_every_depot_a_region() -> None:
    network = synthetic_network(ports=2, depots=6, regions=3, products=1, corridors_per_depot=1)
    arcs = {(a.region, a.depot) for a in network.region_supply}
    assert {r for r, _ in arcs} == {r.region for r in network.regions}
    assert {d for _, d in arcs} == {d.depot for d in network.depots}


def test_more_products_than_the_five_templates_get_numbered_codes() -> None:
    network = synthetic_network(ports=1, depots=1, regions=1, products=7, corridors_per_depot=1)
    codes = [p.product for p in network.products]
    assert codes[5:] == ["GASOIL_2", "SUPER_2"]
    assert len(set(codes)) == 7


def test_a_size_below_one_is_refused_naming_the_argument() -> None:
    with pytest.raises(ValueError, match="corridors_per_depot must be ≥ 1, got 0"):
        synthetic_network(ports=1, depots=1, regions=1, products=1, corridors_per_depot=0)


def test_plan_is_feasible_and_several_limit_blocks_bind() -> None:
    planning = pytest.importorskip("nafolo.fuel.planning")
    network = synthetic_network(ports=4, depots=4, regions=5, products=2, corridors_per_depot=2)
    model = planning.build_model(planning.prepare(network, 13, START))
    outcome = planning.solve(model)
    assert outcome.status == "optimal"
    binding = {
        name
        for name in planning.model.HARD_LIMITS
        if name in model.constraints and float(abs(model.constraints[name].dual).max()) > 1e-6
    }
    assert len(binding) >= 4, binding


def test_variable_count_scales_with_corridors_per_depot() -> None:
    planning = pytest.importorskip("nafolo.fuel.planning")
    sizes = [
        planning.build_model(planning.prepare(synthetic_network(3, 4, 4, 2, c), 4, START)).nvars
        for c in (1, 3)
    ]
    # trucks are corridor × product × week: 2 more corridors a depot, 4 depots, 2 products, 4 weeks
    assert sizes[1] - sizes[0] == 2 * 4 * 2 * 4
