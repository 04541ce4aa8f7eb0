"""Checking one raw sheet against its row model: headers, units row, every cell, duplicate keys.

Pure computation: a `RawSheet` in, validated rows (with their spreadsheet row numbers) and every
problem out.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from nafolo.workbook.cells import CellError, bracketed_unit, is_blank, prepare, same_unit
from nafolo.workbook.problems import Problem
from nafolo.workbook.spec import ColumnInfo, SheetLike, columns
from nafolo.workbook.tables import Cells, RawSheet

HEADER_ROW = 1


@dataclass(frozen=True)
class SheetRows:
    """A sheet's validated rows in file order, and the spreadsheet row number of each."""

    name: str
    rows: list[BaseModel]
    row_numbers: list[int]


def validate_sheet(raw: RawSheet, spec: SheetLike) -> tuple[SheetRows, list[Problem]]:
    """The sheet's rows validated against `spec.row`; problems name sheet, row and column."""
    empty = SheetRows(spec.name, [], [])
    if not raw.rows or all(is_blank(c) for c in raw.rows[0][1]):
        return empty, [Problem(spec.name, HEADER_ROW, None, "no header row")]
    by_name = {c.name: c for c in columns(spec.row)}
    header = [_header(c) for c in raw.rows[0][1]]
    problems = list(_header_problems(spec.name, header, by_name))
    if problems:
        return empty, problems
    body = raw.rows[1:]
    if body and _is_units_row(body[0][1], header, by_name):
        problems += _units_row_problems(spec.name, body[0], header, by_name)
        body = body[1:]
    rows: list[BaseModel] = []
    numbers: list[int] = []
    for number, cells in body:
        if _skipped(cells):
            continue
        row, row_problems = _validate_row(spec, number, cells, header, by_name, raw)
        problems += row_problems
        if row is not None:
            rows.append(row)
            numbers.append(number)
    problems += _duplicate_keys(spec, rows, numbers)
    return SheetRows(spec.name, rows, numbers), problems


def _header(value: Any) -> str | None:
    return None if is_blank(value) else str(value).strip().lower()


def _header_problems(
    sheet: str, header: list[str | None], by_name: dict[str, ColumnInfo]
) -> Iterator[Problem]:
    seen: set[str] = set()
    for name in header:
        if name is None:
            continue
        if name in seen:
            yield Problem(sheet, HEADER_ROW, name, f"column {name!r} appears twice")
        elif name not in by_name:
            yield Problem(
                sheet,
                HEADER_ROW,
                name,
                f"unknown column {name!r}; columns are: {', '.join(by_name)}",
            )
        seen.add(name)
    for column in by_name.values():
        if column.required and column.name not in seen:
            yield Problem(sheet, HEADER_ROW, column.name, f"missing column {column.name!r}")


def _skipped(cells: Cells) -> bool:
    """Blank rows and comment rows (first cell starting with '#')."""
    if all(is_blank(c) for c in cells):
        return True
    first = cells[0] if cells else None
    return isinstance(first, str) and first.lstrip().startswith("#")


def _is_units_row(cells: Cells, header: list[str | None], by_name: dict[str, ColumnInfo]) -> bool:
    """Row 2 holds units when every filled cell is bracketed or is its column's unit."""
    filled = [(h, c) for h, c in zip(header, cells, strict=False) if not is_blank(c)]
    if not filled:
        return False
    for name, cell in filled:
        unit = by_name[name].unit if name in by_name else ""
        if bracketed_unit(cell) is None and not (
            isinstance(cell, str) and unit and same_unit(cell, unit)
        ):
            return False
    return True


def _units_row_problems(
    sheet: str, row: tuple[int, Cells], header: list[str | None], by_name: dict[str, ColumnInfo]
) -> Iterator[Problem]:
    number, cells = row
    for name, cell in zip(header, cells, strict=False):
        if name is None or is_blank(cell):
            continue
        written = bracketed_unit(cell)
        written = str(cell).strip() if written is None else written
        expected = by_name[name].unit
        if not same_unit(written, expected):
            shown = expected or "no unit"
            yield Problem(
                sheet, number, name, f"units row says {written!r} but the column is in {shown}"
            )


def _validate_row(
    spec: SheetLike,
    number: int,
    cells: Cells,
    header: list[str | None],
    by_name: dict[str, ColumnInfo],
    raw: RawSheet,
) -> tuple[BaseModel | None, list[Problem]]:
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for index, cell in enumerate(cells):
        name = header[index] if index < len(header) else None
        if name is None:
            if not is_blank(cell):
                problems.append(
                    Problem(spec.name, number, None, f"value {cell!r} in a column without header")
                )
            continue
        if is_blank(cell):
            continue
        try:
            values[name] = prepare(cell, by_name[name], raw.style)
        except CellError as exc:
            problems.append(Problem(spec.name, number, name, str(exc)))
    try:
        row = spec.row.model_validate(values)
    except ValidationError as exc:
        failed = {p.column for p in problems}
        for error in exc.errors():
            column = str(error["loc"][0]) if error["loc"] else None
            if column not in failed:
                problems.append(Problem(spec.name, number, column, reason(error)))
        return None, problems
    return (None, problems) if problems else (row, problems)


def reason(error: ErrorDetails) -> str:
    """A pydantic error said plainly, with the offending value."""
    kind, ctx, given = error["type"], error.get("ctx", {}), error.get("input")
    bounds = {
        "greater_than_equal": ("≥", "ge"),
        "greater_than": (">", "gt"),
        "less_than_equal": ("≤", "le"),
        "less_than": ("<", "lt"),
    }
    if kind == "missing":
        return "missing value"
    if kind in bounds:
        sign, key = bounds[kind]
        return f"must be {sign} {_number(ctx[key])}, got {_number(given)}"
    if kind in ("float_parsing", "float_type", "int_type", "finite_number"):
        return f"not a number: {given!r}"
    if kind in ("int_parsing", "int_from_float", "int_parsing_size"):
        return f"not a whole number: {given!r}"
    if kind in ("bool_parsing", "bool_type"):
        return f"not yes/no (true/false): {given!r}"
    if kind == "enum":
        return f"must be one of {ctx.get('expected', '')}, got {given!r}"
    if kind == "string_type":
        return f"not text: {given!r}"
    if kind == "extra_forbidden":
        return f"unknown column {error['loc'][0]!r}"
    return f"{error['msg']}, got {given!r}"


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _duplicate_keys(
    spec: SheetLike, rows: Sequence[BaseModel], numbers: Sequence[int]
) -> Iterator[Problem]:
    if not spec.key:
        return
    first_row: dict[tuple[Any, ...], int] = {}
    for row, number in zip(rows, numbers, strict=True):
        key = tuple(getattr(row, k) for k in spec.key)
        if key in first_row:
            shown = ", ".join(f"{k}={v}" for k, v in zip(spec.key, key, strict=True))
            yield Problem(
                spec.name,
                number,
                ", ".join(spec.key),
                f"duplicate key ({shown}): also on row {first_row[key]}",
            )
        else:
            first_row[key] = number
