"""Loading and writing the fuel network: round trips, templates, located reference problems."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from nafolo.fuel.network.io import bundled_network_path, load_network, write_network, write_template
from nafolo.fuel.network.model import Network
from nafolo.fuel.network.schema import SHEETS
from nafolo.workbook import InputError, Problem


def test_csv_folder_round_trips(network: Network, tmp_path: Path) -> None:
    write_network(network, tmp_path / "small")
    assert load_network(tmp_path / "small") == network


def test_xlsx_round_trips(network: Network, tmp_path: Path) -> None:
    write_network(network, tmp_path / "small.xlsx")
    assert load_network(tmp_path / "small.xlsx") == network


def test_xlsx_and_csv_give_identical_networks(network: Network, tmp_path: Path) -> None:
    write_network(network, tmp_path / "a.xlsx")
    write_network(network, tmp_path / "a")
    assert load_network(tmp_path / "a.xlsx") == load_network(tmp_path / "a")


def test_french_excel_csv_reads_the_same_network(network: Network, tmp_path: Path) -> None:
    write_network(network, tmp_path / "small")
    for file in (tmp_path / "small").glob("*.csv"):
        rows = list(csv.reader(file.read_text("utf-8-sig").splitlines()))
        french = [[_decimal_comma(cell) for cell in row] for row in rows]
        file.write_text("\n".join(";".join(row) for row in french) + "\n", "utf-8")
    assert load_network(tmp_path / "small") == network


def _decimal_comma(cell: str) -> str:
    try:
        float(cell)
    except ValueError:
        return cell
    return cell.replace(".", ",")


def test_parameters_written_with_their_units(network: Network, tmp_path: Path) -> None:
    write_network(network, tmp_path / "n")
    text = (tmp_path / "n" / "parameters.csv").read_text(encoding="utf-8-sig")
    assert "mip_gap,0.02,1,\n" in text
    assert "shortage_penalty_xof_per_t,5000000.0,XOF/t,default\n" in text


def test_unknown_reference_located_on_its_spreadsheet_row(network: Network, tmp_path: Path) -> None:
    write_network(network, tmp_path / "n")
    demand = tmp_path / "n" / "demand.csv"
    demand.write_text(demand.read_text(encoding="utf-8-sig").replace("KAYES", "KAYS"), "utf-8")
    with pytest.raises(InputError) as caught:
        load_network(tmp_path / "n")
    assert caught.value.problems == [
        Problem("demand", 4, "region", "unknown region 'KAYS': not in sheet regions")
    ]


def test_cell_and_reference_problems_both_reported(network: Network, tmp_path: Path) -> None:
    write_network(network, tmp_path / "n")
    ports = tmp_path / "n" / "ports.csv"
    ports.write_text(ports.read_text(encoding="utf-8-sig").replace("60000.0", "-1"), "utf-8")
    depots = tmp_path / "n" / "depots.csv"
    depots.write_text(depots.read_text(encoding="utf-8-sig").replace("9000.0", "lots"), "utf-8")
    with pytest.raises(InputError) as caught:
        load_network(tmp_path / "n")
    located = [(p.sheet, p.row, p.column) for p in caught.value.problems]
    assert located == [("depots", 4, "throughput_t_per_week"), ("ports", 3, "storage_capacity_t")]


@pytest.mark.parametrize("name", ["template.xlsx", "template"])
def test_filled_template_reads_and_skips_example_rows(
    network: Network, tmp_path: Path, name: str
) -> None:
    write_template(tmp_path / name)
    filled = tmp_path / "filled"
    write_network(network, filled)
    if name.endswith(".xlsx"):
        _fill_xlsx(tmp_path / name, filled)
    else:
        _fill_csv_folder(tmp_path / name, filled)
    assert load_network(tmp_path / name) == Network(**{**network.__dict__, "name": "template"})


def _fill_csv_folder(template: Path, filled: Path) -> None:
    for spec in SHEETS:
        data_lines = filled.joinpath(f"{spec.name}.csv").read_text("utf-8-sig").splitlines()[2:]
        target = template / f"{spec.name}.csv"
        target.write_text(target.read_text("utf-8-sig") + "".join(f"{x}\n" for x in data_lines))


def _fill_xlsx(template: Path, filled: Path) -> None:
    book = openpyxl.load_workbook(template)
    for spec in SHEETS:
        lines = filled.joinpath(f"{spec.name}.csv").read_text("utf-8-sig").splitlines()[2:]
        for line in lines:
            book[spec.name].append(_csv_cells(line))
    book.save(template)


def _csv_cells(line: str) -> list[str | None]:
    (cells,) = csv.reader([line])
    return [c or None for c in cells]


def test_template_has_units_example_comments_and_readme(tmp_path: Path) -> None:
    write_template(tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames == ["README", *(s.name for s in SHEETS)]
    corridors = book["corridors"]
    header = [c.value for c in corridors[1]]
    assert header[:3] == ["corridor", "name", "port"]
    assert corridors.cell(row=2, column=header.index("distance_km") + 1).value == "[km]"
    assert corridors.cell(row=3, column=1).value == "# e.g. DAKAR-KAYES-BKO"
    comment = corridors.cell(row=1, column=header.index("distance_km") + 1).comment
    assert comment is not None and "Road distance port to depot." in comment.text
    assert corridors.freeze_panes == "A3"
    readme_columns = [row[1] for row in book["README"].iter_rows(values_only=True)]
    assert "escort_extra_days" in readme_columns


def test_empty_template_lists_what_is_missing(tmp_path: Path) -> None:
    write_template(tmp_path / "t")
    with pytest.raises(InputError) as caught:
        load_network(tmp_path / "t")
    assert caught.value.problems == [
        Problem("fleet", None, None, "exactly one fleet row expected, found 0")
    ]


def test_bundled_network_path_is_the_mali_data_folder() -> None:
    path = bundled_network_path()
    assert path.is_dir()
    assert path.parts[-3:] == ("fuel", "data", "mali")


def test_bundled_network_loads_when_present() -> None:
    if not any(bundled_network_path().glob("*.csv")):
        pytest.skip("bundled Mali data not written yet")
    assert load_network().name == "mali"


def test_cell_and_reference_problems_are_reported_together(
    network: Network, tmp_path: Path
) -> None:
    write_network(network, tmp_path / "n")
    _edit_first_row(tmp_path / "n" / "corridors.csv", "distance_km", "-5")
    _edit_first_row(tmp_path / "n" / "depot_tanks.csv", "depot", "NOWHERE")
    with pytest.raises(InputError) as refused:
        load_network(tmp_path / "n")
    found = {(p.sheet, p.row, p.column) for p in refused.value.problems}
    assert found == {("corridors", 3, "distance_km"), ("depot_tanks", 3, "depot")}


def _edit_first_row(path: Path, column: str, value: str) -> None:
    """Set `column` of the first data row (row 3, under the units row) of a written CSV sheet."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[2].split(",")
    cells[lines[0].split(",").index(column)] = value
    path.write_text("\n".join([*lines[:2], ",".join(cells), *lines[3:]]) + "\n")
