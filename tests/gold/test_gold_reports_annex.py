"""Country-of-origin annex: kg and % by scale, CAHRA share, depositors and decisions per country."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl

from nafolo.gold.diligence import Decision, MiningScale
from nafolo.gold.reports import AnnexReceipt, DecisionTaken, Period, origin_annex
from nafolo.gold.reports.output import write_report

D = Decimal
YEAR = Period.year(2026)
RECEIPTS = [
    AnnexReceipt("L1", date(2026, 3, 5), "D1", "ML", MiningScale.LSM, True, D("1000")),
    AnnexReceipt("L2", date(2026, 4, 5), "D2", "ML", MiningScale.ASM, False, D("250")),
    AnnexReceipt("L3", date(2026, 5, 5), "D2", "GN", MiningScale.ASM, False, D("250")),
    AnnexReceipt("L4", date(2026, 6, 5), "D3", "CH", MiningScale.RECYCLED, False, D("500")),
    AnnexReceipt("L5", date(2025, 12, 5), "D5", "BF", MiningScale.ASM, False, D("999")),
]
DECISIONS = [
    DecisionTaken("D1", date(2026, 3, 1), Decision.APPROVE),
    DecisionTaken("D2", date(2026, 2, 1), Decision.ENHANCED_DUE_DILIGENCE),
    DecisionTaken("D4", date(2026, 4, 1), Decision.TERMINATE),
    DecisionTaken("D3", date(2025, 12, 31), Decision.APPROVE),
]


def rows() -> dict[str, dict[str, object]]:
    table = origin_annex(RECEIPTS, DECISIONS, YEAR)
    return {str(r["country"]): r for r in [*table.rows, *table.totals]}


def test_one_row_per_country_sorted_then_decisions_without_receipts() -> None:
    table = origin_annex(RECEIPTS, DECISIONS, YEAR)
    assert [r["country"] for r in table.rows] == ["CH", "GN", "ML", "—"]


def test_kg_and_percent_of_the_year_by_scale() -> None:
    mali = rows()["ML"]
    assert mali["lsm_fine_kg"] == D("31.103")  # 1000 oz × 31.1034768 g
    assert mali["lsm_pct"] == D("50.00")
    assert mali["asm_fine_kg"] == D("7.776")  # 7.7758692 kg
    assert mali["asm_pct"] == D("12.50")
    assert mali["recycled_fine_kg"] == D("0.000")
    assert (mali["total_fine_kg"], mali["total_pct"]) == (D("38.879"), D("62.50"))


def test_cahra_share_is_of_the_country_total() -> None:
    assert rows()["ML"]["cahra_pct"] == D("80.00")
    assert rows()["GN"]["cahra_pct"] == D("0.00")
    assert rows()["total"]["cahra_pct"] == D("50.00")


def test_depositors_and_decisions_count_per_country_and_once_in_the_total() -> None:
    table = rows()
    assert table["ML"]["depositors"] == 2
    assert (table["ML"]["decisions_approve"], table["ML"]["decisions_edd"]) == (1, 1)
    assert table["GN"]["decisions_edd"] == 1
    assert table["—"]["decisions_terminate"] == 1
    total = table["total"]
    assert (total["depositors"], total["decisions_edd"], total["decisions_approve"]) == (3, 1, 1)
    assert (total["total_fine_kg"], total["total_pct"]) == (D("62.207"), D("100.00"))


def test_written_as_xlsx_with_a_units_row_and_the_totals(tmp_path: Path) -> None:
    path = tmp_path / "annex.xlsx"
    write_report(origin_annex(RECEIPTS, DECISIONS, YEAR), path)
    book = openpyxl.load_workbook(path)
    sheet = list(book["report"].values)
    assert sheet[0][:3] == ("country", "lsm_fine_kg", "lsm_pct")
    assert sheet[1][:3] == (None, "[kg]", "[%]")
    assert sheet[-1][0] == "total" and float(sheet[-1][1]) == 31.103
    about = {row[0]: row[1] for row in list(book["about"].values)[2:]}
    assert about["period"] == "2026"
