"""A small month of fuel operations (March 2026) on the bundled Mali network, for report tests:
one lifting inside the band, a convoy of six trucks (one loses 1.2 % in transit), a delay and an
attack, a withdrawal and two dips at Sénou."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from nafolo.fuel.network.model import Network
from nafolo.fuel.operations import (
    Compartment,
    ConvoyDispatch,
    ConvoyEvent,
    ConvoyEventKind,
    Dip,
    FuelOperations,
    Lifting,
    MeasuredLoad,
    OpeningStock,
    Receipt,
    Withdrawal,
)
from nafolo.ledger import Ledger

PERIOD = "2026-03"
LOSSY_TRUCK = "ML-103"
CARRIERS = ("Transports Diarra", "Transports Keita")


def at(day: int, hour: int = 8) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def load(volume_l: float) -> MeasuredLoad:
    return MeasuredLoad(
        volume_l=Decimal(str(round(volume_l))),
        temperature_c=Decimal("15"),
        density_kg_m3=Decimal("835.0"),
    )


def fill_march(ledger: Ledger, network: Network) -> FuelOperations:
    """Record the month; returns the operations service used."""
    ops = FuelOperations(ledger, network)
    ops.record_opening_stock(
        OpeningStock(
            document_ref="OPEN-1",
            depot="BKO-SENOU",
            product="GASOIL",
            at=at(1, 0),
            quantity_t=Decimal(2000),
        )
    )
    ops.record_lifting(
        Lifting(
            document_ref="BL-1",
            contract="SUPPLY-2026",
            port="DAKAR",
            product="GASOIL",
            lifted_at=at(2),
            quantity_t=Decimal(170_000),
        )
    )
    trucks = [f"ML-10{i}" for i in range(1, 7)]
    ops.dispatch_convoy(
        ConvoyDispatch(
            document_ref="MAN-1",
            convoy="CV-1",
            corridor="DKR-KAYES-SENOU",
            contract="SUPPLY-2026",
            dispatched_at=at(3),
            escorted=True,
            compartments=[
                Compartment(
                    truck=t,
                    compartment=1,
                    product="GASOIL",
                    carrier=CARRIERS[i % 2],
                    load=load(15_000),
                )
                for i, t in enumerate(trucks)
            ],
        )
    )
    ops.record_convoy_event(
        ConvoyEvent(
            document_ref="EV-1",
            convoy="CV-1",
            event=ConvoyEventKind.DELAYED,
            at=at(5),
            delay_days=Decimal(1),
            note="border queue",
        )
    )
    ops.record_convoy_event(
        ConvoyEvent(document_ref="EV-2", convoy="CV-1", event=ConvoyEventKind.ATTACKED, at=at(6))
    )
    ops.record_dip(
        Dip(
            document_ref="DIP-1",
            depot="BKO-SENOU",
            product="GASOIL",
            dipped_at=at(9),
            load=load(2000 / 0.0008339 + 40),
        )
    )
    for t in trucks:
        loss = 0.012 if t == LOSSY_TRUCK else 0.001
        ops.record_receipt(
            Receipt(
                document_ref=f"REC-{t}",
                convoy="CV-1",
                truck=t,
                compartment=1,
                depot="BKO-SENOU",
                received_at=at(12),
                load=load(15_000 * (1 - loss)),
            )
        )
    ops.record_withdrawal(
        Withdrawal(
            document_ref="WD-1",
            depot="BKO-SENOU",
            region="BAMAKO",
            product="GASOIL",
            withdrawn_at=at(14),
            quantity_t=Decimal(100),
        )
    )
    ops.record_dip(
        Dip(
            document_ref="DIP-2",
            depot="BKO-SENOU",
            product="GASOIL",
            dipped_at=at(20),
            load=load((2000 + 75 - 100) / 0.0008339),
        )
    )
    return ops


def record_short_receipt(ops: FuelOperations) -> str:
    """Convoy CV-2 of one truck whose receipt was written 10 % short; returns the leg's name."""
    ops.dispatch_convoy(
        ConvoyDispatch(
            document_ref="MAN-2",
            convoy="CV-2",
            corridor="DKR-KAYES-SENOU",
            contract="SUPPLY-2026",
            dispatched_at=at(4),
            compartments=[
                Compartment(
                    truck="ML-201",
                    compartment=1,
                    product="GASOIL",
                    carrier=CARRIERS[0],
                    load=load(15_000),
                )
            ],
        )
    )
    ops.record_receipt(
        Receipt(
            document_ref="REC-ML-201",
            convoy="CV-2",
            truck="ML-201",
            compartment=1,
            depot="BKO-SENOU",
            received_at=at(13),
            load=load(13_500),
        )
    )
    return "CV-2/ML-201/1"
