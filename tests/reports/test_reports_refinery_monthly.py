"""The refinery-monthly report: from its typed input, and read from the gold services."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from refinery_support import PERIOD, refine_march
from sqlalchemy.engine import Engine

from nafolo.gold.diligence import Decision, MiningScale, Rating
from nafolo.reports import render
from nafolo.reports.refinery_monthly import (
    BalanceItem,
    DiligenceDecisionLine,
    MetalAccountLine,
    MetalBalanceLine,
    ProductionLine,
    ReceiptByOrigin,
    RefineryMonth,
    assemble_refinery_month,
    refinery_monthly_document,
)

GENERATED = datetime(2026, 4, 1, 6, 0, tzinfo=UTC)
OZ = Decimal


def month() -> RefineryMonth:
    return RefineryMonth(
        period="2026-03",
        receipts=(
            ReceiptByOrigin(
                "ML", "Kayes", MiningScale.ASM, True, 12, Decimal("25400.5"), OZ("701.250")
            ),
            ReceiptByOrigin(
                "ML", "Sikasso", MiningScale.LSM, False, 3, Decimal("98000"), OZ("2950.125")
            ),
        ),
        production=(ProductionLine("kilobar", 100, OZ("3215.075"), OZ("3214.753")),),
        balance=(
            MetalBalanceLine(BalanceItem.OPENING, OZ("120.000")),
            MetalBalanceLine(BalanceItem.RECEIPTS, OZ("3651.375"), OZ("3651.100"), OZ("0.900")),
            MetalBalanceLine(BalanceItem.SHIPMENTS, OZ("3214.753")),
            MetalBalanceLine(BalanceItem.CLOSING, OZ("556.000")),
            MetalBalanceLine(BalanceItem.UNACCOUNTED, OZ("0.622")),
        ),
        accounts=(
            MetalAccountLine(
                "DEP-1", "Coopérative de Kéniéba", "AU", OZ(0), OZ("690.1"), OZ(0), OZ("690.1")
            ),
        ),
        decisions=(
            DiligenceDecisionLine(
                "DEP-2",
                "Comptoir du Sud",
                date(2026, 3, 14),
                Rating.HIGH,
                Decision.SUSPEND,
                "origine non vérifiée",
            ),
        ),
        chi_square=1.25,
        degrees_of_freedom=1,
    )


def test_the_board_report_is_in_french_by_default() -> None:
    document = refinery_monthly_document(month(), "fr", GENERATED)
    assert document.title == "Raffinerie nationale d'or — rapport mensuel"
    assert document.subtitle == "Conseil d'administration — mars 2026"


def test_receipts_are_shown_by_origin_with_kilograms_and_fine_ounces() -> None:
    document = refinery_monthly_document(month(), "en", GENERATED)
    receipts = document.tables[0]
    assert [c.unit for c in receipts.columns][-2:] == ["kg", "oz"]
    assert receipts.rows[0][:4] == ("ML", "Kayes", "artisanal and small-scale", "yes")
    assert receipts.rows[0][5] == Decimal("25.4005")


def test_decisions_are_translated() -> None:
    rows = refinery_monthly_document(month(), "fr", GENERATED).tables[-1].rows
    assert rows[0][3:5] == ("élevé", "suspendu")


def test_the_refinery_report_renders_to_pdf_and_xlsx() -> None:
    document = refinery_monthly_document(month(), "fr", GENERATED)
    assert render(document, "pdf").startswith(b"%PDF-")
    book = load_workbook(io.BytesIO(render(document, "xlsx")))
    assert book.sheetnames == [
        "Synthèse",
        "Réceptions",
        "Production",
        "Bilan matière",
        "Comptes métal",
        "Diligence",
    ]
    assert book["Réceptions"]["G3"].value == "Or fin (oz t)"


def test_an_empty_refinery_makes_an_empty_month(engine: Engine) -> None:
    month = assemble_refinery_month(engine, "2026-03")
    assert (month.receipts, month.production, month.accounts) == ((), (), ())
    assert all(b.measured_oz == 0 for b in month.balance)


def test_a_bad_period_is_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="period: '2026-3'"):
        assemble_refinery_month(engine, "2026-3")


def test_the_month_is_read_from_the_gold_services(engine: Engine) -> None:
    refine_march(engine)
    month = assemble_refinery_month(engine, PERIOD)
    [receipt] = month.receipts
    assert (receipt.country, receipt.region, receipt.scale, receipt.lots) == (
        "ML",
        "Sikasso",
        MiningScale.LSM,
        1,
    )
    assert receipt.fine_au_oz == Decimal("900.200")
    [bars] = month.production
    assert (bars.bars, bars.fine_oz) == (2, Decimal("800.168"))
    assert [d.assessed_on for d in month.decisions] == [date(2026, 3, 20)]


def test_a_settlement_shows_in_the_metal_account_of_its_month(engine: Engine) -> None:
    refine_march(engine)  # settled on 5 March, recorded whenever the test runs
    month = assemble_refinery_month(engine, PERIOD)
    [gold] = [a for a in month.accounts if a.metal == "AU"]
    assert (gold.depositor_id, gold.credits_oz, gold.closing_oz) == (
        "DEP-1",
        Decimal("899.299"),
        Decimal("899.299"),
    )


def test_a_settlement_is_not_in_the_month_it_was_typed_in(engine: Engine) -> None:
    refine_march(engine)
    month = assemble_refinery_month(engine, datetime.now(UTC).strftime("%Y-%m"))
    assert all(a.credits_oz == 0 for a in month.accounts)
    assert month.production == ()


@pytest.mark.parametrize("period", [PERIOD, "2026-04"])
def test_the_metal_balance_closes(engine: Engine, period: str) -> None:
    refine_march(engine)
    lines = {b.item: b.measured_oz for b in assemble_refinery_month(engine, period).balance}
    assert lines[BalanceItem.OPENING] + lines[BalanceItem.RECEIPTS] == (
        lines[BalanceItem.SHIPMENTS] + lines[BalanceItem.LOSSES] + lines[BalanceItem.CLOSING]
    )
