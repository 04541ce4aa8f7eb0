"""Receipt arithmetic (no store): what left the port is always received, lost or gained, exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from nafolo.fuel.network.io import load_network
from nafolo.fuel.operations import MeasuredLoad, Receipt, Tolerances
from nafolo.fuel.operations.catalogue import Catalogue
from nafolo.fuel.operations.convoys import DispatchedCompartment
from nafolo.fuel.operations.receipts import receipt_entries

T0 = datetime(2026, 1, 5, tzinfo=UTC)
CATALOGUE = Catalogue(load_network())
TRANSIT = "TRANSIT:DKR-KAYES-SENOU/CV-1"


def dispatched(quantity_t: Decimal) -> DispatchedCompartment:
    return DispatchedCompartment(
        convoy="CV-1",
        corridor="DKR-KAYES-SENOU",
        contract="SUPPLY-2026",
        truck="T1",
        compartment=1,
        carrier="",
        product="GASOIL",
        quantity_t=quantity_t,
        dispatched_at=T0,
        escorted=True,
    )


@given(
    dispatched_kg=st.integers(min_value=5_000, max_value=20_000),
    received_l=st.integers(min_value=5_000, max_value=25_000),
    temperature_dc=st.integers(min_value=150, max_value=450),
)
def test_dispatched_equals_received_plus_loss_minus_gain(
    dispatched_kg: int, received_l: int, temperature_dc: int
) -> None:
    load = MeasuredLoad(
        volume_l=Decimal(received_l),
        temperature_c=Decimal(temperature_dc) / 10,
        density_kg_m3=Decimal("835.0"),
    )
    receipt = Receipt(
        document_ref="REC-1",
        convoy="CV-1",
        truck="T1",
        compartment=1,
        depot="BKO-SENOU",
        received_at=T0 + timedelta(days=8),
        load=load,
    )
    sent = Decimal(dispatched_kg) / 1000
    result = receipt_entries(receipt, dispatched(sent), CATALOGUE, Tolerances())
    out_of_transit = sum(d.quantity for d in result.drafts if d.from_account == TRANSIT)
    into_transit = sum(d.quantity for d in result.drafts if d.to_account == TRANSIT)
    assert out_of_transit - into_transit == sent
    assert all(d.quantity > 0 for d in result.drafts)
    assert result.variance.above_tolerance == (
        abs(result.variance.difference_t) / sent * 100 > Decimal("0.5")
    )
