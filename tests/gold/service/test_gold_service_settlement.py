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
    assayed_lot(refinery, "L1", gross_g="31103.477", on=datetime(2026, 3, 2, 9, tzinfo=UTC))
    assayed_lot(refinery, "L2", gross_g="31103.477", on=datetime(2026, 3, 2, 9, tzinfo=UTC))
    refinery.settlements.settle("L1", actor=MANAGER, at=datetime(2026, 3, 10, tzinfo=UTC))
    refinery.settlements.settle("L2", actor=MANAGER, at=datetime(2026, 3, 11, tzinfo=UTC))
    refinery.settlements.sell(
        SaleIn(
            sale_id="S1",
            depositor_id=DEPOSITOR,
            fine_au_oz=Decimal("100.000"),
            au_price_per_oz=Decimal(2_500_000),
            sold_at=datetime(2026, 4, 2, 10, tzinfo=UTC),
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
    april = refinery.settlements.statement(DEPOSITOR, period_from=date(2026, 4, 1))
    au_april = next(m for m in april.metals if m.metal == "AU")
    assert au_april.opening_oz == Decimal("1798.598")
    assert au_april.debits_oz == Decimal("100.000")
    assert au_april.closing_oz == refinery.settlements.balance(DEPOSITOR).au_oz


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


def test_gold_service_settlement_entered_later_counts_in_its_month(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    assayed_lot(refinery, "L1", gross_g="31103.477", on=datetime(2026, 10, 5, 9, tzinfo=UTC))
    settled = refinery.settlements.settle(
        "L1", actor=MANAGER, at=datetime(2026, 10, 30, 16, tzinfo=UTC)
    )
    assert {e.effective_at for e in settled.entries} == {datetime(2026, 10, 30, 16, tzinfo=UTC)}
    october = refinery.settlements.statement(DEPOSITOR, date(2026, 10, 1), date(2026, 10, 31))
    november = refinery.settlements.statement(DEPOSITOR, date(2026, 11, 1), date(2026, 11, 30))
    assert next(m for m in october.metals if m.metal == "AU").credits_oz == Decimal("899.299")
    assert next(m for m in november.metals if m.metal == "AU").credits_oz == 0


def test_gold_service_settlement_before_exchange_refused(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    assayed_lot(refinery, "L1", on=datetime(2026, 10, 5, 9, tzinfo=UTC))
    with pytest.raises(GoldRefusedError) as refused:
        refinery.settlements.settle("L1", actor=MANAGER, at=datetime(2026, 10, 6, tzinfo=UTC))
    assert refused.value.rule is Rule.CHRONOLOGY
    assert refused.value.problems[0].field == "settled_at"
    assert refinery.settlements.balance(DEPOSITOR).au_oz == 0


def test_gold_service_settlement_in_future_refused(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    assayed_lot(refinery, "L1")
    with pytest.raises(GoldRefusedError) as refused:
        refinery.settlements.settle("L1", actor=MANAGER, at=datetime.now(UTC) + timedelta(hours=1))
    assert refused.value.problems[0].field == "settled_at"
    assert refused.value.rule is Rule.CHRONOLOGY


def test_gold_service_naive_settlement_time_refused(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    assayed_lot(refinery, "L1")
    with pytest.raises(GoldRefusedError) as refused:
        refinery.settlements.settle("L1", actor=MANAGER, at=datetime(2026, 3, 20, 9))
    assert refused.value.problems[0].field == "settled_at"
