"""Lots: admission refusals and quarantine, receipt weighing, custody timeline."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from gold_service_support import (
    AT,
    CLERK,
    DEPOSITOR,
    ORIGIN,
    SCALE,
    new_lot,
    received_lot,
    refinery_with_depositor,
)
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from nafolo.gold.diligence import AdmissionReason, DepositorType, MiningScale
from nafolo.gold.service import (
    AssessmentIn,
    CustodyEvent,
    GoldRefusedError,
    LicenceIn,
    LotStatus,
    NewDepositor,
    NewLot,
    OriginIn,
    OwnerIn,
    Rule,
    ScaleIn,
    WeighingIn,
)


def _refused(call: object) -> GoldRefusedError:
    assert callable(call)
    with pytest.raises(GoldRefusedError) as refused:
        call()
    return refused.value


def test_gold_service_unapproved_depositor_lot_refused(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine, approve=False)
    error = _refused(lambda: refinery.lots.register(new_lot("L1"), actor=CLERK))
    assert error.rule is Rule.ADMISSION
    assert AdmissionReason.NO_DECISION.value in str(error)
    assert refinery.lots.all() == []


def test_gold_service_expired_licence_lot_refused(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    late = new_lot("L1").model_copy(update={"arrived_on": date(2031, 1, 5)})
    error = _refused(lambda: refinery.lots.register(late, actor=CLERK))
    assert AdmissionReason.DEPOSITOR_LICENCE_EXPIRED.value in str(error)


def test_gold_service_unregistered_origin_refused(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    stray = new_lot("L1").model_copy(update={"origin_id": "OR-UNKNOWN"})
    error = _refused(lambda: refinery.lots.register(stray, actor=CLERK))
    assert error.rule is Rule.ADMISSION
    assert "not registered" in str(error)


def _artisanal(refinery_engine: Engine) -> object:
    refinery = refinery_with_depositor(refinery_engine)
    deps = refinery.depositors
    deps.register(
        NewDepositor(
            depositor_id="COOP",
            name="Coopérative de Kéniéba",
            depositor_type=DepositorType.ARTISANAL_COOPERATIVE,
        ),
        actor=CLERK,
    )
    deps.add_owner(
        OwnerIn(
            depositor_id="COOP", name="Membres", share_pct=Decimal(100), identity_verified=True
        ),
        actor=CLERK,
    )
    deps.add_licence(
        LicenceIn(
            depositor_id="COOP",
            number="AOR-1",
            kind="orpaillage",
            valid_from=date(2025, 1, 1),
            expires_on=date(2027, 1, 1),
        ),
        actor=CLERK,
    )
    deps.register_origin(
        OriginIn(
            origin_id="OR-ASM",
            depositor_id="COOP",
            site="Couloir d'orpaillage",
            country="ML",
            region="Kayes",
            latitude=Decimal("12.8"),
            longitude=Decimal("-11.2"),
            scale=MiningScale.ASM,
            licence_number="AOR-1",
            licence_expires_on=date(2027, 1, 1),
        ),
        actor=CLERK,
    )
    deps.assess(AssessmentIn(depositor_id="COOP", assessed_on=date(2026, 1, 15)), actor="reviewer")
    return refinery


def test_gold_service_edd_depositor_lot_quarantined_then_released(engine: Engine) -> None:
    refinery = _artisanal(engine)
    lot = NewLot(
        lot_id="L-ASM",
        depositor_id="COOP",
        origin_id="OR-ASM",
        arrived_on=date(2026, 3, 2),
        declared_gross_g=Decimal(850),
        declared_au_per_mille=Decimal(820),
        declared_ag_per_mille=Decimal(120),
        seal_numbers=["S1"],
    )
    registered = refinery.lots.register(lot, actor=CLERK)  # type: ignore[attr-defined]
    assert registered.status is LotStatus.QUARANTINED
    assert registered.cahra
    assert AdmissionReason.PENDING_EDD.value in registered.admission_reasons
    released = refinery.lots.release_quarantine(  # type: ignore[attr-defined]
        "L-ASM", actor="compliance", on=date(2026, 3, 3), reason="EDD site visit done"
    )
    assert released.status is LotStatus.REGISTERED


def test_gold_service_quarantined_lot_cannot_be_received(engine: Engine) -> None:
    refinery = _artisanal(engine)
    refinery.lots.register(  # type: ignore[attr-defined]
        new_lot("L-Q").model_copy(update={"depositor_id": "COOP", "origin_id": "OR-ASM"}),
        actor=CLERK,
    )
    weighing = WeighingIn(
        lot_id="L-Q", scale_id=SCALE, weighed_at=AT, gross_g=Decimal(20500), tare_g=Decimal(500)
    )
    error = _refused(lambda: refinery.lots.receive(weighing, actor=CLERK))  # type: ignore[attr-defined]
    assert error.rule is Rule.STATE


def test_gold_service_expired_scale_calibration_refused(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    refinery.lots.register_scale(
        ScaleIn(
            scale_id="OLD",
            calibrated_on=date(2025, 1, 1),
            calibration_valid_until=date(2025, 12, 31),
        ),
        actor=CLERK,
    )
    refinery.lots.register(new_lot("L1"), actor=CLERK)
    weighing = WeighingIn(
        lot_id="L1", scale_id="OLD", weighed_at=AT, gross_g=Decimal(20500), tare_g=Decimal(500)
    )
    error = _refused(lambda: refinery.lots.receive(weighing, actor=CLERK))
    assert error.rule is Rule.CALIBRATION_EXPIRED
    assert refinery.ledger.count_entries() == 0


def test_gold_service_fineness_above_1000_refused() -> None:
    with pytest.raises(ValidationError, match="declared_au_per_mille"):
        new_lot("L1", au="1000.5")


def test_gold_service_au_plus_ag_above_1000_refused() -> None:
    with pytest.raises(ValidationError, match="exceeds 1000"):
        new_lot("L1", au="950", ag="60")


def test_gold_service_negative_weight_refused() -> None:
    with pytest.raises(ValidationError, match="declared_gross_g"):
        new_lot("L1", gross_g="-5")
    with pytest.raises(ValidationError, match="tare_g"):
        WeighingIn(
            lot_id="L1", scale_id=SCALE, weighed_at=AT, gross_g=Decimal(10), tare_g=Decimal(-1)
        )


def test_gold_service_receipt_puts_declared_fine_on_ledger(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    refinery.lots.register(new_lot("L1", gross_g="31103.477", au="900"), actor=CLERK)
    weighed = refinery.lots.receive(
        WeighingIn(
            lot_id="L1",
            scale_id=SCALE,
            weighed_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
            gross_g=Decimal("31003.477"),
            tare_g=Decimal(0),
        ),
        actor=CLERK,
    )
    assert weighed.variance_g == Decimal(-100)
    assert weighed.above_tolerance  # −0.32 % against the 0.1 % default
    assert weighed.fine_au_oz == Decimal("897.105")  # 996.784 oz (down) × 900 ‰, down
    assert refinery.ledger.balance("INTAKE", "AU") == Decimal("897.105")
    assert refinery.ledger.balance(f"EXTERNAL:{DEPOSITOR}", "AU") == Decimal("-897.105")


def test_gold_service_custody_timeline(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    received_lot(refinery, "L1")
    timeline = refinery.lots.custody("L1")
    assert [e.event for e in timeline] == [CustodyEvent.REGISTERED, CustodyEvent.RECEIVED]
    assert timeline[1].ledger_seq is not None
    assert ORIGIN and DEPOSITOR
