"""Raw sheets from a .xlsx workbook or a folder of CSV files: cell values and their row numbers.

CSV conventions (what Excel writes): UTF-8 with or without BOM; the separator is ';' when the header
line contains one (French Excel), otherwise ','. Numbers in ';' files may use a decimal comma.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from nafolo.workbook.cells import CellStyle
from nafolo.workbook.problems import Problem

Cells = tuple[Any, ...]


@dataclass(frozen=True)
class RawSheet:
    """One sheet as found: its name and rows of cells with spreadsheet row numbers (1 = header)."""

    name: str
    rows: list[tuple[int, Cells]]
    style: CellStyle = field(default_factory=CellStyle)


@dataclass(frozen=True)
class RawWorkbook:
    """The sheets found in a source, and problems that prevented reading some of them."""

    sheets: dict[str, RawSheet]
    problems: list[Problem]


def is_workbook_path(path: Path) -> bool:
    """True when the path names an Excel workbook rather than a folder of CSV files."""
    return path.suffix.lower() == ".xlsx"


def read_raw(path: Path) -> RawWorkbook:
    """Every sheet of a .xlsx workbook or every <sheet>.csv of a folder, unvalidated."""
    if not path.exists():
        return RawWorkbook({}, [Problem(path.name, None, None, f"not found: {path}")])
    if is_workbook_path(path):
        return _read_xlsx(path)
    if path.is_dir():
        return _read_csv_folder(path)
    return RawWorkbook(
        {}, [Problem(path.name, None, None, "expected a .xlsx workbook or a folder of CSV files")]
    )


def _read_xlsx(path: Path) -> RawWorkbook:
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError) as exc:
        return RawWorkbook(
            {}, [Problem(path.name, None, None, f"not a readable .xlsx workbook: {exc}")]
        )
    try:
        sheets = {}
        for ws in book.worksheets:
            rows = [(i, tuple(cells)) for i, cells in enumerate(ws.iter_rows(values_only=True), 1)]
            sheets[ws.title] = RawSheet(ws.title, rows)
        return RawWorkbook(sheets, [])
    finally:
        book.close()


def _read_csv_folder(folder: Path) -> RawWorkbook:
    sheets: dict[str, RawSheet] = {}
    problems: list[Problem] = []
    for file in sorted(folder.iterdir()):
        if file.is_file() and file.suffix.lower() == ".csv":
            name = file.stem
            try:
                sheets[name] = read_csv_sheet(name, file.read_bytes())
            except CsvError as exc:
                problems.append(Problem(name, exc.row, None, str(exc)))
    return RawWorkbook(sheets, problems)


class CsvError(ValueError):
    """A CSV file that cannot be parsed at all; `row` is the record where parsing stopped."""

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.row = row


def read_csv_sheet(name: str, data: bytes) -> RawSheet:
    """One CSV file's records; separator and decimal style are detected from its header line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvError(
            f"not UTF-8 text (byte {exc.start}); save it as 'CSV UTF-8'", row=None
        ) from exc
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in header_line else ","
    style = CellStyle(decimal_comma=delimiter == ";")
    return RawSheet(name, list(_records(text, delimiter)), style)


def _records(text: str, delimiter: str) -> Iterator[tuple[int, Cells]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    try:
        for number, cells in enumerate(reader, 1):
            yield number, tuple(c if c.strip() else None for c in cells)
    except csv.Error as exc:
        raise CsvError(f"malformed CSV: {exc}", row=number + 1) from exc
