"""A report as data: title, period, sections of paragraphs, key figures, tables and charts.

Builders (fuel-monthly, refinery-monthly) produce a `Document` in one language; renderers turn it
into PDF or .xlsx. Labels are already translated; numbers stay numbers (formatted by the
renderer in the document's language) and every numeric column or figure carries its unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from nafolo.reports.i18n import Lang

Number = int | float | Decimal
Cell = str | Number | date | datetime | None


class ColumnKind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its label, its unit (numbers) and how many decimals to show."""

    label: str
    kind: ColumnKind = ColumnKind.TEXT
    unit: str = ""
    decimals: int = 0

    @classmethod
    def number(cls, label: str, unit: str, decimals: int = 1) -> Column:
        return cls(label, ColumnKind.NUMBER, unit, decimals)


@dataclass(frozen=True, slots=True)
class Table:
    """Rows under columns; `sheet` names its .xlsx sheet (≤ 31 characters)."""

    title: str
    sheet: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""

    def __post_init__(self) -> None:
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"table {self.title!r}, row {i + 1}: {len(row)} cells for "
                    f"{len(self.columns)} columns"
                )


@dataclass(frozen=True, slots=True)
class KeyFigure:
    """One headline number with its unit."""

    label: str
    value: Number | None
    unit: str
    decimals: int = 0


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class BarChart:
    """Bars per category (one bar per series, or stacked); optional band [low, high] and target
    marker per category (NaN where absent)."""

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str
    stacked: bool = False
    band: tuple[tuple[float, float], ...] = ()
    band_label: str = ""
    target: tuple[float, ...] = ()
    target_label: str = ""


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str


Block = Paragraph | tuple[KeyFigure, ...] | Table | BarChart


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True)
class Document:
    """A whole report in one language, generated at `generated_at` (UTC)."""

    kind: str  # fuel-monthly, refinery-monthly
    lang: Lang
    title: str
    subtitle: str
    period: str  # YYYY-MM
    generated_at: datetime
    sections: tuple[Section, ...] = field(default_factory=tuple)

    @property
    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]

    @property
    def key_figures(self) -> list[KeyFigure]:
        return [f for s in self.sections for b in s.blocks if isinstance(b, tuple) for f in b]
