"""The operations workbook on disk: its blank template and writing rows (for the example)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel

from nafolo.fuel.operations.sheets import SHEETS
from nafolo.workbook import write_sheets, write_template

TEMPLATE_TITLE = "Nafolo fuel operations workbook — one sheet per operation; see docs/operations.md"


def write_operations_template(path: Path) -> None:
    """A blank operations workbook (.xlsx, or a CSV folder for any other path)."""
    write_template(path, SHEETS, TEMPLATE_TITLE)


def write_operations(path: Path, rows: Mapping[str, Sequence[BaseModel]]) -> None:
    """Operations rows as a workbook or CSV folder that `import_operations` reads back.

    Times are written as Bamako time (UTC) without a zone: Excel has no time zones.
    """
    write_sheets(
        path, SHEETS, {name: [_bamako_time(r) for r in sheet] for name, sheet in rows.items()}
    )


def _bamako_time(row: BaseModel) -> BaseModel:
    update = {
        name: value.astimezone(UTC).replace(tzinfo=None)
        for name, value in row
        if isinstance(value, datetime) and value.tzinfo is not None
    }
    return row.model_copy(update=update) if update else row
