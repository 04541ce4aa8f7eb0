"""The planner's Pyomo twin (benchmarks/pyomo_planner.py) reaches the linopy model's optimum."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyomo")
planning = pytest.importorskip("nafolo.fuel.planning")
if not all(hasattr(planning, name) for name in ("prepare", "build_model", "solve")):
    pytest.skip("the linopy planner API is not there yet", allow_module_level=True)

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root: benchmarks/

from benchmarks.pyomo_planner import PyomoHighs, build_pyomo_model  # noqa: E402

from nafolo.fuel.network.io import load_network  # noqa: E402
from nafolo.fuel.network.synthetic import synthetic_network  # noqa: E402

START = date(2026, 11, 30)


def objectives(data: Any) -> tuple[float, float]:
    """(linopy, Pyomo) optimal objectives of the same PlanData."""
    model = planning.build_model(data)
    outcome = planning.solve(model)
    assert outcome.status == "optimal"
    twin = build_pyomo_model(data)
    solver = PyomoHighs({"output_flag": False})
    solver.hand_off(twin)
    return outcome.objective_xof, solver.run(twin)


def test_twin_matches_linopy_on_a_small_synthetic_network() -> None:
    network = synthetic_network(ports=4, depots=4, regions=5, products=3, corridors_per_depot=2)
    linopy_xof, pyomo_xof = objectives(planning.prepare(network, 10, START))
    assert pyomo_xof == pytest.approx(linopy_xof, rel=1e-6)


def test_twin_matches_linopy_on_a_tiny_network() -> None:
    network = synthetic_network(ports=1, depots=1, regions=1, products=1, corridors_per_depot=1)
    linopy_xof, pyomo_xof = objectives(planning.prepare(network, 3, START))
    assert pyomo_xof == pytest.approx(linopy_xof, rel=1e-6)


def test_twin_matches_linopy_on_the_national_network() -> None:
    linopy_xof, pyomo_xof = objectives(planning.prepare(load_network(), 13, START))
    assert pyomo_xof == pytest.approx(linopy_xof, rel=1e-6)
