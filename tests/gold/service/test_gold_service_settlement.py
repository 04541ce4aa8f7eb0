"""Settlement onto the metal account, separation of duties, statements, sales, umpire."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from gold_service_support import (
    CHEMIST,
    DEPOSITOR,
    MANAGER,
    assayed_lot,
    received_lot,
    refinery_with_depositor,
)
from sqlalchemy.engine import Engine

from nafolo.gold.assays import AssayMethod, SampleRole
from nafolo.gold.service import (
    AssayIn,
    GoldRefusedError,
    Rule,
    SaleIn,
    SampleIn,
    SampleSetIn,
)


def test_gold_service_settlement_credits_metal_account(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    assayed_lot(refinery, "L1", gross_g="31103.477")
    settled = refinery.settlements.settle("L1", actor=MANAGER)
    assert settled.net_dry_oz == Decimal("1000.000")
    assert settled.credited_au_oz == Decimal("899.299")  # 900.200 × 99.90 %, down
    assert settled.charges == Decimal(325_000)  # 1,000 oz × 300 + 25,000 XOF
    assert next((e.from_account, e.to_account) for e in settled.entries) == (
        "CLEARING:TOLL",
        f"METAL:{DEPOSITOR}",
    )
    assert refinery.ledger.balance(f"METAL:{DEPOSITOR}", "AU") == Decimal("899.299")
    assert refinery.settlements.get("L1").approved_by == MANAGER


def test_gold_service_same_actor_cannot_approve_settlement(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    assayed_lot(refinery, "L1")
    with pytest.raises(GoldRefusedError) as refused:
        refinery.settlements.settle("L1", actor=CHEMIST)
    assert refused.value.rule is Rule.SEPARATION_OF_DUTIES
    assert refinery.settlements.balance(DEPOSITOR).au_oz == 0


def test_gold_service_lot_settled_once(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    assayed_lot(refinery, "L1")
    refinery.settlements.settle("L1", actor=MANAGER)
    with pytest.raises(GoldRefusedError) as refused:
        refinery.settlements.settle("L1", actor=MANAGER)
    assert refused.value.rule is Rule.DUPLICATE


def test_gold_service_unassayed_lot_not_settled(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    received_lot(refinery, "L1")
    with pytest.raises(GoldRefusedError) as refused:
        refinery.settlements.settle("L1", actor=MANAGER)
    assert refused.value.rule is Rule.NOT_ASSAYED


def test_gold_service_statement_opening_credits_debits_closing(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    assayed_lot(refinery, "L1", gross_g="31103.477")
    assayed_lot(refinery, "L2", gross_g="31103.477")
    refinery.settlements.settle("L1", actor=MANAGER)
    today = datetime.now(UTC).date()
    refinery.settlements.settle("L2", actor=MANAGER)
    refinery.settlements.sell(
        SaleIn(
            sale_id="S1",
            depositor_id=DEPOSITOR,
            fine_au_oz=Decimal("100.000"),
            au_price_per_oz=Decimal(2_500_000),
            sold_at=datetime.now(UTC) + timedelta(days=1),
        ),
        actor=MANAGER,
    )
    whole = refinery.settlements.statement(DEPOSITOR)
    au = next(m for m in whole.metals if m.metal == "AU")
    assert (au.opening_oz, au.credits_oz, au.debits_oz, au.closing_oz) == (
        Decimal(0),
        Decimal("1798.598"),
        Decimal("100.000"),
        Decimal("1698.598"),
    )
    later = refinery.settlements.statement(DEPOSITOR, period_from=today + timedelta(days=1))
    au_later = next(m for m in later.metals if m.metal == "AU")
    assert au_later.opening_oz == Decimal("1798.598")
    assert au_later.debits_oz == Decimal("100.000")
    assert au_later.closing_oz == refinery.settlements.balance(DEPOSITOR).au_oz


def test_gold_service_sale_beyond_account_refused(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    with pytest.raises(GoldRefusedError) as refused:
        refinery.settlements.sell(
            SaleIn(
                sale_id="S1",
                depositor_id=DEPOSITOR,
                fine_au_oz=Decimal(1),
                au_price_per_oz=Decimal(1),
                sold_at=datetime(2026, 3, 5, tzinfo=UTC),
            ),
            actor=MANAGER,
        )
    assert refused.value.rule is Rule.INSUFFICIENT_METAL


def test_gold_service_exchange_outside_limit_needs_umpire(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    received_lot(refinery, "L1")
    refinery.lab.seal_samples(
        SampleSetIn(
            lot_id="L1",
            refiner=SampleIn(sample_id="R1", seal_number="SR1"),
            depositor=SampleIn(sample_id="D1", seal_number="SD1"),
            umpire=SampleIn(sample_id="U1", seal_number="SU1"),
        ),
        actor="clerk",
    )
    for role, au in (
        (SampleRole.REFINER, "900.00"),
        (SampleRole.DEPOSITOR, "901.00"),
    ):
        refinery.lab.record_assay(
            AssayIn(
                lot_id="L1",
                role=role,
                laboratory="Lab",
                method=AssayMethod.FIRE_ASSAY,
                au_replicates_per_mille=[Decimal(au)],
                ag_replicates_per_mille=[Decimal(80)],
            ),
            actor=CHEMIST,
        )
    with pytest.raises(GoldRefusedError) as refused:
        refinery.lab.exchange("L1", actor=CHEMIST)
    assert refused.value.rule is Rule.UMPIRE_REQUIRED
    refinery.lab.record_assay(
        AssayIn(
            lot_id="L1",
            role=SampleRole.UMPIRE,
            laboratory="Umpire Lab",
            method=AssayMethod.FIRE_ASSAY,
            au_replicates_per_mille=[Decimal("900.20")],
            ag_replicates_per_mille=[Decimal(80)],
        ),
        actor="umpire-clerk",
    )
    exchanged = refinery.lab.exchange("L1", actor=CHEMIST)
    assert exchanged.au.settled_per_mille == Decimal("900.00")  # refiner closest to the umpire
    assert refinery.lots.get("L1").settled_au_per_mille == Decimal("900.00")
    assert date.today()
