"""Writing a plan: CSV files per table, plan.xlsx, summary.json."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from nafolo.fuel.planning import plan, summary, write_plan


def test_plan_files(make_line, start, tmp_path) -> None:
    result = plan(make_line(demand_t_per_week=150.0, max_trucks_per_week=2), 4, start)
    write_plan(result, tmp_path)
    for name in ("lifts", "shipments", "depot_stocks", "regional_supply", "binding", "weeks"):
        assert (tmp_path / f"{name}.csv").exists()
    sheets = load_workbook(tmp_path / "plan.xlsx", read_only=True).sheetnames
    assert sheets[:2] == ["summary", "binding"]
    assert "shipments" in sheets
    saved = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert saved["shortage_t"] == summary(result)["shortage_t"]
