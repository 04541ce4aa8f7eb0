"""Problems found in input files, each naming where it is and what is wrong."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in an input: sheet, spreadsheet row (1 = header), column and the reason."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


class InputError(ValueError):
    """Input refused as a whole; carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem], source: str = "input") -> None:
        self.problems: list[Problem] = sorted(
            problems, key=lambda p: (p.sheet, p.row or 0, p.column or "")
        )
        self.source = source
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{source}: {len(self.problems)} problem(s), nothing loaded:\n{lines}")
