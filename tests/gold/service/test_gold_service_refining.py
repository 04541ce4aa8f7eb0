"""Refining batches: capacity, allocation of lots and parts, residues, closing on balance."""

from __future__ import annotations

from decimal import Decimal

import pytest
from gold_service_support import (
    AT,
    DAY,
    MANAGER,
    VAULT,
    assayed_lot,
    batch_of,
    received_lot,
    refinery_with_depositor,
)
from sqlalchemy.engine import Engine

from nafolo.gold.service import (
    BarIn,
    BatchInputIn,
    BatchPlan,
    CastBars,
    CloseBatch,
    GoldRefusedError,
    OutputKind,
    Refinery,
    RefineryConfig,
    ResidueIn,
    Rule,
)


def _cast(refinery: Refinery, batch: str, *serials: str) -> None:
    refinery.vault.cast_bars(
        CastBars(
            batch_id=batch,
            location=VAULT,
            cast_at=AT,
            bars=[
                BarIn(
                    serial=s,
                    scale_reading_oz=Decimal("400.127"),
                    fineness_per_mille=Decimal("999.9"),
                )
                for s in serials
            ],
        ),
        actor=MANAGER,
    )


def test_gold_service_daily_capacity_by_phase() -> None:
    assert RefineryConfig(phase=2).daily_capacity_fine_oz == Decimal("25720.597")
    assert RefineryConfig(phase=1).daily_capacity_fine_oz == Decimal("12860.298")


def test_gold_service_batch_over_capacity_refused(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    refinery.context.config = RefineryConfig(capacity_t_per_year={1: Decimal(1), 2: Decimal(1)})
    assayed_lot(refinery, "L1", gross_g="31103.477")  # 900 oz > 128.6 oz a day
    with pytest.raises(GoldRefusedError) as refused:
        batch_of(refinery, "B1", ["L1"])
    assert refused.value.rule is Rule.CAPACITY
    assert refinery.refining.all() == []


def test_gold_service_unassayed_lot_not_refined(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    received_lot(refinery, "L1")
    with pytest.raises(GoldRefusedError) as refused:
        batch_of(refinery, "B1", ["L1"])
    assert refused.value.rule is Rule.NOT_ASSAYED


def test_gold_service_lot_split_over_batches_not_over_allocated(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    assayed_lot(refinery, "L1", gross_g="31103.477")  # 900.200 fine oz
    refinery.refining.plan(
        BatchPlan(
            batch_id="B1",
            planned_on=DAY,
            inputs=[BatchInputIn(lot_id="L1", fine_au_oz=Decimal("500.000"))],
        ),
        actor=MANAGER,
    )
    assert refinery.lots.get("L1").allocated_au_oz == Decimal("500.000")
    with pytest.raises(GoldRefusedError) as refused:
        refinery.refining.plan(
            BatchPlan(
                batch_id="B2",
                planned_on=DAY,
                inputs=[BatchInputIn(lot_id="L1", fine_au_oz=Decimal("400.201"))],
            ),
            actor=MANAGER,
        )
    assert refused.value.rule is Rule.OVER_ALLOCATION
    batch_of(refinery, "B2", ["L1"])  # the rest: 400.200 oz
    assert refinery.refining.get("B2").balance.fine_in_oz == Decimal("400.200")
    assert refinery.ledger.balance("INTAKE", "AU") == 0


def test_gold_service_close_refused_while_gold_unaccounted(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    assayed_lot(refinery, "L1", gross_g="31103.477")
    batch_of(refinery, "B1", ["L1"])
    _cast(refinery, "B1", "A1", "A2")
    with pytest.raises(GoldRefusedError) as refused:
        refinery.refining.close(
            CloseBatch(batch_id="B1", in_process_au_oz=Decimal("100.000")), actor=MANAGER
        )
    assert refused.value.rule is Rule.BATCH_BALANCE
    assert "0.032 oz unaccounted" in str(refused.value)
    assert refinery.refining.get("B1").status == "open"


def test_gold_service_close_with_residue_and_recorded_loss(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    assayed_lot(refinery, "L1", gross_g="31103.477")
    batch_of(refinery, "B1", ["L1"])
    _cast(refinery, "B1", "A1", "A2")
    residue = refinery.refining.record_residue(
        ResidueIn(
            batch_id="B1",
            residue_id="SLAG-1",
            kind=OutputKind.SLAG,
            gross_g=Decimal("31103.477"),
            au_per_mille=Decimal("3"),
            ag_per_mille=Decimal("50"),
        ),
        actor=MANAGER,
    )
    assert residue.fine_au_oz == Decimal("3.000")
    closed = refinery.refining.close(
        CloseBatch(batch_id="B1", in_process_au_oz=Decimal("97.000"), loss_au_oz=Decimal("0.032")),
        actor=MANAGER,
    )
    assert closed.balance.balanced and closed.balance.unaccounted_oz == 0
    assert refinery.ledger.balance("LOSS:REFINING", "AU") == Decimal("0.032")
    assert refinery.ledger.balance("RESIDUE:SLAG", "AU") == Decimal("3.000")
    assert refinery.ledger.balance("PROCESS:B1", "AU") == Decimal("97.000")
    with pytest.raises(GoldRefusedError):
        _cast(refinery, "B1", "A3")
