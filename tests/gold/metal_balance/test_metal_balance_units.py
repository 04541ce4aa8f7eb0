"""Per-unit reconciliation over melting, chlorination, electrolysis and recovery."""

from __future__ import annotations

from decimal import Decimal

import pytest
from metal_balance_data import simple_inputs, units_inputs

from nafolo.gold.metal_balance import period_balance, reconcile_units

D = Decimal


def test_consistent_data_are_left_unchanged() -> None:
    rec = reconcile_units(units_inputs())
    for s in rec.streams:
        assert s.reconciled_oz == s.measured_oz, s.name
    assert rec.global_test.chi_square == pytest.approx(0.0, abs=1e-9)
    assert not rec.global_test.rejected and rec.flagged == () and rec.suspects == ()


def test_each_unit_balances_on_its_own_when_every_transfer_is_measured() -> None:
    b = period_balance(units_inputs())
    by_unit = {u.unit.value: u for u in b.units}
    assert set(by_unit) == {"melting", "chlorination", "electrolysis", "recovery"}
    for u in by_unit.values():
        assert u.unaccounted is not None and u.unaccounted.fine_oz == D("0.000")
    # five balances (four units, the outside is not balanced), no unmeasured stream
    assert b.reconciliation.global_test.degrees_of_freedom == 4


def test_a_gross_error_on_one_stream_is_flagged_and_located() -> None:
    rec = reconcile_units(units_inputs(dore_oz="1530"))  # doré weighed 30 oz (20 σ) too heavy
    assert rec.global_test.rejected
    assert "transfer doré" in rec.flagged
    assert rec.suspects[0].stream == "transfer doré"
    assert rec.suspects[0].estimated_error_oz == pytest.approx(D("30"), abs=D("0.01"))


def test_with_the_main_flow_unmeasured_the_chi_square_is_the_period_test() -> None:
    b = period_balance(simple_inputs())
    g = b.reconciliation.global_test
    assert g.degrees_of_freedom == 1
    assert g.chi_square == pytest.approx((1 / 0.8660254) ** 2, rel=1e-5)  # (U / σ_U)²
    dore = next(s for s in b.reconciliation.streams if s.name == "transfer doré")
    assert dore.measured_oz is None and dore.classification == "observable"
    assert dore.reconciled_oz == D("1499.667")  # receipts adjusted by their share of U


def test_a_bar_stated_exactly_is_hardly_adjusted() -> None:
    rec = reconcile_units(simple_inputs())
    bar = next(s for s in rec.streams if s.name == "bar B1")
    assert bar.reconciled_oz == D("400.000")
    assert bar.reconciled_sd_oz == D("0.000")


def test_reconciled_totals_close_the_balance_with_correlated_sigmas() -> None:
    t = reconcile_units(simple_inputs()).totals
    assert t is not None
    closed = t.check_in.fine_oz + t.opening.fine_oz - t.check_out.fine_oz - t.closing.fine_oz
    assert abs(closed) <= D("0.002")  # zero up to the 0.001 oz rounding of each total
    # check-in alone: its two receipts' adjustments move together, σ = √(0.25 − 0.25²/0.75)
    assert t.check_in.sd_oz == D("0.408")
