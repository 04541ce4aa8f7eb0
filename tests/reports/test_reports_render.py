"""A small document rendered to PDF (pages, fonts, metadata) and to .xlsx (sheets, headers with
units, typed cells and number formats)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from nafolo.reports import (
    BarChart,
    Column,
    ColumnKind,
    Document,
    KeyFigure,
    Lang,
    Paragraph,
    Section,
    Series,
    Table,
    file_name,
    render,
)
from nafolo.reports.charts import bar_chart_png
from nafolo.reports.i18n import Formatter

GENERATED = datetime(2026, 2, 1, 7, 30, tzinfo=UTC)


def document(rows: int = 3, lang: Lang = Lang.FR) -> Document:
    stock = Table(
        "Stocks par dépôt",
        "Dépôts",
        (
            Column("Dépôt"),
            Column.number("Stock", "t", 1),
            Column.number("Couverture", "d", 1),
            Column("Jaugé le", ColumnKind.DATE),
        ),
        tuple(
            (f"DEPOT-{i}", Decimal("1234.5") + i, 3.25, datetime(2026, 1, 31, tzinfo=UTC))
            for i in range(rows)
        ),
        note="Poids dans l'air.",
    )
    chart = BarChart(
        "Couverture", ("Kayes", "Ségou"), (Series("GASOIL", (3.0, float("inf"))),), "d"
    )
    return Document(
        kind="test-report",
        lang=lang,
        title="Rapport d'essai",
        subtitle="Comité — janvier 2026",
        period="2026-01",
        generated_at=GENERATED,
        sections=(
            Section(
                "Synthèse", ((KeyFigure("Reçu", Decimal("170000"), "t"),), Paragraph("Texte."))
            ),
            Section("Stocks", (stock, chart)),
        ),
    )


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page[^s]", pdf))


def test_pdf_is_a_pdf_with_embedded_unicode_fonts() -> None:
    pdf = render(document(), "pdf")
    assert pdf.startswith(b"%PDF-")
    assert b"DejaVuSans" in pdf
    assert pages(pdf) == 1


def test_a_long_table_runs_over_several_pages() -> None:
    assert pages(render(document(rows=200), "pdf")) >= 4


def test_pdf_metadata_names_the_report() -> None:
    pdf = render(document(), "pdf")
    assert b"Nafolo" in pdf  # author and creator
    assert b"/Title" in pdf


def test_chart_is_a_png() -> None:
    png = bar_chart_png(document().sections[1].blocks[1], Formatter("fr"))  # type: ignore[arg-type]
    assert png.startswith(b"\x89PNG")


def test_xlsx_has_a_summary_then_one_sheet_per_table() -> None:
    book = load_workbook(io.BytesIO(render(document(), "xlsx")))
    assert book.sheetnames == ["Synthèse", "Dépôts"]


def test_xlsx_headers_carry_units_in_the_language() -> None:
    sheet = load_workbook(io.BytesIO(render(document(), "xlsx")))["Dépôts"]
    assert [c.value for c in sheet[3]] == ["Dépôt", "Stock (t)", "Couverture (j)", "Jaugé le"]


def test_xlsx_numbers_are_numbers_with_their_format() -> None:
    sheet = load_workbook(io.BytesIO(render(document(), "xlsx")))["Dépôts"]
    stock = sheet.cell(4, 2)
    assert (stock.value, stock.number_format) == (1234.5, "#,##0.0")
    day = sheet.cell(4, 4)
    assert (day.value, day.number_format) == (datetime(2026, 1, 31), "dd/mm/yyyy")


def test_xlsx_summary_holds_the_key_figures_with_units() -> None:
    sheet = load_workbook(io.BytesIO(render(document(), "xlsx")))["Synthèse"]
    assert sheet["A1"].value == "Rapport d'essai"
    assert [sheet.cell(7, c).value for c in (1, 2, 3)] == ["Reçu", 170000, "t"]


def test_xlsx_sheet_names_are_made_valid_and_unique() -> None:
    t = Table("x", "Pertes: [corridor]/carrier — a very long name indeed", (Column("a"),), ())
    doc = Document("k", Lang.EN, "T", "S", "2026-01", GENERATED, (Section("s", (t, t)),))
    names = load_workbook(io.BytesIO(render(doc, "xlsx"))).sheetnames
    assert len(names) == 3 and len(set(names)) == 3
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_file_name_says_report_period_language_and_format() -> None:
    assert file_name(document(), "pdf") == "nafolo-test-report-2026-01-fr.pdf"


def test_a_row_with_the_wrong_number_of_cells_is_refused() -> None:
    with pytest.raises(ValueError, match="row 1: 1 cells for 2 columns"):
        Table("t", "t", (Column("a"), Column("b")), (("x",),))
