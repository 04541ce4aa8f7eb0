"""Metal-account statement of one depositor over a period: opening balance, each credit and debit
(date, lot or bar, fine oz Au and Ag) and the closing balance.

Credits are settlements of the depositor's lots; debits are metal returned (bars released or
shipped to it), sold, or charges taken in metal. The statement only adds up what it is given:
the movements come from the ledger (the service reads them), each signed from the depositor's
side (+ credit, − debit), exact to the ledger's precision.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from nafolo.gold.reports.table import Cell, Column, Period, ReportTable

REPORT = "metal-account-statement"
COLUMNS = [
    Column(key="date", label="date"),
    Column(key="lot", label="lot"),
    Column(key="bar", label="bar"),
    Column(key="description", label="description"),
    Column(key="credit_au_fine_oz", label="credit Au", unit="fine oz"),
    Column(key="debit_au_fine_oz", label="debit Au", unit="fine oz"),
    Column(key="credit_ag_fine_oz", label="credit Ag", unit="fine oz"),
    Column(key="debit_ag_fine_oz", label="debit Ag", unit="fine oz"),
    Column(key="balance_au_fine_oz", label="balance Au", unit="fine oz"),
    Column(key="balance_ag_fine_oz", label="balance Ag", unit="fine oz"),
]
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class MetalMovement:
    """One movement on a depositor's metal account, signed from the depositor's side."""

    on: date
    description: str
    au_fine_oz: Decimal = ZERO
    ag_fine_oz: Decimal = ZERO
    lot: str | None = None
    bar: str | None = None
    reference: str | None = None
    """Document or ledger reference (e.g. entry seq), kept for sorting ties and audit."""

    def __post_init__(self) -> None:
        for name in ("au_fine_oz", "ag_fine_oz"):
            if not isinstance(getattr(self, name), Decimal):
                raise TypeError(f"{name}: give a Decimal, not {type(getattr(self, name)).__name__}")


@dataclass(frozen=True, slots=True)
class StatementSummary:
    """The figures of a statement, for checks and for headers."""

    opening_au_fine_oz: Decimal
    opening_ag_fine_oz: Decimal
    credits_au_fine_oz: Decimal
    debits_au_fine_oz: Decimal
    credits_ag_fine_oz: Decimal
    debits_ag_fine_oz: Decimal
    closing_au_fine_oz: Decimal
    closing_ag_fine_oz: Decimal


def _split(value: Decimal) -> tuple[Cell, Cell]:
    """(credit, debit) cells of a signed movement; the side without a movement is blank."""
    if value > 0:
        return value, None
    if value < 0:
        return None, -value
    return None, None


def summarise(
    movements: Iterable[MetalMovement],
    period: Period,
    opening_au_fine_oz: Decimal = ZERO,
    opening_ag_fine_oz: Decimal = ZERO,
) -> StatementSummary:
    """Opening (the balances given plus every movement before the period), credits and debits
    in it, and closing balances."""
    opening_au, opening_ag = opening_au_fine_oz, opening_ag_fine_oz
    credit_au = debit_au = credit_ag = debit_ag = ZERO
    for m in movements:
        if m.on < period.start:
            opening_au += m.au_fine_oz
            opening_ag += m.ag_fine_oz
        elif m.on in period:
            credit_au += max(m.au_fine_oz, ZERO)
            debit_au += max(-m.au_fine_oz, ZERO)
            credit_ag += max(m.ag_fine_oz, ZERO)
            debit_ag += max(-m.ag_fine_oz, ZERO)
    return StatementSummary(
        opening_au,
        opening_ag,
        credit_au,
        debit_au,
        credit_ag,
        debit_ag,
        opening_au + credit_au - debit_au,
        opening_ag + credit_ag - debit_ag,
    )


def metal_account_statement(
    depositor_id: str,
    depositor_name: str,
    movements: Iterable[MetalMovement],
    period: Period,
    *,
    opening_au_fine_oz: Decimal = ZERO,
    opening_ag_fine_oz: Decimal = ZERO,
) -> ReportTable:
    """The statement: an opening row, one row per movement in the period (by date, then in the
    order given), running balances, and a closing total row. Movements after the period are
    left out; the opening is the balances given plus the movements before the period."""
    listed = list(movements)
    summary = summarise(listed, period, opening_au_fine_oz, opening_ag_fine_oz)
    rows: list[dict[str, Cell]] = [
        {
            "date": period.start,
            "description": "opening balance",
            "balance_au_fine_oz": summary.opening_au_fine_oz,
            "balance_ag_fine_oz": summary.opening_ag_fine_oz,
        }
    ]
    au, ag = summary.opening_au_fine_oz, summary.opening_ag_fine_oz
    in_period = sorted(
        (m for m in listed if m.on in period), key=lambda m: m.on
    )  # stable: same-day movements keep the ledger's order
    for m in in_period:
        au += m.au_fine_oz
        ag += m.ag_fine_oz
        credit_au, debit_au = _split(m.au_fine_oz)
        credit_ag, debit_ag = _split(m.ag_fine_oz)
        rows.append(
            {
                "date": m.on,
                "lot": m.lot,
                "bar": m.bar,
                "description": m.description,
                "credit_au_fine_oz": credit_au,
                "debit_au_fine_oz": debit_au,
                "credit_ag_fine_oz": credit_ag,
                "debit_ag_fine_oz": debit_ag,
                "balance_au_fine_oz": au,
                "balance_ag_fine_oz": ag,
            }
        )
    totals: list[dict[str, Cell]] = [
        {
            "date": period.end,
            "description": "closing balance",
            "credit_au_fine_oz": summary.credits_au_fine_oz,
            "debit_au_fine_oz": summary.debits_au_fine_oz,
            "credit_ag_fine_oz": summary.credits_ag_fine_oz,
            "debit_ag_fine_oz": summary.debits_ag_fine_oz,
            "balance_au_fine_oz": summary.closing_au_fine_oz,
            "balance_ag_fine_oz": summary.closing_ag_fine_oz,
        }
    ]
    return ReportTable(
        report=REPORT,
        title=f"Metal account statement — {depositor_name} ({depositor_id}) — {period.label}",
        period_start=period.start,
        period_end=period.end,
        period_label=period.label,
        columns=list(COLUMNS),
        rows=rows,
        totals=totals,
        notes=[
            "Fine troy ounces, exact as recorded on the ledger (1 oz = 31.1034768 g).",
            "Credits: settled lots; debits: metal returned as bars, sold, or charges in metal.",
        ],
    )
