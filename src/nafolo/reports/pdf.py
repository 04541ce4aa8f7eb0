"""A report document rendered to PDF with reportlab: title page header, sections, key figures,
tables (headers with units, repeated across pages), charts as images; every page carries the
report's title, period, page number of the total and the generation time."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from nafolo.reports.cells import cell_text, header
from nafolo.reports.charts import bar_chart_png
from nafolo.reports.document import (
    BarChart,
    ColumnKind,
    Document,
    KeyFigure,
    Section,
    Table,
)
from nafolo.reports.document import Paragraph as TextBlock
from nafolo.reports.i18n import Formatter

FONT = "NafoloSans"
BOLD = "NafoloSans-Bold"
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN


def _register_fonts() -> None:
    """DejaVu Sans (shipped with matplotlib): covers French, narrow no-break spaces, ‰, χ², ∞."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, spaceAfter=4)
    return {
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=17, leading=21),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=11, leading=14, spaceAfter=10),
        "h1": ParagraphStyle("h1", base, fontName=BOLD, fontSize=13, leading=16, spaceBefore=10),
        "h2": ParagraphStyle("h2", base, fontName=BOLD, fontSize=10, leading=13, spaceBefore=6),
        "body": base,
        "note": ParagraphStyle("note", base, fontSize=7, leading=9, textColor=colors.grey),
        "cell": ParagraphStyle("cell", base, fontSize=7, leading=8.5, spaceAfter=0),
        "num": ParagraphStyle(
            "num", base, fontSize=7, leading=8.5, spaceAfter=0, alignment=TA_RIGHT
        ),
        "head": ParagraphStyle("head", base, fontName=BOLD, fontSize=7, leading=8.5, spaceAfter=0),
    }


def render_pdf(document: Document) -> bytes:
    """The document as PDF bytes (A4 portrait)."""
    _register_fonts()
    f = Formatter(document.lang)
    styles = _styles()
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 6 * mm,
        bottomMargin=MARGIN,
        title=document.title,
        subject=document.subtitle,
        author="Nafolo",
        creator="Nafolo",
        lang=document.lang.value,
    )
    story: list[Flowable] = [
        Paragraph(escape(document.title), styles["title"]),
        Paragraph(escape(document.subtitle), styles["subtitle"]),
    ]
    for section in document.sections:
        story += _section(section, f, styles)
    running = f"{document.title} — {f.month(document.period)}"
    footer = f.t("generated", moment=f.moment(document.generated_at))
    template.build(story, canvasmaker=_numbered_canvas(running, footer, f))
    return buffer.getvalue()


def _section(section: Section, f: Formatter, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    out: list[Flowable] = [Paragraph(escape(section.title), styles["h1"])]
    for block in section.blocks:
        if isinstance(block, TextBlock):
            out.append(Paragraph(escape(block.text), styles["body"]))
        elif isinstance(block, Table):
            out += _table(block, f, styles)
        elif isinstance(block, BarChart):
            out.append(_chart(block, f, styles))
        else:
            out.append(_key_figures(block, f, styles))
    return out


def _key_figures(
    figures: Sequence[KeyFigure], f: Formatter, styles: dict[str, ParagraphStyle]
) -> Flowable:
    rows = [
        [
            Paragraph(escape(k.label), styles["cell"]),
            Paragraph(escape(f.quantity(k.value, k.unit, k.decimals)), styles["num"]),
        ]
        for k in figures
    ]
    table = PdfTable(rows, colWidths=[WIDTH * 0.6, WIDTH * 0.3], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _table(table: Table, f: Formatter, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    title = Paragraph(escape(table.title), styles["h2"])
    if not table.rows:
        return [KeepTogether([title, Paragraph(escape(f.t("no_rows")), styles["note"])])]
    numeric = [c.kind is ColumnKind.NUMBER for c in table.columns]
    head = [Paragraph(escape(header(c, f)), styles["head"]) for c in table.columns]
    body = [
        [
            Paragraph(escape(cell_text(v, c, f)), styles["num" if n else "cell"])
            for v, c, n in zip(row, table.columns, numeric, strict=True)
        ]
        for row in table.rows
    ]
    weights = [1.0 if n else 1.4 for n in numeric]
    scale = WIDTH / sum(weights)
    pdf = PdfTable([head, *body], colWidths=[w * scale for w in weights], repeatRows=1)
    pdf.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6f0")),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f5f7fa")]),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.HexColor("#1f4e79")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    out: list[Flowable] = [title, pdf]
    if table.note:
        out.append(Paragraph(escape(table.note), styles["note"]))
    out.append(Spacer(1, 4))
    return out


def _chart(chart: BarChart, f: Formatter, styles: dict[str, ParagraphStyle]) -> Flowable:
    png = bar_chart_png(chart, f)
    height = WIDTH * 3.2 / 6.7
    image = Image(io.BytesIO(png), width=WIDTH, height=height)
    return KeepTogether([Paragraph(escape(chart.title), styles["h2"]), image])


def _numbered_canvas(running: str, footer: str, f: Formatter) -> type[Canvas]:
    """A canvas that draws the header and 'Page n of N' once the total is known."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = A4
            self.saveState()
            self.setFont(FONT, 7)
            self.setFillColor(colors.grey)
            self.drawString(MARGIN, height - MARGIN + 2 * mm, running)
            self.line(MARGIN, height - MARGIN + mm, width - MARGIN, height - MARGIN + mm)
            self.drawString(MARGIN, MARGIN - 8 * mm, footer)
            page = f.t("page", page=self._pageNumber, pages=total)
            self.drawRightString(width - MARGIN, MARGIN - 8 * mm, page)
            self.restoreState()

    return NumberedCanvas
