"""Genealogy from the store: lot → batches → bars and bar → batch → lots → origins."""

from __future__ import annotations

from decimal import Decimal

from gold_service_support import (
    AT,
    DAY,
    MANAGER,
    VAULT,
    assayed_lot,
    batch_of,
    refinery_with_depositor,
)
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from nafolo.gold.balance import BarOutput, BatchBalance, BatchInput
from nafolo.gold.genealogy import Genealogy
from nafolo.gold.service import BarIn, BatchInputIn, BatchPlan, CastBars, Refinery
from nafolo.gold.service.genealogy import bar_trace


def _two_batches(engine: Engine) -> Refinery:
    """L1 (900.200 oz) split 450.100 / 450.100 over B1 and B2; L2 (900.200 oz) all in B2."""
    refinery = refinery_with_depositor(engine)
    assayed_lot(refinery, "L1", gross_g="31103.477")
    assayed_lot(refinery, "L2", gross_g="31103.477")
    refinery.refining.plan(
        BatchPlan(
            batch_id="B1",
            planned_on=DAY,
            inputs=[BatchInputIn(lot_id="L1", fine_au_oz=Decimal("450.100"))],
        ),
        actor=MANAGER,
    )
    batch_of(refinery, "B2", ["L1", "L2"])
    for batch, serial in (("B1", "A1"), ("B2", "B1"), ("B2", "B2")):
        refinery.vault.cast_bars(
            CastBars(
                batch_id=batch,
                location=VAULT,
                cast_at=AT,
                bars=[
                    BarIn(
                        serial=serial,
                        scale_reading_oz=Decimal("400.127"),
                        fineness_per_mille=Decimal("999.9"),
                    )
                ],
            ),
            actor=MANAGER,
        )
    return refinery


def test_gold_service_bar_backward_to_lots_and_origins(engine: Engine) -> None:
    refinery = _two_batches(engine)
    trace = refinery.genealogy.backward("SENOU-2026-B1")
    assert [(lot.id, lot.share) for lot in trace.lots] == [("L2", "2/3"), ("L1", "1/3")]
    assert [b.id for b in trace.batches] == ["B2"]
    assert [(o.origin_id, o.share, o.cahra) for o in trace.origins] == [("OR-1", "1", False)]
    assert trace.fine_au_oz == Decimal("400.084")


def test_gold_service_lot_forward_to_batches_and_bars(engine: Engine) -> None:
    refinery = _two_batches(engine)
    trace = refinery.genealogy.forward("L1")
    assert {b.id: b.share for b in trace.batches} == {"B1": "1/2", "B2": "1/2"}
    bars = {e.id: e.share for e in trace.ends if e.kind == "bar"}
    assert set(bars) == {"SENOU-2026-A1", "SENOU-2026-B1", "SENOU-2026-B2"}
    total = sum((e.fine_au_oz for e in trace.ends), Decimal(0))
    assert abs(total - Decimal("900.200")) <= Decimal("0.003")


def test_gold_service_lot_not_refined_has_empty_trace(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    assayed_lot(refinery, "L1")
    assert refinery.genealogy.forward("L1").ends == []


@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 10**7)), min_size=1, max_size=30))
def test_gold_service_bar_trace_equals_core_genealogy(inputs: list[tuple[int, int]]) -> None:
    rows = [(f"L{i}", f"O{origin}", moz) for i, (origin, moz) in enumerate(inputs)]
    batch = BatchBalance(
        "B",
        tuple(BatchInput(lot, Decimal(moz).scaleb(-3)) for lot, _, moz in rows),
        (BarOutput("X", Decimal("400.084")),),
        Decimal(1),
    )
    core = Genealogy.from_batches([batch], {lot: origin for lot, origin, _ in rows}).backward("X")
    fast = bar_trace("X", "B", Decimal("400.084"), rows)
    assert (fast.ends, fast.batches, fast.origins, fast.fine_au_oz) == (
        core.ends,
        core.batches,
        core.origins,
        core.fine_au_oz,
    )
