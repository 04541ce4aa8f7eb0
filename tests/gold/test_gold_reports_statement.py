"""Metal-account statement: opening from earlier movements, running balances, closing totals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nafolo.gold.reports import MetalMovement, Period, metal_account_statement

D = Decimal
JUNE = Period.month("2026-06")
MOVEMENTS = [
    MetalMovement(date(2026, 5, 20), "settlement", D("100.000"), D("10.000"), lot="L1"),
    MetalMovement(date(2026, 6, 3), "settlement", D("292.993"), D("25.206"), lot="L2"),
    MetalMovement(date(2026, 6, 10), "return as bar", D("-350.125"), bar="SENOU-2026-A1"),
    MetalMovement(date(2026, 6, 15), "sale", ag_fine_oz=D("-5.000")),
    MetalMovement(date(2026, 7, 1), "settlement", D("1.000"), lot="L3"),
]


def test_opening_is_everything_before_the_period() -> None:
    table = metal_account_statement("D1", "Fekola SA", MOVEMENTS, JUNE)
    opening = table.rows[0]
    assert opening["description"] == "opening balance"
    assert (opening["balance_au_fine_oz"], opening["balance_ag_fine_oz"]) == (D("100"), D("10"))


def test_each_movement_in_the_period_is_a_row_with_running_balances() -> None:
    table = metal_account_statement("D1", "Fekola SA", MOVEMENTS, JUNE)
    rows = table.rows[1:]
    assert [r["lot"] or r["bar"] for r in rows] == ["L2", "SENOU-2026-A1", None]
    assert rows[0]["credit_au_fine_oz"] == D("292.993") and rows[0]["debit_au_fine_oz"] is None
    assert rows[1]["debit_au_fine_oz"] == D("350.125")
    assert rows[1]["balance_au_fine_oz"] == D("42.868")
    assert rows[2]["debit_ag_fine_oz"] == D("5.000")
    assert rows[2]["balance_ag_fine_oz"] == D("30.206")


def test_closing_row_sums_credits_debits_and_states_the_closing_balance() -> None:
    (closing,) = metal_account_statement("D1", "Fekola SA", MOVEMENTS, JUNE).totals
    assert closing["credit_au_fine_oz"] == D("292.993")
    assert closing["debit_au_fine_oz"] == D("350.125")
    assert closing["credit_ag_fine_oz"] == D("25.206")
    assert closing["debit_ag_fine_oz"] == D("5.000")
    assert closing["balance_au_fine_oz"] == D("42.868")
    assert closing["balance_ag_fine_oz"] == D("30.206")


def test_every_metal_column_carries_its_unit() -> None:
    table = metal_account_statement("D1", "Fekola SA", [], JUNE)
    assert table.units()["balance_au_fine_oz"] == "fine oz"
    assert table.totals[0]["balance_au_fine_oz"] == 0


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError, match="au_fine_oz"):
        MetalMovement(date(2026, 6, 1), "x", 1.5)  # type: ignore[arg-type]


def test_periods_parse_months_and_years_and_refuse_bad_text() -> None:
    assert (JUNE.start, JUNE.end) == (date(2026, 6, 1), date(2026, 6, 30))
    assert Period.month("2028-02").end == date(2028, 2, 29)
    assert Period.year(2026).end == date(2026, 12, 31)
    with pytest.raises(ValueError, match="YYYY-MM"):
        Period.month("2026-13")


oz = st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False, allow_infinity=False)
days = st.dates(min_value=date(2026, 4, 1), max_value=date(2026, 8, 31))


@given(st.lists(st.tuples(days, oz, oz), max_size=30))
def test_closing_is_opening_plus_credits_minus_debits_and_the_last_running_balance(
    moves: list[tuple[date, Decimal, Decimal]],
) -> None:
    movements = [MetalMovement(day, "m", au, ag) for day, au, ag in moves]
    table = metal_account_statement("D1", "D", movements, JUNE)
    (closing,) = table.totals
    opening = table.rows[0]
    for metal in ("au", "ag"):
        credit = closing[f"credit_{metal}_fine_oz"]
        debit = closing[f"debit_{metal}_fine_oz"]
        start = opening[f"balance_{metal}_fine_oz"]
        assert isinstance(credit, Decimal) and isinstance(debit, Decimal)
        assert isinstance(start, Decimal)
        assert closing[f"balance_{metal}_fine_oz"] == start + credit - debit
        assert table.rows[-1][f"balance_{metal}_fine_oz"] == closing[f"balance_{metal}_fine_oz"]
    everything_to_june = sum((au for day, au, _ in moves if day <= JUNE.end), Decimal(0))
    assert closing["balance_au_fine_oz"] == everything_to_june
