"""Writing sheets to a .xlsx workbook or a folder of CSV files, and blank templates to fill in.

Files written here read back through `read_sheets` unchanged: header row, units row, then data.
CSV files are UTF-8 with BOM (so Excel opens accents correctly), ',' separated, decimal point.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel

from nafolo.workbook.spec import ColumnInfo, SheetLike, columns
from nafolo.workbook.tables import is_workbook_path

README = "README"
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_UNITS_FONT = Font(italic=True, color="595959")
_EXAMPLE_FONT = Font(italic=True, color="808080")

Table = list[list[Any]]


def write_sheets(
    path: Path, specs: Sequence[SheetLike], rows: Mapping[str, Sequence[BaseModel]]
) -> None:
    """Every sheet in `specs` with its rows (header and units rows first); empty sheets included."""
    tables = {
        spec.name: [
            *_head(spec),
            *(
                [_cell(getattr(r, c.name)) for c in columns(spec.row)]
                for r in rows.get(spec.name, ())
            ),
        ]
        for spec in specs
    }
    _write(path, specs, tables, readme=None)


def write_template(path: Path, specs: Sequence[SheetLike], title: str) -> None:
    """A blank workbook: per sheet a header, a units row and a '#' example row; plus a README."""
    tables = {spec.name: [*_head(spec), _example_row(spec)] for spec in specs}
    _write(path, specs, tables, readme=readme_table(specs, title))


def units_cell(column: ColumnInfo) -> str:
    """The units-row cell of a column, e.g. "[t/week]"; blank for codes and text."""
    return f"[{column.unit}]" if column.unit else ""


def readme_table(specs: Sequence[SheetLike], title: str) -> Table:
    """The README sheet: one line per sheet, then one line per column, from the row models."""
    table: Table = [[title], [], ["sheet", "required", "key", "description"]]
    table += [[s.name, _yes(s.required), ", ".join(s.key), s.description] for s in specs]
    table += [[], ["sheet", "column", "unit", "kind", "required", "default", "description"]]
    for spec in specs:
        for c in columns(spec.row):
            default = "" if c.required else _cell(c.default)
            table.append(
                [spec.name, c.name, c.unit, c.kind, _yes(c.required), default, c.description]
            )
    table += [
        [],
        [
            "Row 2 of each sheet holds units and is skipped; rows whose first cell starts "
            "with # are comments (the template's example rows) and are skipped."
        ],
    ]
    return table


def _head(spec: SheetLike) -> Table:
    cols = columns(spec.row)
    return [[c.name for c in cols], [units_cell(c) for c in cols]]


def _example_row(spec: SheetLike) -> list[Any]:
    cells = [_cell(c.example) for c in columns(spec.row)]
    if cells:
        cells[0] = f"# e.g. {'' if cells[0] is None else cells[0]}"
    return cells


def _cell(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    return value


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _write(
    path: Path, specs: Sequence[SheetLike], tables: dict[str, Table], readme: Table | None
) -> None:
    if is_workbook_path(path):
        _write_xlsx(path, specs, tables, readme)
    else:
        _write_csv_folder(path, tables, readme)


def _write_csv_folder(folder: Path, tables: dict[str, Table], readme: Table | None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if readme is not None:
        tables = {README: readme, **tables}
    for name, table in tables.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerows([[_csv_text(v) for v in row] for row in table])


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def _write_xlsx(
    path: Path, specs: Sequence[SheetLike], tables: dict[str, Table], readme: Table | None
) -> None:
    book = openpyxl.Workbook()
    default = book.active
    if readme is not None:
        _fill_readme(book.create_sheet(README), readme)
    for spec in specs:
        ws = book.create_sheet(spec.name)
        for row in tables[spec.name]:
            ws.append(row)
        _style_sheet(ws, columns(spec.row), example=readme is not None)
    if default is not None:
        book.remove(default)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def _style_sheet(ws: Worksheet, cols: list[ColumnInfo], *, example: bool) -> None:
    for index, column in enumerate(cols, 1):
        header = ws.cell(row=1, column=index)
        header.font, header.fill = _HEADER_FONT, _HEADER_FILL
        note = column.description + (f"\nUnit: {column.unit}" if column.unit else "")
        note += "\nRequired." if column.required else f"\nOptional (default {column.default!r})."
        header.comment = Comment(note, "Nafolo", width=300, height=120)
        ws.cell(row=2, column=index).font = _UNITS_FONT
        if example:
            ws.cell(row=3, column=index).font = _EXAMPLE_FONT
        ws.column_dimensions[get_column_letter(index)].width = max(12, len(column.name) + 4)
    ws.freeze_panes = "A3"


def _fill_readme(ws: Worksheet, table: Table) -> None:
    for row in table:
        ws.append(row)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    for number, row in enumerate(table, 1):
        if row[:1] == ["sheet"]:
            for index in range(1, len(row) + 1):
                cell = ws.cell(row=number, column=index)
                cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for letter, width in zip("ABCDEFG", (16, 30, 14, 16, 10, 12, 80), strict=True):
        ws.column_dimensions[letter].width = width
    for row_cells in ws.iter_rows(min_row=3):
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=False, vertical="top")
