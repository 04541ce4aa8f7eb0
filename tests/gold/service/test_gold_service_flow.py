"""End to end: a lot from registration to bars in the vault, on the ledger at every step."""

from __future__ import annotations

from decimal import Decimal

from gold_service_support import (
    AT,
    DEPOSITOR,
    MANAGER,
    VAULT,
    assayed_lot,
    batch_of,
    refinery_with_depositor,
)
from sqlalchemy.engine import Engine

from nafolo.gold.service import BarIn, CastBars, CloseBatch, CustodyEvent


def test_gold_service_lot_to_vault(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    assayed_lot(refinery, "L1", gross_g="31103.477")  # 1,000.000 oz after rounding down
    lot = refinery.lots.get("L1")
    assert lot.settled_au_per_mille == Decimal("900.20")
    assert lot.fine_au_oz == Decimal("900.200")
    settled = refinery.settlements.settle("L1", actor=MANAGER)
    assert settled.credited_au_oz == Decimal("899.299")
    assert refinery.settlements.balance(DEPOSITOR).au_oz == Decimal("899.299")
    batch_of(refinery, "B1", ["L1"])
    bars = refinery.vault.cast_bars(
        CastBars(
            batch_id="B1",
            location=VAULT,
            cast_at=AT,
            bars=[
                BarIn(
                    serial="A1",
                    scale_reading_oz=Decimal("400.127"),
                    fineness_per_mille=Decimal("999.9"),
                ),
                BarIn(
                    serial="A2",
                    scale_reading_oz=Decimal("400.127"),
                    fineness_per_mille=Decimal("999.9"),
                ),
            ],
        ),
        actor=MANAGER,
    )
    assert [b.fine_oz for b in bars] == [Decimal("400.084"), Decimal("400.084")]
    closed = refinery.refining.close(
        CloseBatch(batch_id="B1", in_process_au_oz=Decimal("100.000"), loss_au_oz=Decimal("0.032")),
        actor=MANAGER,
    )
    assert closed.balance.balanced
    assert refinery.ledger.balance("PROCESS:B1", "AU") == Decimal("100.000")
    assert refinery.ledger.balance(f"VAULT:{VAULT}", "AU") == Decimal("800.168")
    events = [e.event for e in refinery.lots.custody("L1")]
    assert events[:2] == [CustodyEvent.REGISTERED, CustodyEvent.RECEIVED]
    assert CustodyEvent.BAR_CAST in events and CustodyEvent.REFINED in events
    trace = refinery.genealogy.backward(bars[0].bar_id)
    assert [o.origin_id for o in trace.origins] == ["OR-1"]
