"""Tabular input shared by every import (network, operations, lots): sheets in, all problems out."""

from nafolo.workbook.problems import InputError, Problem
from nafolo.workbook.reader import read_sheet_rows, read_sheets
from nafolo.workbook.spec import ColumnInfo, SheetLike, columns
from nafolo.workbook.validate import SheetRows
from nafolo.workbook.writer import write_sheets, write_template

__all__ = [
    "ColumnInfo",
    "InputError",
    "Problem",
    "SheetLike",
    "SheetRows",
    "columns",
    "read_sheet_rows",
    "read_sheets",
    "write_sheets",
    "write_template",
]
