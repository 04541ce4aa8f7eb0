"""A report document rendered to .xlsx with openpyxl: a summary sheet (title, period, key
figures) then one sheet per table, headers with units, numbers as numbers with their format."""

from __future__ import annotations

import io
import math
import re
from datetime import datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from nafolo.reports.cells import header
from nafolo.reports.document import Cell, Column, ColumnKind, Document, Table
from nafolo.reports.i18n import Formatter, Lang

HEAD_FILL = PatternFill("solid", fgColor="DDE6F0")
BOLD = Font(bold=True)
DATE_FORMAT = {Lang.FR: "dd/mm/yyyy", Lang.EN: "yyyy-mm-dd"}
DATETIME_FORMAT = {Lang.FR: "dd/mm/yyyy hh:mm", Lang.EN: "yyyy-mm-dd hh:mm"}
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def number_format(decimals: int) -> str:
    """Excel's format code with grouped thousands (Excel shows the reader's own separators)."""
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def render_xlsx(document: Document) -> bytes:
    """The document as .xlsx bytes."""
    f = Formatter(document.lang)
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = _sheet_name(f.t("sheet.summary"), set())
    _summary(summary, document, f)
    used = {summary.title}
    for table in document.tables:
        ws = book.create_sheet(_sheet_name(table.sheet, used))
        used.add(ws.title)
        _table(ws, table, f)
    book.properties.title = document.title
    book.properties.subject = document.subtitle
    book.properties.creator = "Nafolo"
    book.properties.language = document.lang.value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    """A valid, unique sheet name: no []:*?/\\, at most 31 characters."""
    base = _FORBIDDEN.sub("-", name).strip("'")[:31] or "Sheet"
    candidate, n = base, 2
    while candidate in used:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    return candidate


def _summary(ws: Worksheet, document: Document, f: Formatter) -> None:
    ws["A1"] = document.title
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = document.subtitle
    ws["A3"] = f.t("period")
    ws["B3"] = document.period
    ws["A4"] = f.t("generated", moment=f.moment(document.generated_at))
    row = 6
    for cell, text in zip(("A", "B", "C"), (f.t("figure"), f.t("value"), f.t("unit")), strict=True):
        ws[f"{cell}{row}"] = text
        ws[f"{cell}{row}"].font = BOLD
        ws[f"{cell}{row}"].fill = HEAD_FILL
    for figure in document.key_figures:
        row += 1
        ws.cell(row, 1, figure.label)
        value = ws.cell(row, 2, _value(figure.value))
        value.number_format = number_format(figure.decimals)
        ws.cell(row, 3, f.unit(figure.unit))
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 8


def _table(ws: Worksheet, table: Table, f: Formatter) -> None:
    ws.cell(1, 1, table.title).font = Font(bold=True, size=12)
    head_row = 3
    for j, column in enumerate(table.columns, start=1):
        cell = ws.cell(head_row, j, header(column, f))
        cell.font = BOLD
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        width = max(len(header(column, f)), 10) + 2
        ws.column_dimensions[get_column_letter(j)].width = min(width, 40)
    for i, row in enumerate(table.rows, start=head_row + 1):
        for j, (value, column) in enumerate(zip(row, table.columns, strict=True), start=1):
            cell = ws.cell(i, j, _typed(value, column))
            if column.kind is ColumnKind.NUMBER:
                cell.number_format = number_format(column.decimals)
            elif column.kind is ColumnKind.DATE:
                cell.number_format = DATE_FORMAT[f.lang]
            elif column.kind is ColumnKind.DATETIME:
                cell.number_format = DATETIME_FORMAT[f.lang]
    if table.note:
        ws.cell(head_row + len(table.rows) + 2, 1, table.note).font = Font(italic=True, size=8)
    ws.freeze_panes = ws.cell(head_row + 1, 1)


def _value(value: int | float | Decimal | None) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _typed(value: Cell, column: Column) -> object:
    """The cell's value for Excel: numbers as numbers (∞ and NaN empty), naive UTC datetimes."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo is not None else value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return _value(value)
    return value
