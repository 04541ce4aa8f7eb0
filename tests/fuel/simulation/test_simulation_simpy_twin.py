"""The vectorised model and the SimPy reference (benchmarks/simpy_model.py) agree on KPIs within
Monte Carlo error on the small two-corridor system, and exactly without randomness."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from simulation_support import small_system

from nafolo.fuel.simulation.disruption import DisruptionModel
from nafolo.fuel.simulation.parameters import (
    Closure,
    CorridorDisruptionRow,
    DisruptionParameters,
    PortDelayRow,
    Shock,
)
from nafolo.fuel.simulation.run import simulate
from nafolo.fuel.simulation.system import SupplySystem

pytest.importorskip("simpy")
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # the repository root: benchmarks/

from benchmarks.simpy_model import simulate_simpy


def system() -> SupplySystem:
    return small_system(
        weeks=8,
        ship_a=[80, 120, 80, 120, 80, 120, 0, 0],
        ship_b=[40, 0, 40, 0, 40, 0, 0, 0],
        deliver_d1=[40, 80, 100, 80, 100, 80, 100, 80],
        deliver_d2=[0, 40, 0, 40, 0, 40, 0, 40],
        demand=[40, 120, 100, 120, 100, 120, 100, 120],
        opening=(60.0, 20.0),
    )


def parameters() -> DisruptionParameters:
    corridors = {
        "A": CorridorDisruptionRow(
            corridor="A",
            mean_open_weeks=4,
            mean_closure_weeks=2,
            attacks_per_year=10,
            attack_loss_share=0.3,
        ),
        "B": CorridorDisruptionRow(corridor="B", mean_open_weeks=8, mean_closure_weeks=1),
    }
    shock = Shock("S", ("A", "B"), 3.0, 2.0, 0.25)
    port = {"O": PortDelayRow(port="O", onsets_per_year=4, mean_delay_weeks=1)}
    noise = {("*", "*"): 0.15}
    blockade = {"BLOCKADE": (Closure(("A",), 2, 4, 0.5),)}
    return DisruptionParameters(corridors, (shock,), port, noise, blockade)


def test_deterministic_blockade_gives_the_same_figures() -> None:
    s = system()
    model = DisruptionModel.build(s, parameters(), scenario="BLOCKADE", stochastic=False)
    [twin] = simulate_simpy(s, model, 1, seed=1)
    vectorised = simulate(s, model, 1, seed=1)
    assert twin.shortage_t == pytest.approx(float(vectorised.shortage_t.sum()), abs=1e-3)
    assert twin.lost_t == pytest.approx(float(vectorised.lost_t[0]))
    assert twin.rerouted_t == pytest.approx(float(vectorised.rerouted_t[0]))


def test_random_kpis_agree_within_monte_carlo_error() -> None:
    s = system()
    model = DisruptionModel.build(s, parameters())
    twin = simulate_simpy(s, model, 1500, seed=3)
    vectorised = simulate(s, model, 20_000, seed=4)
    pairs = {
        "shortage": (
            np.array([k.shortage_t for k in twin]),
            vectorised.shortage_t.sum(axis=(1, 2), dtype=np.float64),
        ),
        "lost": (np.array([k.lost_t for k in twin]), vectorised.lost_t),
        "rerouted": (np.array([k.rerouted_t for k in twin]), vectorised.rerouted_t),
        "stockout weeks": (
            np.array([k.stockout_weeks[0] for k in twin], dtype=float),
            vectorised.stockout.sum(axis=(1, 2)).astype(float),
        ),
    }
    for name, (a, b) in pairs.items():
        se = np.sqrt(a.var() / a.size + b.var() / b.size)
        assert abs(a.mean() - b.mean()) < 4 * se, f"{name}: {a.mean():.2f} vs {b.mean():.2f}"
