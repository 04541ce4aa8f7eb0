"""A report table written as .xlsx (or a folder of CSV files) through `nafolo.workbook`: sheet
`report` holds the header, the units row, the rows, a blank line and the totals; sheet `about`
holds the title, period and notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from nafolo.gold.reports.table import ReportTable
from nafolo.workbook import write_sheets

REPORT_SHEET = "report"
ABOUT_SHEET = "about"


@dataclass(frozen=True)
class _Sheet:
    name: str
    row: type[BaseModel]
    key: tuple[str, ...] = ()
    required: bool = True
    description: str = ""


class _AboutRow(BaseModel):
    item: str
    value: str


def _row_model(table: ReportTable) -> type[BaseModel]:
    """A row model whose fields are the table's columns, each carrying its unit."""
    fields: dict[str, Any] = {
        c.key: (
            Decimal | int | str | date | None,
            Field(default=None, description=c.label, json_schema_extra={"unit": c.unit or ""}),
        )
        for c in table.columns
    }
    model: type[BaseModel] = create_model(
        "ReportRow", __config__=ConfigDict(arbitrary_types_allowed=True), **fields
    )
    return model


def write_report(table: ReportTable, path: Path) -> None:
    """Write `table` to `path`: .xlsx, or otherwise a folder of CSV files (report.csv, about.csv).

    Values are written exact (Decimal cells as numbers in Excel); the units row names each unit.
    """
    row = _row_model(table)
    blank = row()
    rows = [row(**r) for r in table.rows]
    if table.totals:
        rows += [blank, *(row(**t) for t in table.totals)]
    about = [
        _AboutRow(item="title", value=table.title),
        _AboutRow(item="report", value=table.report),
        _AboutRow(item="period", value=table.period_label),
        _AboutRow(item="from", value=table.period_start.isoformat()),
        _AboutRow(item="to", value=table.period_end.isoformat()),
        *(_AboutRow(item="note", value=note) for note in table.notes),
    ]
    specs = [_Sheet(REPORT_SHEET, row), _Sheet(ABOUT_SHEET, _AboutRow)]
    write_sheets(path, specs, {REPORT_SHEET: rows, ABOUT_SHEET: about})
