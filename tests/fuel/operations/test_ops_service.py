"""Each fuel operation's ledger entries, refusals that leave the store untouched, and replays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from nafolo.fuel.network.schema import ProductGroup
from nafolo.fuel.operations import (
    Compartment,
    ConvoyDispatch,
    ConvoyEvent,
    ConvoyEventKind,
    Dip,
    FuelOperations,
    Lifting,
    MeasuredLoad,
    OperationRefusedError,
    Receipt,
    Tolerances,
    Withdrawal,
)
from nafolo.fuel.operations.loads import standard_load
from nafolo.ledger import Ledger

T0 = datetime(2026, 1, 5, 6, tzinfo=UTC)
CORRIDOR = "DKR-KAYES-SENOU"
TRANSIT = f"TRANSIT:{CORRIDOR}/CV-1"


def gasoil(volume_l: str = "15000", temperature_c: str = "30.0") -> MeasuredLoad:
    """A gasoil load with a plausible hydrometer reading at its temperature."""
    density = Decimal("845") - Decimal("0.7") * (Decimal(temperature_c) - 15)
    return MeasuredLoad(
        volume_l=Decimal(volume_l), temperature_c=Decimal(temperature_c), density_kg_m3=density
    )


def weight_t(load: MeasuredLoad) -> Decimal:
    return standard_load(load, ProductGroup.FUEL_OIL).weight_in_air_t


def convoy(name: str = "CV-1", corridor: str = CORRIDOR) -> ConvoyDispatch:
    """One truck, two gasoil compartments of 15,000 L at 30 °C."""
    return ConvoyDispatch(
        document_ref=f"MAN-{name}",
        convoy=name,
        corridor=corridor,
        contract="SUPPLY-2026",
        dispatched_at=T0,
        escorted=True,
        compartments=[
            Compartment(truck="T1", compartment=1, product="GASOIL", load=gasoil()),
            Compartment(truck="T1", compartment=2, product="GASOIL", load=gasoil()),
        ],
    )


def receipt(load: MeasuredLoad, compartment: int = 1, ref: str = "REC-1") -> Receipt:
    return Receipt(
        document_ref=ref,
        convoy="CV-1",
        truck="T1",
        compartment=compartment,
        depot="BKO-SENOU",
        received_at=T0 + timedelta(days=8),
        load=load,
    )


def untouched(ledger: Ledger, head_seq: int) -> bool:
    return ledger.head().seq == head_seq


def test_lifting_moves_tonnes_from_supplier_to_port(ops: FuelOperations, ledger: Ledger) -> None:
    result = ops.record_lifting(
        Lifting(
            document_ref="BL-1",
            contract="SUPPLY-2026",
            port="DAKAR",
            product="GASOIL",
            lifted_at=T0,
            quantity_t=Decimal("5000.250"),
        )
    )
    [entry] = result.entries
    assert (entry.from_account, entry.to_account) == ("SUPPLIER:SUPPLY-2026", "PORT:DAKAR")
    assert ledger.balance("PORT:DAKAR", "GASOIL") == Decimal("5000.250")
    assert ledger.balance("SUPPLIER:SUPPLY-2026", "GASOIL") == Decimal("-5000.250")


def test_lifting_of_a_product_the_contract_does_not_supply_there_is_refused(
    ops: FuelOperations, ledger: Ledger
) -> None:
    with pytest.raises(OperationRefusedError) as refused:
        ops.record_lifting(
            Lifting(
                document_ref="BL-2",
                contract="SUPPLY-2026",
                port="CONAKRY",
                product="FUEL_OIL",
                lifted_at=T0,
                quantity_t=Decimal(100),
            )
        )
    assert [p.field for p in refused.value.problems] == ["product"]
    assert untouched(ledger, 0)


def test_dispatch_writes_one_entry_per_compartment_at_standard_weight(
    ops: FuelOperations, ledger: Ledger
) -> None:
    result = ops.dispatch_convoy(convoy())
    assert [(e.from_account, e.to_account) for e in result.entries] == [
        ("PORT:DAKAR", TRANSIT),
        ("PORT:DAKAR", TRANSIT),
    ]
    expected = weight_t(gasoil())
    assert [e.quantity_t for e in result.entries] == [expected, expected]
    assert Decimal("12.3") < expected < Decimal("12.7")  # 15 m³ of gasoil ≈ 12.5 t
    stored = ledger.entry(result.entries[0].seq)
    assert stored.attributes["truck"] == "T1"
    assert Decimal(str(stored.attributes["vcf"])) < 1  # loaded warmer than 15 °C
    assert ledger.balance(TRANSIT, "GASOIL") == 2 * expected


def test_dispatch_on_an_unknown_corridor_is_refused_and_nothing_is_written(
    ops: FuelOperations, ledger: Ledger
) -> None:
    with pytest.raises(OperationRefusedError) as refused:
        ops.dispatch_convoy(convoy(corridor="DKR-NOWHERE"))
    assert refused.value.problems[0].field == "corridor"
    assert untouched(ledger, 0)


def test_receipt_short_of_the_dispatched_load_writes_an_explicit_transit_loss(
    ops: FuelOperations, ledger: Ledger
) -> None:
    ops.dispatch_convoy(convoy())
    dispatched = weight_t(gasoil())
    result = ops.record_receipt(receipt(gasoil("14900", "30.0")))
    received = weight_t(gasoil("14900", "30.0"))
    kinds = {e.kind: e for e in result.entries}
    assert set(kinds) == {"receipt", "transit_loss"}
    assert kinds["receipt"].quantity_t == received
    assert kinds["transit_loss"].quantity_t == dispatched - received
    assert kinds["transit_loss"].to_account == f"LOSS:TRANSIT:{CORRIDOR}"
    assert ledger.balance("DEPOT:BKO-SENOU", "GASOIL") == received
    assert ledger.balance(f"LOSS:TRANSIT:{CORRIDOR}", "GASOIL") == dispatched - received
    assert ledger.balance(TRANSIT, "GASOIL") == dispatched  # the second compartment


def test_loss_above_the_default_half_percent_is_flagged(ops: FuelOperations) -> None:
    ops.dispatch_convoy(convoy())
    result = ops.record_receipt(receipt(gasoil("14820", "30.0")))  # 1.2 % short
    assert result.variance is not None
    assert result.variance.above_tolerance
    assert result.variance.tolerance_pct == Decimal("0.5")
    assert Decimal("1.1") < result.variance.variance_pct < Decimal("1.3")


def test_loss_within_the_contract_tolerance_is_not_flagged(
    ledger: Ledger, ops: FuelOperations
) -> None:
    tolerant = FuelOperations(
        ledger, ops.network, Tolerances(transit_pct_by_contract={"SUPPLY-2026": Decimal(2)})
    )
    tolerant.dispatch_convoy(convoy())
    result = tolerant.record_receipt(receipt(gasoil("14820", "30.0")))
    assert result.variance is not None
    assert not result.variance.above_tolerance


def test_receipt_above_the_dispatched_load_writes_a_transit_gain(
    ops: FuelOperations, ledger: Ledger
) -> None:
    ops.dispatch_convoy(convoy())
    result = ops.record_receipt(receipt(gasoil("15030", "30.0")))
    gain = next(e for e in result.entries if e.kind == "transit_gain")
    assert (gain.from_account, gain.to_account) == (f"GAIN:TRANSIT:{CORRIDOR}", TRANSIT)
    assert gain.quantity_t == weight_t(gasoil("15030")) - weight_t(gasoil())
    assert ledger.balance("DEPOT:BKO-SENOU", "GASOIL") == weight_t(gasoil("15030"))


def test_truck_lost_writes_its_load_off_and_refuses_its_receipt(
    ops: FuelOperations, ledger: Ledger
) -> None:
    ops.dispatch_convoy(convoy())
    result = ops.record_convoy_event(
        ConvoyEvent(
            document_ref="EV-1",
            convoy="CV-1",
            event=ConvoyEventKind.TRUCK_LOST,
            at=T0 + timedelta(days=3),
            truck="T1",
        )
    )
    assert len(result.entries) == 2
    assert {e.to_account for e in result.entries} == {f"LOSS:ATTACK:{CORRIDOR}"}
    assert ledger.balance(TRANSIT, "GASOIL") == 0
    head = ledger.head().seq
    with pytest.raises(OperationRefusedError, match="reported lost"):
        ops.record_receipt(receipt(gasoil()))
    assert untouched(ledger, head)


def test_event_of_an_unknown_convoy_is_refused(ops: FuelOperations) -> None:
    with pytest.raises(OperationRefusedError, match="not been dispatched"):
        ops.record_convoy_event(
            ConvoyEvent(document_ref="EV-2", convoy="CV-9", event=ConvoyEventKind.DEPARTED, at=T0)
        )


def test_withdrawal_moves_stock_from_depot_to_region(ops: FuelOperations, ledger: Ledger) -> None:
    ops.dispatch_convoy(convoy())
    ops.record_receipt(receipt(gasoil()))
    ops.record_withdrawal(
        Withdrawal(
            document_ref="WD-1",
            depot="BKO-SENOU",
            region="BAMAKO",
            product="GASOIL",
            withdrawn_at=T0 + timedelta(days=9),
            quantity_t=Decimal("10.000"),
        )
    )
    assert ledger.balance("REGION:BAMAKO", "GASOIL") == Decimal(10)
    assert ledger.balance("DEPOT:BKO-SENOU", "GASOIL") == weight_t(gasoil()) - 10


def test_withdrawal_to_a_region_the_depot_does_not_serve_is_refused(
    ops: FuelOperations, ledger: Ledger
) -> None:
    with pytest.raises(OperationRefusedError) as refused:
        ops.record_withdrawal(
            Withdrawal(
                document_ref="WD-2",
                depot="GAO",
                region="BAMAKO",
                product="GASOIL",
                withdrawn_at=T0,
                quantity_t=Decimal(5),
            )
        )
    assert refused.value.problems[0].field == "region"
    assert untouched(ledger, 0)
    assert ledger.balances(account_kind="region") == []


@pytest.mark.parametrize(("volume_l", "kind"), [("14900", "dip_loss"), ("15100", "dip_gain")])
def test_dip_turns_book_versus_physical_into_a_stock_loss_or_gain(
    ops: FuelOperations, ledger: Ledger, volume_l: str, kind: str
) -> None:
    ops.dispatch_convoy(convoy())
    ops.record_receipt(receipt(gasoil()))
    book = weight_t(gasoil())
    result = ops.record_dip(
        Dip(
            document_ref="DIP-1",
            depot="BKO-SENOU",
            product="GASOIL",
            dipped_at=T0 + timedelta(days=10),
            load=gasoil(volume_l),
        )
    )
    [entry] = result.entries
    physical = weight_t(gasoil(volume_l))
    assert entry.kind == kind
    assert entry.quantity_t == abs(physical - book)
    assert ledger.balance("DEPOT:BKO-SENOU", "GASOIL") == physical
    assert result.variance is not None
    assert result.variance.above_tolerance  # ≈ 0.67 % > 0.5 %


def test_replaying_an_operation_returns_the_first_recording(
    ops: FuelOperations, ledger: Ledger
) -> None:
    lifting = Lifting(
        document_ref="BL-1",
        contract="SUPPLY-2026",
        port="DAKAR",
        product="GASOIL",
        lifted_at=T0,
        quantity_t=Decimal(100),
    )
    first = ops.record_lifting(lifting)
    again = ops.record_lifting(lifting)
    assert again.replayed and not first.replayed
    assert again.entries == first.entries
    assert ledger.head().seq == 1


def test_same_reference_with_other_content_is_refused(ops: FuelOperations, ledger: Ledger) -> None:
    lifting = Lifting(
        document_ref="BL-1",
        contract="SUPPLY-2026",
        port="DAKAR",
        product="GASOIL",
        lifted_at=T0,
        quantity_t=Decimal(100),
    )
    ops.record_lifting(lifting)
    with pytest.raises(OperationRefusedError, match="idempotency_key"):
        ops.record_lifting(lifting.model_copy(update={"quantity_t": Decimal(101)}))
    assert ledger.balance("PORT:DAKAR", "GASOIL") == Decimal(100)


def test_withdrawal_beyond_the_book_stock_is_refused(ops: FuelOperations, ledger: Ledger) -> None:
    ops.dispatch_convoy(convoy())
    ops.record_receipt(receipt(gasoil()))
    head = ledger.head().seq
    with pytest.raises(OperationRefusedError) as refused:
        ops.record_withdrawal(
            Withdrawal(
                document_ref="WD-3",
                depot="BKO-SENOU",
                region="BAMAKO",
                product="GASOIL",
                withdrawn_at=T0 + timedelta(days=9),
                quantity_t=Decimal(20),
            )
        )
    assert refused.value.problems[0].field == "quantity_t"
    assert untouched(ledger, head)
