"""`nafolo fuel simulate` on the bundled Mali network over a 4-week plan."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from nafolo.cli.main import app
from nafolo.fuel.network.io import load_network
from nafolo.fuel.planning import plan, write_plan

runner = CliRunner()
BASE = ["fuel", "simulate", "--weeks", "4", "--start", "2026-01-05", "--scenarios", "300"]


def test_json_has_the_headline_figures_and_out_writes_tables_and_charts(tmp_path: Path) -> None:
    result = runner.invoke(app, [*BASE, "--json", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    headline = json.loads(result.stdout)
    assert headline["scenarios"] == 300
    assert headline["seed"] == 2025
    assert headline["policy"] == "static"
    assert headline["expected_shortage_t"] <= headline["cvar95_shortage_t"]
    assert set(headline["stockout_probability"]) == {r.region for r in load_network().regions}
    assert headline["seconds"] > 0
    for name in ("regions.csv", "region_weeks.csv", "summary.json"):
        assert (tmp_path / name).is_file()
    assert (tmp_path / "days_of_cover.png").read_bytes()[:4] == b"\x89PNG"
    assert "<svg" in (tmp_path / "days_of_cover.svg").read_text()


def test_a_written_plan_gives_the_same_figures_as_planning_now(tmp_path: Path) -> None:
    write_plan(plan(load_network(), 4, date(2026, 1, 5)), tmp_path / "plan")
    now = runner.invoke(app, [*BASE, "--json"])
    written = runner.invoke(
        app, ["fuel", "simulate", "--plan", str(tmp_path / "plan"), "--scenarios", "300", "--json"]
    )
    assert written.exit_code == 0, written.output
    a, b = json.loads(now.stdout), json.loads(written.stdout)
    assert abs(a["expected_shortage_t"] - b["expected_shortage_t"]) < 1e-3


def test_the_named_blockade_without_randomness_is_one_deterministic_run() -> None:
    args = [*BASE, "--scenario", "BLOCKADE-2025", "--no-stochastic", "--json"]
    first, second = (
        runner.invoke(app, args),
        runner.invoke(app, [*args[:-1], "--seed", "7", "--json"]),
    )
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert a["named_scenario"] == "BLOCKADE-2025"
    assert a["expected_shortage_t"] == b["expected_shortage_t"] == a["cvar95_shortage_t"]


def test_an_unknown_named_scenario_is_refused_with_exit_code_2() -> None:
    result = runner.invoke(app, [*BASE, "--scenario", "NOPE"])
    assert result.exit_code == 2
    assert "BLOCKADE-2025" in result.output


def test_an_unknown_policy_is_refused() -> None:
    result = runner.invoke(app, [*BASE, "--policy", "clairvoyant"])
    assert result.exit_code == 2
