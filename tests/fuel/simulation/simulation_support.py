"""Simulation test support: a hand-checkable two-corridor system and fixed disruptions.

One port O, one product P (a truck carries 40 t), two corridors from O: A (cheap, 100 XOF/t) into
depot D1 and B (dear, 200 XOF/t) into depot D2, both with a one-week lead; each can pass 3 trucks
a week. One region R is served by D1 and D2 the same week. Week 1 starts on 5 January 2026.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest

from nafolo.fuel.simulation.disruption import Disruptions
from nafolo.fuel.simulation.system import SupplySystem

START = date(2026, 1, 5)


def small_system(
    weeks: int = 3,
    ship_a: list[float] | None = None,
    ship_b: list[float] | None = None,
    deliver_d1: list[float] | None = None,
    deliver_d2: list[float] | None = None,
    demand: list[float] | None = None,
    opening: tuple[float, float] = (0.0, 0.0),
    capacity_trucks: float = 3.0,
) -> SupplySystem:
    def series(values: list[float] | None) -> np.ndarray:
        return np.zeros(weeks) if values is None else np.array(values, dtype=float)

    shipments = np.zeros((weeks, 2, 1))
    shipments[:, 0, 0] = series(ship_a)
    shipments[:, 1, 0] = series(ship_b)
    deliveries = np.zeros((weeks, 2, 1))
    deliveries[:, 0, 0] = series(deliver_d1)
    deliveries[:, 1, 0] = series(deliver_d2)
    return SupplySystem(
        corridors=("A", "B"),
        ports=("O",),
        depots=("D1", "D2"),
        regions=("R",),
        products=("P",),
        week_start=tuple(START + timedelta(days=7 * w) for w in range(weeks)),
        corridor_port=np.array([0, 0]),
        corridor_depot=np.array([0, 1]),
        lead_weeks=np.array([1, 1]),
        cost_xof_per_t=np.array([100.0, 200.0]),
        capacity_trucks=np.full((weeks, 2), capacity_trucks),
        payload_t=np.array([40.0]),
        shipments_t=shipments,
        arc_region=np.array([0, 0]),
        arc_depot=np.array([0, 1]),
        arc_lead_weeks=np.array([0, 0]),
        deliveries_t=deliveries,
        demand_t=series(demand).reshape(weeks, 1, 1),
        depot_opening_t=np.array([[opening[0]], [opening[1]]]),
        bottom_t=np.zeros((2, 1)),
        in_transit_t=np.zeros((1, 2, 1)),
    )


def fixed(
    weeks: int,
    closed: dict[tuple[int, int], bool] | None = None,
    loss: dict[tuple[int, int], float] | None = None,
    scenarios: int = 1,
) -> Disruptions:
    """Disruptions of `scenarios` identical scenarios: corridor `c` closed in week `w` (1-based)
    for each (w, c) in `closed`; share destroyed on the road per (w, c) in `loss`."""
    road = np.ones((scenarios, weeks, 2), dtype=bool)
    for (w, c), is_closed in (closed or {}).items():
        road[:, w - 1, c] = not is_closed
    share = np.zeros((scenarios, weeks, 2))
    for (w, c), value in (loss or {}).items():
        share[:, w - 1, c] = value
    return Disruptions(
        road_open=road,
        port_open=np.ones((scenarios, weeks, 1), dtype=bool),
        loss_share=share,
        demand_factor=np.ones((scenarios, weeks, 1, 1)),
    )


@pytest.fixture
def system() -> Callable[..., SupplySystem]:
    def make(**kwargs: Any) -> SupplySystem:
        return small_system(**kwargs)

    return make
