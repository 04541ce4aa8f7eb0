"""The generic sheet reader: conventions, and one test per kind of bad input."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from nafolo.fuel.network.schema import Row, SheetSpec, column
from nafolo.workbook import InputError, Problem, read_sheet_rows, read_sheets


class TankRow(Row):
    tank: str = column("Tank code.", example="T1")
    capacity_m3: float = column("Capacity.", unit="m³", example=100.0, ge=0)
    valves: int = column("Valve count.", unit="valve", example=2, default=0, ge=0)
    heated: bool = column("Heated tank.", example=False, default=False)


class NoteRow(Row):
    note: str = column("Note code.", example="N1")
    text: str = column("Text.", example="hello", default="")


SPECS = (
    SheetSpec("tanks", TankRow, ("tank",), True, "Tanks."),
    SheetSpec("notes", NoteRow, ("note",), False, "Notes."),
)


def write_csv(folder: Path, sheet: str, text: str, encoding: str = "utf-8") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / f"{sheet}.csv").write_text(text, encoding=encoding)
    return folder


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        read_sheets(path, SPECS)
    return caught.value.problems


def only_problem(folder: Path, body: str) -> Problem:
    write_csv(folder, "tanks", "tank,capacity_m3,valves\n" + body)
    (problem,) = problems_of(folder)
    return problem


def test_reads_rows_skipping_units_comment_and_blank_rows(tmp_path: Path) -> None:
    write_csv(
        tmp_path,
        "tanks",
        "Tank , CAPACITY_M3,valves\n[],[m³],[valve]\n# e.g. T0,1,1\n\nT1,120.5,3\n,,\nT2,80,\n",
    )
    sheets = read_sheet_rows(tmp_path, SPECS)
    assert sheets["tanks"].rows == [
        TankRow(tank="T1", capacity_m3=120.5, valves=3),
        TankRow(tank="T2", capacity_m3=80.0, valves=0),
    ]
    assert sheets["tanks"].row_numbers == [5, 7]
    assert sheets["notes"].rows == []


def test_semicolon_csv_with_bom_reads_decimal_commas(tmp_path: Path) -> None:
    write_csv(tmp_path, "tanks", "tank;capacity_m3;heated\nT1;1234,5;VRAI\n", "utf-8-sig")
    assert read_sheets(tmp_path, SPECS)["tanks"] == [
        TankRow(tank="T1", capacity_m3=1234.5, heated=True)
    ]


def test_decimal_comma_refused_in_comma_separated_csv(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, 'T1,"1,234",1\n')
    assert (problem.sheet, problem.row, problem.column) == ("tanks", 2, "capacity_m3")
    assert problem.message.startswith("not a number: '1,234'")


def test_negative_number_refused(tmp_path: Path) -> None:
    assert only_problem(tmp_path, "T1,-5,1\n") == Problem(
        "tanks", 2, "capacity_m3", "must be ≥ 0, got -5"
    )


def test_non_number_refused(tmp_path: Path) -> None:
    assert only_problem(tmp_path, "T1,abc,1\n") == Problem(
        "tanks", 2, "capacity_m3", "not a number: 'abc'"
    )


def test_fraction_in_whole_number_column_refused(tmp_path: Path) -> None:
    assert only_problem(tmp_path, "T1,5,2.5\n") == Problem(
        "tanks", 2, "valves", "not a whole number: '2.5'"
    )


def test_non_finite_number_refused(tmp_path: Path) -> None:
    assert only_problem(tmp_path, "T1,nan,1\n") == Problem(
        "tanks", 2, "capacity_m3", "not a finite number: 'nan'"
    )


def test_missing_value_refused(tmp_path: Path) -> None:
    assert only_problem(tmp_path, "T1,,1\n") == Problem("tanks", 2, "capacity_m3", "missing value")


def test_unit_suffix_of_column_unit_accepted(tmp_path: Path) -> None:
    write_csv(tmp_path, "tanks", "tank,capacity_m3\nT1,46 m3\nT2,47 m³\n")
    assert read_sheets(tmp_path, SPECS)["tanks"] == [
        TankRow(tank="T1", capacity_m3=46.0),
        TankRow(tank="T2", capacity_m3=47.0),
    ]


def test_wrong_unit_suffix_refused_naming_expected_unit(tmp_path: Path) -> None:
    assert only_problem(tmp_path, "T1,46 L,1\n") == Problem(
        "tanks", 2, "capacity_m3", "unit 'L' is not the column's unit: give the value in m³"
    )


def test_units_row_with_wrong_unit_refused(tmp_path: Path) -> None:
    assert only_problem(tmp_path.joinpath("x"), "[],[L],[valve]\nT1,5,1\n") == Problem(
        "tanks", 2, "capacity_m3", "units row says 'L' but the column is in m³"
    )


def test_unknown_column_refused_on_header_row(tmp_path: Path) -> None:
    write_csv(tmp_path, "tanks", "tank,capacity_m3,foo\nT1,5,x\n")
    (problem,) = problems_of(tmp_path)
    assert (problem.sheet, problem.row, problem.column) == ("tanks", 1, "foo")
    assert problem.message.startswith("unknown column 'foo'")


def test_column_given_twice_refused(tmp_path: Path) -> None:
    write_csv(tmp_path, "tanks", "tank,capacity_m3,Tank\nT1,5,T2\n")
    assert problems_of(tmp_path) == [Problem("tanks", 1, "tank", "column 'tank' appears twice")]


def test_missing_required_column_refused(tmp_path: Path) -> None:
    write_csv(tmp_path, "tanks", "tank,valves\nT1,1\n")
    assert problems_of(tmp_path) == [
        Problem("tanks", 1, "capacity_m3", "missing column 'capacity_m3'")
    ]


def test_missing_required_sheet_refused(tmp_path: Path) -> None:
    write_csv(tmp_path, "notes", "note\nN1\n")
    assert problems_of(tmp_path) == [Problem("tanks", None, None, "missing sheet (required)")]


def test_duplicate_key_refused_naming_first_row(tmp_path: Path) -> None:
    assert only_problem(tmp_path, "T1,5,1\nT2,6,1\nT1,7,1\n") == Problem(
        "tanks", 4, "tank", "duplicate key (tank=T1): also on row 2"
    )


def test_unknown_sheet_refused_with_suggestion(tmp_path: Path) -> None:
    write_csv(tmp_path, "tanks", "tank,capacity_m3\nT1,5\n")
    write_csv(tmp_path, "note", "note\nN1\n")
    assert problems_of(tmp_path) == [
        Problem("note", None, None, "unknown sheet; did you mean 'notes'?")
    ]


def test_readme_sheet_ignored(tmp_path: Path) -> None:
    write_csv(tmp_path, "tanks", "tank,capacity_m3\nT1,5\n")
    write_csv(tmp_path, "README", "anything,at all\n")
    assert len(read_sheets(tmp_path, SPECS)["tanks"]) == 1


def test_unclosed_quote_is_malformed_csv(tmp_path: Path) -> None:
    write_csv(tmp_path, "tanks", 'tank,capacity_m3\nT1,5\n"T2,6\n')
    (problem,) = problems_of(tmp_path)
    assert (problem.sheet, problem.row, problem.column) == ("tanks", 3, None)
    assert problem.message.startswith("malformed CSV")


def test_extra_cell_beyond_header_refused(tmp_path: Path) -> None:
    assert only_problem(tmp_path, "T1,5,1,surprise\n") == Problem(
        "tanks", 2, None, "value 'surprise' in a column without header"
    )


def test_non_utf8_csv_refused(tmp_path: Path) -> None:
    write_csv(tmp_path, "tanks", "tank,capacity_m3\nSénou,5\n", "latin-1")
    (problem,) = problems_of(tmp_path)
    assert problem.sheet == "tanks"
    assert "UTF-8" in problem.message


def test_every_problem_of_every_sheet_reported_at_once(tmp_path: Path) -> None:
    write_csv(tmp_path, "tanks", "tank,capacity_m3,valves\nT1,-1,x\nT2,,1\n")
    write_csv(tmp_path, "notes", "note,colour\nN1,red\n")
    located = [(p.sheet, p.row, p.column) for p in problems_of(tmp_path)]
    assert located == [
        ("notes", 1, "colour"),
        ("tanks", 2, "capacity_m3"),
        ("tanks", 2, "valves"),
        ("tanks", 3, "capacity_m3"),
    ]


def test_missing_path_refused(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nowhere.xlsx") == [
        Problem("nowhere.xlsx", None, None, f"not found: {tmp_path / 'nowhere.xlsx'}")
    ]


def test_xlsx_sheets_read_with_native_values(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Tanks"
    for row in (["tank", "capacity_m3", "heated"], [None, "[m3]", None], [101, 46, True]):
        ws.append(row)
    book.save(tmp_path / "w.xlsx")
    sheets = read_sheet_rows(tmp_path / "w.xlsx", SPECS)
    assert sheets["tanks"].rows == [TankRow(tank="101", capacity_m3=46.0, heated=True)]
    assert sheets["tanks"].row_numbers == [3]


def test_file_that_is_not_a_workbook_refused(tmp_path: Path) -> None:
    (tmp_path / "w.xlsx").write_text("not a zip")
    (problem,) = problems_of(tmp_path / "w.xlsx")
    assert problem.message.startswith("not a readable .xlsx workbook")
