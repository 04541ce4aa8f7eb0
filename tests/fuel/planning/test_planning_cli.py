"""`nafolo fuel plan`: one JSON object on stdout, exit codes 0 / 2 / 3."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from nafolo.cli.main import app
from nafolo.fuel.network.io import write_network

runner = CliRunner()

JSON_KEYS = {
    "status",
    "objective",
    "weeks",
    "variables",
    "constraints",
    "build_seconds",
    "solve_seconds",
    "lifted_t",
    "delivered_t",
    "shortage_t",
    "min_days_of_cover",
    "binding",
    "closing_stock_t",
    "units",
}


def run(folder, *extra: str):
    args = ["fuel", "plan", "--network", str(folder), "--weeks", "4", "--start", "2026-01-05"]
    return runner.invoke(app, [*args, *extra])


def test_json_summary(make_line, tmp_path) -> None:
    write_network(make_line(demand_t_per_week=150.0, max_trucks_per_week=2), tmp_path / "net")
    result = run(tmp_path / "net", "--json", "--out", str(tmp_path / "plan"))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary.keys() >= JSON_KEYS
    assert summary["status"] == "optimal"
    assert summary["shortage_t"] == 300.0
    assert summary["closing_stock_t"] == {"D": 0.0}
    assert summary["binding"][0].startswith("One more truck a week on Port O – Depot D")
    assert (tmp_path / "plan" / "plan.xlsx").exists()


def test_integer_trucks_option(make_line, tmp_path) -> None:
    write_network(make_line(demand_t_per_week=120.0), tmp_path / "net")
    result = run(tmp_path / "net", "--json", "--integer-trucks", "--time-limit", "10", "--gap", "0")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["integer_trucks"] is True
    assert summary["mip_gap"] is not None


def test_human_summary_carries_units(make_line, tmp_path) -> None:
    write_network(make_line(), tmp_path / "net")
    result = run(tmp_path / "net")
    assert result.exit_code == 0, result.output
    assert "XOF" in result.stdout and " t" in result.stdout and " d" in result.stdout


def test_input_error_exits_2(make_line, tmp_path) -> None:
    write_network(make_line(tank_m3=500.0, opening_depot_t=800.0), tmp_path / "net")
    result = run(tmp_path / "net", "--json")
    assert result.exit_code == 2
    # the written CSV has its units on row 2, so the first tank is on row 3
    problem = json.loads(result.stdout)["problems"][0]
    assert (problem["sheet"], problem["row"], problem["column"]) == (
        "depot_tanks",
        3,
        "opening_stock_t",
    )


def test_infeasible_exits_3(make_line, tmp_path) -> None:
    network = make_line(contract_min=10_000.0, port_storage_t=100.0, port_loading_t_per_week=100.0)
    write_network(network, tmp_path / "net")
    result = run(tmp_path / "net", "--json")
    assert result.exit_code == 3
    payload = json.loads(result.stdout)
    assert payload["status"] == "infeasible"
    assert any("minimum of contract Q" in c for c in payload["conflicts"])


def test_bundled_network_plan() -> None:
    result = runner.invoke(app, ["fuel", "plan", "--weeks", "8", "--start", "2026-11-30", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["network"] == "mali"
    assert set(summary["closing_stock_t"]) >= {"BKO-SENOU", "KAYES"}


def test_loading_the_cli_imports_no_store_api_or_solver_module() -> None:
    # `nafolo fuel plan` starts fast: commands import their heavy dependencies when they run.
    heavy = ("sqlalchemy", "alembic", "fastapi", "uvicorn", "linopy", "highspy")
    probe = f"import sys, nafolo.cli.main; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
