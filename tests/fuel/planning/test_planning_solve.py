"""HiGHS algorithm by model size: interior point with crossover for large LPs, same optimum."""

from __future__ import annotations

import importlib

import pytest

from nafolo.fuel.planning import plan
from nafolo.fuel.planning.solve import LARGE_LP_VARIABLES, lp_algorithm

solve_module = importlib.import_module("nafolo.fuel.planning.solve")  # not the `solve` function


def test_large_lp_uses_interior_point() -> None:
    assert lp_algorithm(LARGE_LP_VARIABLES, integer=False) == "ipm"
    assert lp_algorithm(LARGE_LP_VARIABLES - 1, integer=False) == "choose"


def test_mip_leaves_the_choice_to_highs() -> None:
    assert lp_algorithm(10 * LARGE_LP_VARIABLES, integer=True) == "choose"


def test_interior_point_reaches_the_simplex_optimum_and_duals(
    make_line, start, monkeypatch
) -> None:
    network = make_line(max_trucks_per_week=2, closed_weeks=(2, 3), holding=1.0)
    simplex = plan(network, 6, start)
    monkeypatch.setattr(solve_module, "LARGE_LP_VARIABLES", 1)
    ipm = plan(network, 6, start)
    assert ipm.objective_xof == pytest.approx(simplex.objective_xof, rel=1e-9)
    assert ipm.binding_sentences == simplex.binding_sentences
