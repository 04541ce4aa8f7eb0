"""`nafolo fuel simulate --policy rolling|robust`, `--compare` and `--sweep` on the bundled Mali
network over a 4-week plan and a few scenarios (common random numbers across policies)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nafolo.cli.main import app

runner = CliRunner()
BASE = [
    "fuel",
    "simulate",
    "--weeks",
    "4",
    "--start",
    "2026-01-05",
    "--scenarios",
    "24",
    "--engine",
    "serial",
]


def test_rolling_policy_prints_the_issue_keys_and_the_plan_cost() -> None:
    result = runner.invoke(app, [*BASE, "--policy", "rolling", "--lookahead", "3", "--json"])
    assert result.exit_code == 0, result.output
    headline = json.loads(result.stdout)
    assert headline["policy"] == "rolling"
    assert headline["lookahead_weeks"] == 3
    for key in (
        "scenarios",
        "seed",
        "expected_shortage_t",
        "cvar95_shortage_t",
        "stockout_probability",
        "seconds",
        "plan_cost_xof",
    ):
        assert key in headline
    assert headline["plan_cost_xof"] > 0


def test_compare_prints_the_three_policies_on_the_same_scenarios(tmp_path: Path) -> None:
    result = runner.invoke(
        app, [*BASE, "--compare", "--design-scenarios", "2", "--json", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    compared = json.loads(result.stdout)
    assert compared["policies"] == ["static", "rolling", "robust"]
    by_policy = {r["policy"]: r for r in compared["results"]}
    assert by_policy["robust"]["robust_design"]["design_scenarios"] == 2
    assert by_policy["robust"]["plan_cost_xof"] == (
        by_policy["static"]["plan_cost_xof"]
        + by_policy["robust"]["robust_design"]["extra_transport_xof"]
    )
    demand = {r["demand_t"] for r in compared["results"]}
    assert max(demand) - min(demand) < 1e-6  # the same sampled demand for every policy
    assert (tmp_path / "BASE-rolling" / "regions.csv").is_file()
    assert (tmp_path / "summary.json").is_file()


def test_a_sweep_file_runs_every_parameter_set(tmp_path: Path) -> None:
    sets = tmp_path / "sets.csv"
    sets.write_text(
        "name,closure_rate,demand_cv,scenario,stochastic\n"
        "BASE,1,1,,true\n"
        "CALM,0,0,,true\n"
        "BLOCKADE,1,1,BLOCKADE-2025,false\n"
    )
    result = runner.invoke(app, [*BASE, "--sweep", str(sets), "--json"])
    assert result.exit_code == 0, result.output
    swept = json.loads(result.stdout)
    assert swept["parameter_sets"] == ["BASE", "CALM", "BLOCKADE"]
    rows = {r["parameter_set"]: r for r in swept["results"]}
    assert rows["BLOCKADE"]["named_scenario"] == "BLOCKADE-2025"
    assert rows["BLOCKADE"]["expected_shortage_t"] == rows["BLOCKADE"]["cvar95_shortage_t"]


def test_a_bad_sweep_file_is_refused_naming_row_and_column(tmp_path: Path) -> None:
    sets = tmp_path / "sets.csv"
    sets.write_text("name,closure_rate\nBASE,-1\n")
    result = runner.invoke(app, [*BASE, "--sweep", str(sets)])
    assert result.exit_code == 2
    assert "closure_rate" in result.output
