"""One network workbook may also hold the disruption sheets of the simulation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nafolo.fuel.network.io import bundled_network_path, load_network
from nafolo.fuel.network.schema import DISRUPTION_SHEETS, NETWORK_FILE_SHEETS, SHEETS
from nafolo.fuel.simulation.parameters import bundled_disruption_path, load_disruption
from nafolo.workbook import InputError


def combined(folder: Path) -> Path:
    """The bundled Mali network and its disruption sheets in one CSV folder."""
    shutil.copytree(bundled_network_path(), folder)
    for path in bundled_disruption_path().glob("*.csv"):
        if path.name == "provenance.csv":
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)[1:]
            with (folder / "provenance.csv").open("a", encoding="utf-8") as handle:
                handle.writelines(lines)
        else:
            shutil.copy(path, folder / path.name)
    return folder


def test_the_disruption_sheets_are_optional_sheets_of_the_network_schema() -> None:
    assert {s.name for s in DISRUPTION_SHEETS} == {
        "disruption_corridors",
        "disruption_shocks",
        "port_delays",
        "demand_noise",
        "scenarios",
    }
    assert not any(s.required for s in DISRUPTION_SHEETS)
    assert (*SHEETS, *DISRUPTION_SHEETS) == NETWORK_FILE_SHEETS


def test_one_folder_holds_network_and_disruption(tmp_path: Path) -> None:
    folder = combined(tmp_path / "mali")
    network = load_network(folder)
    bundled = load_network(bundled_network_path())
    assert (network.corridors, network.depots, network.demand) == (
        bundled.corridors,
        bundled.depots,
        bundled.demand,
    )
    assert load_disruption(network, folder) == load_disruption(network)


def test_a_bad_disruption_cell_is_refused_by_the_network_reader(tmp_path: Path) -> None:
    folder = combined(tmp_path / "mali")
    path = folder / "disruption_corridors.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("mean_open_weeks")] = "0.5"
    path.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_network(folder)
    problem = caught.value.problems[0]
    assert (problem.sheet, problem.row, problem.column) == (
        "disruption_corridors",
        2,
        "mean_open_weeks",
    )


def test_a_misspelt_disruption_sheet_is_still_refused(tmp_path: Path) -> None:
    folder = combined(tmp_path / "mali")
    (folder / "disruption_corridors.csv").rename(folder / "disruption_corridor.csv")
    with pytest.raises(InputError, match="disruption_corridor"):
        load_network(folder)
