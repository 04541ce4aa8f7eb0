"""Convoy status: load on board, expected arrival from departure, corridor and escort."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from nafolo.fuel.operations import (
    Compartment,
    ConvoyDispatch,
    ConvoyEvent,
    ConvoyEventKind,
    FuelOperations,
    MeasuredLoad,
)
from nafolo.fuel.readmodels import convoy_statuses
from nafolo.ledger import Ledger

T0 = datetime(2026, 1, 5, 6, tzinfo=UTC)
LOAD = MeasuredLoad(volume_l=Decimal(15000), temperature_c=Decimal(30), density_kg_m3=Decimal(834))


def dispatch(ops: FuelOperations, escorted: bool) -> Decimal:
    """A one-truck convoy on Abidjan–Sikasso (2 d transit, 1 d border, +1 d when escorted)."""
    result = ops.dispatch_convoy(
        ConvoyDispatch(
            document_ref="MAN-1",
            convoy="CV-1",
            corridor="ABJ-SIKASSO",
            contract="SUPPLY-2026",
            dispatched_at=T0,
            escorted=escorted,
            compartments=[Compartment(truck="T1", compartment=1, product="GASOIL", load=LOAD)],
        )
    )
    return result.entries[0].quantity_t


def event(ops: FuelOperations, kind: ConvoyEventKind, at: datetime) -> None:
    ops.record_convoy_event(
        ConvoyEvent(document_ref=f"EV-{kind.value}", convoy="CV-1", event=kind, at=at)
    )


def test_an_unescorted_convoy_is_due_after_transit_and_border(
    ops: FuelOperations, ledger: Ledger
) -> None:
    on_board = dispatch(ops, escorted=False)
    [status] = convoy_statuses(ledger, ops.network)
    assert (status.trucks, status.in_transit_t) == (1, on_board)
    assert status.expected_at == T0 + timedelta(days=3)


def test_departure_and_an_escort_move_the_expected_arrival(
    ops: FuelOperations, ledger: Ledger
) -> None:
    dispatch(ops, escorted=False)
    event(ops, ConvoyEventKind.DEPARTED, T0 + timedelta(hours=12))
    event(ops, ConvoyEventKind.ESCORTED, T0 + timedelta(hours=13))
    [status] = convoy_statuses(ledger, ops.network)
    assert status.escorted
    assert status.expected_at == T0 + timedelta(days=4, hours=12)
    assert status.overdue_days(T0 + timedelta(days=5, hours=12)) == 1.0
    assert [e.event for e in status.events] == ["departed", "escorted"]
