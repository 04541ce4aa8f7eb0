"""Business dates: each step is dated when it happened (its `at`), not when it was typed in, and
a step dated before the one it follows, or in the future, is refused naming the field."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from gold_service_support import (
    CHEMIST,
    DEPOSITOR,
    MANAGER,
    assayed_lot,
    exchanged_at,
    refinery_with_depositor,
)
from sqlalchemy.engine import Engine

from nafolo.gold.metal_balance.assemble import inputs_from_refinery
from nafolo.gold.metal_balance.store import MetalBalanceStore
from nafolo.gold.reports import Period
from nafolo.gold.reports.sources import production_rows, statement_rows
from nafolo.gold.service import (
    BatchInputIn,
    BatchPlan,
    CloseBatch,
    GoldRefusedError,
    Refinery,
    Rule,
)

RECEIVED = datetime(2026, 10, 5, 9, tzinfo=UTC)
SETTLED = datetime(2026, 10, 30, 16, tzinfo=UTC)
"""Settled on 30 October, typed in whenever the test runs (in November or later)."""


def _settled_late(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    assayed_lot(refinery, "L1", gross_g="31103.477", on=RECEIVED)
    refinery.settlements.settle("L1", actor=MANAGER, at=SETTLED)


def test_gold_dating_late_settlement_in_its_month_statement(engine: Engine) -> None:
    _settled_late(engine)
    rows = statement_rows(Refinery(engine), DEPOSITOR, Period.month("2026-10"))
    assert [(m.on, m.lot, m.au_fine_oz) for m in rows.movements] == [
        (date(2026, 10, 30), "L1", Decimal("899.299"))
    ]
    later = statement_rows(Refinery(engine), DEPOSITOR, Period.month("2026-11"))
    assert later.movements == [] and later.opening_au_fine_oz == Decimal("899.299")


def test_gold_dating_late_settlement_in_its_month_production(engine: Engine) -> None:
    _settled_late(engine)
    october = production_rows(Refinery(engine), Period.month("2026-10"))
    november = production_rows(Refinery(engine), Period.month("2026-11"))
    assert [(s.lot_id, s.settled_on) for s in october.settled] == [("L1", date(2026, 10, 30))]
    assert november.settled == []


def test_gold_dating_late_settlement_in_its_month_metal_balance(engine: Engine) -> None:
    _settled_late(engine)
    store = MetalBalanceStore(engine)
    october = inputs_from_refinery(Refinery(engine), store, "2026-10")
    november = inputs_from_refinery(Refinery(engine), store, "2026-11")
    assert [r.lot_id for r in october.receipts] == ["L1"]
    assert november.receipts == ()


def test_gold_dating_custody_events_carry_business_times(engine: Engine) -> None:
    _settled_late(engine)
    times = {e.event.value: e.at for e in Refinery(engine).lots.custody("L1")}
    assert times["assayed"].startswith("2026-10-07T09:00")
    assert times["settled"].startswith("2026-10-30T16:00")


def test_gold_dating_exchange_before_sealing_refused(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    with pytest.raises(GoldRefusedError) as refused:
        assayed_lot(refinery, "L1", on=RECEIVED, exchange_at=RECEIVED)
    assert refused.value.problems[0].field == "exchanged_at"
    assert refused.value.rule is Rule.CHRONOLOGY


def test_gold_dating_batch_before_exchange_refused(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    assayed_lot(refinery, "L1", on=RECEIVED)
    plan = BatchPlan(
        batch_id="B1", planned_on=date(2026, 10, 6), inputs=[BatchInputIn(lot_id="L1")]
    )
    with pytest.raises(GoldRefusedError) as refused:
        refinery.refining.plan(plan, actor=MANAGER, at=exchanged_at(RECEIVED) - timedelta(hours=1))
    assert refused.value.problems[0].field == "charged_at"
    assert refinery.refining.all() == []


def test_gold_dating_close_before_charge_refused(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    assayed_lot(refinery, "L1", on=RECEIVED)
    charged = exchanged_at(RECEIVED) + timedelta(days=1)
    plan = BatchPlan(batch_id="B1", planned_on=charged.date(), inputs=[BatchInputIn(lot_id="L1")])
    batch = refinery.refining.plan(plan, actor=MANAGER, at=charged)
    assert {e.effective_at for e in batch.entries} == {charged}
    fine = batch.balance.fine_in_oz
    close = CloseBatch(batch_id="B1", in_process_au_oz=fine, closed_at=charged - timedelta(days=1))
    with pytest.raises(GoldRefusedError) as refused:
        refinery.refining.close(close, actor=CHEMIST)
    assert refused.value.problems[0].field == "closed_at"
    assert refinery.refining.get("B1").status == "open"
