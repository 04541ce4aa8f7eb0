"""The period balance: check-in + opening − check-out − closing, its σ and significance."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from metal_balance_data import simple_inputs
from pydantic import ValidationError

from nafolo.gold.metal_balance import (
    Output,
    OutputKind,
    PeriodInputs,
    Receipt,
    Stocktake,
    Unit,
    period_balance,
    quadrature,
    receipt_sd_oz,
)

D = Decimal


def test_hand_checked_balance_and_uncertainty() -> None:
    b = period_balance(simple_inputs())
    assert (b.check_in.fine_oz, b.check_in.sd_oz) == (D("1500.000"), D("0.500"))  # √(.09+.16)
    assert (b.check_out.fine_oz, b.check_out.sd_oz) == (D("1200.000"), D("0.000"))
    assert (b.opening.fine_oz, b.closing.fine_oz) == (D("200.000"), D("499.000"))
    # 1500 + 200 − 1200 − 499 = 1; σ = √(0.25 + 0 + 0.25 + 0.25) = 0.8660…
    assert (b.unaccounted.fine_oz, b.unaccounted.sd_oz) == (D("1.000"), D("0.866"))
    assert b.unaccounted_pct == D("0.0667")  # 1 / 1500 × 100
    assert b.unaccounted_pct_sd == D("0.0577")  # 0.866 / 1500 × 100
    assert not b.significant  # 1 < 1.96 × 0.866 = 1.697


def test_unaccounted_beyond_k_sigma_is_significant() -> None:
    assert period_balance(simple_inputs(k=D("1"))).significant  # 1 > 0.866


def test_a_loss_is_a_positive_unaccounted_and_a_gain_a_negative_one() -> None:
    closing = (Stocktake(unit=Unit.ELECTROLYSIS, fine_oz=D("505"), sd_oz=D("0.5")),)
    b = period_balance(simple_inputs(closing=closing))
    assert b.unaccounted.fine_oz == D("-5.000") and b.significant


def test_no_check_in_gives_no_percentage() -> None:
    b = period_balance(simple_inputs(receipts=()))
    assert b.unaccounted_pct is None and b.unaccounted_pct_sd is None


def test_receipt_sd_from_weighing_and_assay_in_quadrature() -> None:
    # 1000 oz from 32,000 g ± 3.2 g (0.01 %) at 900 ‰ ± 0.09 ‰ (0.01 %): 1000 × √2 × 1e-4
    assert receipt_sd_oz(D("1000"), D("32000"), D("3.2"), D("900"), D("0.09")) == D("0.141")


def test_period_must_be_a_month() -> None:
    with pytest.raises(ValidationError, match="YYYY-MM"):
        PeriodInputs(period="2026-13")


def test_a_unit_counted_twice_is_refused() -> None:
    count = Stocktake(unit=Unit.MELTING, fine_oz=D(1), sd_oz=D(0))
    with pytest.raises(ValidationError, match="counted twice"):
        PeriodInputs(period="2026-01", closing=(count, count))


def test_negative_fine_gold_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError, match="fine_oz"):
        Receipt(lot_id="L1", fine_oz=D("-1"), sd_oz=D(0))


amounts = st.decimals(min_value=0, max_value=10_000, places=3)
sds = st.decimals(min_value=0, max_value=10, places=3)


@settings(max_examples=40, deadline=None)
@given(
    receipts=st.lists(st.tuples(amounts, sds), max_size=5),
    outputs=st.lists(st.tuples(amounts, sds), max_size=5),
    opening=st.tuples(amounts, sds),
    closing=st.tuples(amounts, sds),
)
def test_unaccounted_is_what_the_measurements_leave_and_sigma_their_quadrature(
    receipts: list[tuple[Decimal, Decimal]],
    outputs: list[tuple[Decimal, Decimal]],
    opening: tuple[Decimal, Decimal],
    closing: tuple[Decimal, Decimal],
) -> None:
    inputs = PeriodInputs(
        period="2026-03",
        receipts=tuple(
            Receipt(lot_id=f"L{i}", fine_oz=v, sd_oz=s) for i, (v, s) in enumerate(receipts)
        ),
        outputs=tuple(
            Output(item_id=f"B{i}", kind=OutputKind.BAR, fine_oz=v, sd_oz=s, unit=Unit.MELTING)
            for i, (v, s) in enumerate(outputs)
        ),
        opening=(Stocktake(unit=Unit.MELTING, fine_oz=opening[0], sd_oz=opening[1]),),
        closing=(Stocktake(unit=Unit.MELTING, fine_oz=closing[0], sd_oz=closing[1]),),
    )
    b = period_balance(inputs)
    expected = sum(v for v, _ in receipts) + opening[0] - sum(v for v, _ in outputs) - closing[0]
    assert b.unaccounted.fine_oz == expected
    every_sd = [s for _, s in receipts + outputs] + [opening[1], closing[1]]
    assert b.unaccounted.sd_oz == quadrature(every_sd).quantize(D("0.001"))
    melting = b.units[0]
    assert melting.unaccounted is not None and melting.unaccounted.fine_oz == expected
