"""Reading the sheets an import expects from a workbook or CSV folder, all or nothing.

Every problem in every sheet is collected and raised together as one `InputError`; nothing is
returned half-loaded. Sheet names match case-insensitively; a sheet named README is ignored (the
template writes one) and any other unexpected sheet is refused, so a misspelt optional sheet is
never silently dropped.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from nafolo.workbook.problems import InputError, Problem
from nafolo.workbook.spec import SheetLike
from nafolo.workbook.tables import RawSheet, read_raw
from nafolo.workbook.validate import SheetRows, validate_sheet

IGNORED_SHEETS: frozenset[str] = frozenset({"readme"})


def read_sheets(path: Path, specs: Sequence[SheetLike]) -> dict[str, list[BaseModel]]:
    """Each expected sheet's validated rows, in file order; absent optional sheets are empty."""
    return {name: sheet.rows for name, sheet in read_sheet_rows(path, specs).items()}


def read_sheet_rows(path: Path, specs: Sequence[SheetLike]) -> dict[str, SheetRows]:
    """As `read_sheets`, keeping each row's spreadsheet row number for later cross-checks."""
    result, problems = read_valid_rows(path, specs)
    if problems:
        raise InputError(problems, source=str(path))
    return result


def read_valid_rows(
    path: Path, specs: Sequence[SheetLike]
) -> tuple[dict[str, SheetRows], list[Problem]]:
    """The rows that passed their checks and every problem found, for callers that go on to check
    references across sheets before refusing the file as a whole."""
    raw = read_raw(path)
    if raw.problems and not raw.sheets:
        raise InputError(raw.problems, source=str(path))
    problems = list(raw.problems)
    found = {name.strip().lower(): sheet for name, sheet in raw.sheets.items()}
    unreadable = {p.sheet.strip().lower() for p in raw.problems}
    result: dict[str, SheetRows] = {}
    for spec in specs:
        sheet = found.get(spec.name.lower())
        if sheet is None:
            if spec.required and spec.name.lower() not in unreadable:
                problems.append(Problem(spec.name, None, None, "missing sheet (required)"))
            result[spec.name] = SheetRows(spec.name, [], [])
            continue
        rows, sheet_problems = validate_sheet(sheet, spec)
        result[spec.name] = rows
        problems += sheet_problems
    problems += _unknown_sheets(found, specs)
    return result, problems


def _unknown_sheets(found: dict[str, RawSheet], specs: Sequence[SheetLike]) -> list[Problem]:
    expected = [s.name.lower() for s in specs]
    problems = []
    for name, sheet in found.items():
        if name in expected or name in IGNORED_SHEETS:
            continue
        close = difflib.get_close_matches(name, expected, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; sheets are: {', '.join(expected)}"
        problems.append(Problem(sheet.name, None, None, f"unknown sheet{hint}"))
    return problems
