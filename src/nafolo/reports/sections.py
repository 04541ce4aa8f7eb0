"""What the monthly report builders (fuel, refinery) share: the document's frame, and tables and
columns named by one label key, so that a table's title, its .xlsx sheet and its headers come from
the messages in the same way in every report."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from nafolo.reports.document import Cell, Column, ColumnKind, Document, Section, Table
from nafolo.reports.i18n import Formatter


def monthly_document(
    kind: str,
    labels: str,
    period: str,
    f: Formatter,
    generated_at: datetime,
    sections: Iterable[Section],
) -> Document:
    """The report `kind` of the month `period` (YYYY-MM), titled by the labels `<labels>.title`
    and `<labels>.subtitle` (which names the month) in the formatter's language."""
    return Document(
        kind=kind,
        lang=f.lang,
        title=f.t(f"{labels}.title"),
        subtitle=f.t(f"{labels}.subtitle", month=f.month(period)),
        period=period,
        generated_at=generated_at,
        sections=tuple(sections),
    )


def named_table(
    f: Formatter,
    name: str,
    columns: Iterable[Column],
    rows: Iterable[tuple[Cell, ...]],
    note: str = "",
) -> Table:
    """A table titled by the label `table.<name>`, on the .xlsx sheet named by `sheet.<name>`."""
    return Table(f.t(f"table.{name}"), f.t(f"sheet.{name}"), tuple(columns), tuple(rows), note)


def text_column(f: Formatter, name: str, kind: ColumnKind = ColumnKind.TEXT) -> Column:
    """A column of text (or dates) headed by the label `col.<name>`."""
    return Column(f.t(f"col.{name}"), kind)


def number_column(f: Formatter, name: str, unit: str, decimals: int) -> Column:
    """A column of numbers in `unit`, shown with `decimals`, headed by the label `col.<name>`."""
    return Column.number(f.t(f"col.{name}"), unit, decimals)
