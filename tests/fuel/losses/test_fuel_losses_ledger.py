"""The loss analysis reads its legs, dips and tank movements from the ledger (both engines)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine

from nafolo.fuel.losses import analyse_losses, read_period_movements
from nafolo.fuel.network.io import load_network
from nafolo.fuel.operations import import_operations
from nafolo.fuel.operations.example import bundled_example_path
from nafolo.ledger import Ledger

JANUARY = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))


@pytest.mark.slow
def test_the_example_month_reads_back_and_raises_no_false_flag(engine: Engine) -> None:
    ledger = Ledger(engine)
    import_operations(bundled_example_path(), ledger, load_network())
    movements = read_period_movements(ledger, *JANUARY)
    above = [leg.truck for leg in movements.legs if leg.loss_t > 0 and leg.above_tolerance]
    assert set(above) == {"ML-2206-202"}
    assert {leg.carrier for leg in movements.legs} == {
        "Transports Diarra",
        "Transports Traoré",
        "Transports Keita",
        "Transports Coulibaly",
    }
    assert [d.depot for d in movements.dips if d.above_tolerance] == ["SIKASSO"]
    assert any(not m.entering for m in movements.tank_movements)
    analysis = analyse_losses(movements)
    assert not any(p.flagged for p in analysis.by_carrier + analysis.by_corridor)
    assert analysis.reconciliation.global_test is not None
    assert not analysis.reconciliation.global_test.rejected


def test_an_empty_period_reads_nothing(engine: Engine) -> None:
    movements = read_period_movements(Ledger(engine), *JANUARY)
    assert (movements.legs, movements.dips, movements.tank_movements) == ((), (), ())
