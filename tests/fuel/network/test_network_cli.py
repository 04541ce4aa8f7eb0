"""`nafolo fuel template` and `nafolo fuel check`: output and exit codes."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from nafolo.cli.main import app
from nafolo.fuel.network.io import write_network
from nafolo.fuel.network.model import Network

runner = CliRunner()


def test_check_prints_summary_with_units(network: Network, tmp_path: Path) -> None:
    write_network(network, tmp_path / "n.xlsx")
    result = runner.invoke(app, ["fuel", "check", "--network", str(tmp_path / "n.xlsx")])
    assert result.exit_code == 0, result.output
    assert "22,500 t/week" in result.output
    assert "160,000–200,000 t/month" in result.output
    assert "2 rows" in result.output


def test_check_lists_every_problem_and_exits_2(network: Network, tmp_path: Path) -> None:
    write_network(network, tmp_path / "n")
    (tmp_path / "n" / "depot.csv").write_text("depot\nX\n")
    (tmp_path / "n" / "fleet.csv").write_text("fleet,trucks,truck_capacity_m3\nF,-3,46\n")
    result = runner.invoke(app, ["fuel", "check", "--network", str(tmp_path / "n")])
    assert result.exit_code == 2
    assert "2 problem(s)" in result.output
    assert "must be ≥ 0, got -3" in result.output
    assert "did you mean 'depots'?" in result.output


def test_template_writes_workbook(tmp_path: Path) -> None:
    result = runner.invoke(app, ["fuel", "template", str(tmp_path / "t.xlsx")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "t.xlsx").is_file()


def test_template_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    (tmp_path / "t.xlsx").write_text("mine")
    result = runner.invoke(app, ["fuel", "template", str(tmp_path / "t.xlsx")])
    assert result.exit_code == 1
    assert (tmp_path / "t.xlsx").read_text() == "mine"
