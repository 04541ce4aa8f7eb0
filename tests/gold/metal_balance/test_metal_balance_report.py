"""The refinery-monthly report's metal balance takes its reconciled column from the period's
prepared (or signed) metal balance."""

from __future__ import annotations

from decimal import Decimal

from metal_balance_data import simple_inputs
from sqlalchemy.engine import Engine

from nafolo.gold.metal_balance.store import MetalBalanceStore
from nafolo.reports.refinery_data import assemble_refinery_month
from nafolo.reports.refinery_monthly import BalanceItem


def test_reconciled_column_and_chi_square_come_from_the_metal_balance(engine: Engine) -> None:
    MetalBalanceStore(engine).prepare(simple_inputs(), actor="alice")
    month = assemble_refinery_month(engine, "2026-01")
    lines = {line.item: line for line in month.balance}
    receipts = lines[BalanceItem.RECEIPTS]
    assert (receipts.reconciled_oz, receipts.sd_oz) == (Decimal("1499.667"), Decimal("0.408"))
    assert lines[BalanceItem.SHIPMENTS].reconciled_oz == Decimal("1200.000")
    assert lines[BalanceItem.LOSSES].reconciled_oz is None
    assert month.degrees_of_freedom == 1 and month.chi_square is not None


def test_without_a_metal_balance_the_column_stays_empty(engine: Engine) -> None:
    month = assemble_refinery_month(engine, "2026-01")
    assert all(line.reconciled_oz is None for line in month.balance)
    assert month.chi_square is None
