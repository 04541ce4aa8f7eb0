"""Alerts: cover under target, convoy overdue against its corridor, variances beyond tolerance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine

from nafolo.fuel.alerts import AlertKind, alerts, cover_alerts, overdue_convoys, variance_alerts
from nafolo.fuel.network.io import load_network
from nafolo.fuel.network.model import Network
from nafolo.fuel.operations import (
    Compartment,
    ConvoyDispatch,
    ConvoyEvent,
    ConvoyEventKind,
    FuelOperations,
    MeasuredLoad,
    OpeningStock,
    Receipt,
)
from nafolo.ledger import Ledger

T0 = datetime(2026, 1, 5, 6, tzinfo=UTC)
DOOR_TO_DOOR_D = 5 + 1 + 2
"""DKR-KAYES-SENOU: 5 d transit, 1 d at the border, 2 d more when escorted."""


@pytest.fixture(scope="module")
def mali() -> Network:
    return load_network()


@pytest.fixture
def ops(engine: Engine, mali: Network) -> FuelOperations:
    return FuelOperations(Ledger(engine), mali)


def load(volume_l: int) -> MeasuredLoad:
    return MeasuredLoad(
        volume_l=Decimal(volume_l), temperature_c=Decimal(30), density_kg_m3=Decimal("834.5")
    )


def dispatch(ops: FuelOperations) -> None:
    ops.dispatch_convoy(
        ConvoyDispatch(
            document_ref="MAN-1",
            convoy="CV-1",
            corridor="DKR-KAYES-SENOU",
            contract="SUPPLY-2026",
            dispatched_at=T0,
            escorted=True,
            compartments=[
                Compartment(truck="T1", compartment=1, product="GASOIL", load=load(15000))
            ],
        )
    )


def test_convoy_on_the_road_past_its_transit_time_is_overdue(ops: FuelOperations) -> None:
    dispatch(ops)
    [alert] = overdue_convoys(ops.ledger, ops.network, T0 + timedelta(days=DOOR_TO_DOOR_D + 1))
    assert (alert.kind, alert.subject) == (AlertKind.CONVOY_OVERDUE, "CV-1")
    assert alert.value == pytest.approx(1.0)


def test_convoy_within_its_transit_time_is_not_overdue(ops: FuelOperations) -> None:
    dispatch(ops)
    assert overdue_convoys(ops.ledger, ops.network, T0 + timedelta(days=DOOR_TO_DOOR_D - 1)) == []


def test_convoy_reported_arrived_is_not_overdue(ops: FuelOperations) -> None:
    dispatch(ops)
    ops.record_convoy_event(
        ConvoyEvent(
            document_ref="EV-1",
            convoy="CV-1",
            event=ConvoyEventKind.ARRIVED,
            at=T0 + timedelta(days=DOOR_TO_DOOR_D),
        )
    )
    assert overdue_convoys(ops.ledger, ops.network, T0 + timedelta(days=20)) == []


def test_transit_loss_beyond_tolerance_is_alerted(ops: FuelOperations) -> None:
    dispatch(ops)
    ops.record_receipt(
        Receipt(
            document_ref="REC-1",
            convoy="CV-1",
            truck="T1",
            compartment=1,
            depot="BKO-SENOU",
            received_at=T0 + timedelta(days=8),
            load=load(14800),
        )
    )
    [alert] = variance_alerts(ops.ledger)
    assert alert.kind is AlertKind.TRANSIT_VARIANCE
    assert alert.value == pytest.approx(1.333, abs=0.01)
    assert alert.threshold == 0.5


def test_depot_under_its_cover_target_is_alerted(ops: FuelOperations) -> None:
    ops.record_opening_stock(
        OpeningStock(
            document_ref="OPEN-GAO",
            depot="GAO",
            product="GASOIL",
            at=T0,
            quantity_t=Decimal(170),
        )
    )
    found = cover_alerts(ops.ledger, ops.network, T0 + timedelta(days=1))
    gao = next(a for a in found if a.subject == "GAO/GASOIL")
    assert gao.value < gao.threshold == 10


def test_an_empty_ledger_alerts_every_watched_depot(ops: FuelOperations) -> None:
    watched = [t for t in ops.network.depot_tanks if t.days_of_cover_target > 0]
    found = alerts(ops.ledger, ops.network, now=T0)
    assert len([a for a in found if a.kind is AlertKind.COVER_BELOW_TARGET]) == len(watched)
