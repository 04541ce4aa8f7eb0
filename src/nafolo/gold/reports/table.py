"""The typed table every gold report is: title, period, columns with units, rows and totals.

A report is built once by a pure function and then rendered by whoever needs it: JSON through the
API, .xlsx or CSV through `nafolo.workbook` (`reports.output`), PDF later. Cells hold exact values
(`Decimal` for metal, `int` for counts, `str`, `date`); a renderer formats them, never recomputes.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from pydantic import BaseModel, ConfigDict, Field

Cell = Decimal | int | str | date | None

KG_STEP = Decimal("0.001")
OZ_STEP = Decimal("0.001")
PCT_STEP = Decimal("0.01")

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period, both ends inclusive, with its label (e.g. "2026-06" or "2026")."""

    start: date
    end: date
    label: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period {self.label}: ends {self.end} before it starts {self.start}")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @classmethod
    def month(cls, text: str) -> Period:
        """The calendar month "YYYY-MM"."""
        match = _MONTH.match(text)
        if match is None:
            raise ValueError(f"period {text!r}: give a month as YYYY-MM, e.g. 2026-06")
        year, month = int(match[1]), int(match[2])
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last), text)

    @classmethod
    def year(cls, year: int) -> Period:
        """The calendar year."""
        if not 1900 <= year <= 9999:
            raise ValueError(f"year {year}: give four digits, e.g. 2026")
        return cls(date(year, 1, 1), date(year, 12, 31), str(year))

    @classmethod
    def between(cls, start: date, end: date) -> Period:
        return cls(start, end, f"{start.isoformat()} – {end.isoformat()}")


class Column(BaseModel):
    """A column: the key of its cells in each row, a label for people, and its unit if any."""

    model_config = ConfigDict(frozen=True)

    key: str
    label: str
    unit: str | None = Field(default=None, description="e.g. 'oz', 'kg', '%'; null for text.")


class ReportTable(BaseModel):
    """A report as one table: rows in order, then total rows (each labelled in the first column)."""

    report: str = Field(description="Kind of report, e.g. 'metal-account-statement'.")
    title: str
    period_start: date
    period_end: date
    period_label: str
    columns: list[Column]
    rows: list[dict[str, Cell]]
    totals: list[dict[str, Cell]] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, description="Bases, roundings, decisions.")

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def units(self) -> dict[str, str]:
        """Unit of each unit-bearing column, by key."""
        return {c.key: c.unit for c in self.columns if c.unit}


def quantize(value: Decimal, step: Decimal) -> Decimal:
    """A figure shown to people: to `step`, half-even (a report states, it does not settle)."""
    return value.quantize(step, rounding=ROUND_HALF_EVEN)


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """part / whole in %, to 0.01 %, half-even; 0 when the whole is 0."""
    if whole == 0:
        return Decimal("0.00")
    return quantize(part * 100 / whole, PCT_STEP)
