"""Table headers and cells as text in a report's language (PDF; the .xlsx keeps typed cells)."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_time

from nafolo.reports.document import Cell, Column, ColumnKind
from nafolo.reports.i18n import Formatter


def header(column: Column, f: Formatter) -> str:
    """'Enlevé (t)': the label and, for a number, its unit in this language."""
    return f"{column.label} ({f.unit(column.unit)})" if column.unit else column.label


def cell_text(value: Cell, column: Column, f: Formatter) -> str:
    """A cell as shown: numbers grouped with the column's decimals, dates in the language."""
    if value is None:
        return "—" if column.kind is ColumnKind.NUMBER else ""
    if isinstance(value, datetime):
        day = f.short_date(value)
        if column.kind is ColumnKind.DATETIME:
            return f"{day} {format_time(value, 'HH:mm', locale=f.locale)}"
        return day
    if isinstance(value, date):
        return f.short_date(value)
    if isinstance(value, bool):
        return f.t("yes") if value else ""
    if isinstance(value, int | float | Decimal):
        if isinstance(value, float) and math.isnan(value):
            return "—"
        return f.number(value, column.decimals)
    return str(value)
