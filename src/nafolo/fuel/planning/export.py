"""A plan written out: one CSV file per table, one workbook (plan.xlsx) with a sheet per table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook

from nafolo.fuel.planning.results import UNITS, PlanResult, finite_or_none

WORKBOOK = "plan.xlsx"


def summary(result: PlanResult) -> dict[str, Any]:
    """The plan's headline figures as a JSON-ready object (units in `units`; ∞ as null)."""
    kpis = {k: finite_or_none(v) for k, v in result.kpis.items()}
    return {
        "network": result.network,
        "status": result.status,
        "objective": result.objective_xof,
        "start": result.start.isoformat(),
        "weeks": result.weeks,
        "integer_trucks": result.integer_trucks,
        "mip_gap": result.mip_gap,
        "variables": result.variables,
        "constraints": result.constraints,
        "build_seconds": result.timings_s.get("build_seconds"),
        "solve_seconds": result.timings_s.get("solve_seconds"),
        **kpis,
        "closing_stock_t": result.closing_stock_t,
        "binding": result.binding_sentences,
        "duals_note": result.duals_note,
        "timings_seconds": result.timings_s,
        "tonnes_basis": "weight in air (ASTM D1250 Table 56)",
        "units": UNITS,
    }


FLOW_COLUMNS = {"lifts": "lifted_t", "shipments": "truckloads", "deliveries": "delivered_t"}
"""Flow tables whose all-zero rows are left out of the files (the plan's tables keep them)."""


def written_tables(result: PlanResult) -> dict[str, pd.DataFrame]:
    """The plan's tables as written to files: flow tables without their zero rows."""
    return {
        name: table[table[FLOW_COLUMNS[name]].abs() > 1e-9] if name in FLOW_COLUMNS else table
        for name, table in result.tables.items()
    }


def write_plan(result: PlanResult, folder: Path) -> list[Path]:
    """Write every table as CSV, the workbook and summary.json into `folder`; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    tables = written_tables(result)
    for name, table in tables.items():
        path = folder / f"{name}.csv"
        table.to_csv(path, index=False)
        written.append(path)
    binding = pd.DataFrame(
        [
            {
                "block": b.block,
                "element": b.element,
                "unit": b.unit,
                "marginal_value_xof": b.value_xof,
                "shortage_cut_t": b.shortage_cut_t,
                "objective_cut_xof": b.objective_cut_xof,
                "sentence": b.sentence,
            }
            for b in result.binding
        ],
        columns=[
            "block",
            "element",
            "unit",
            "marginal_value_xof",
            "shortage_cut_t",
            "objective_cut_xof",
            "sentence",
        ],
    )
    binding.to_csv(folder / "binding.csv", index=False)
    written.append(folder / "binding.csv")
    kpis = pd.DataFrame(
        [(k, v, UNITS.get(k, "")) for k, v in summary(result).items() if _scalar(v)],
        columns=["item", "value", "unit"],
    )
    workbook = folder / WORKBOOK
    sheets = {name: _for_workbook(t) if name != "weeks" else t for name, t in tables.items()}
    write_workbook(workbook, {"summary": kpis, "binding": binding, **sheets})
    written.append(workbook)
    (folder / "summary.json").write_text(
        json.dumps(summary(result), indent=2, ensure_ascii=False), encoding="utf-8"
    )
    written.append(folder / "summary.json")
    return written


def write_workbook(path: Path, tables: dict[str, pd.DataFrame]) -> None:
    """One sheet per table, header row first (openpyxl write-only mode: streams, stays fast)."""
    book = Workbook(write_only=True)
    for name, table in tables.items():
        sheet = book.create_sheet(title=name[:31])
        sheet.append([str(c) for c in table.columns])
        columns = [_cells(table[c]) for c in table.columns]
        for row in zip(*columns, strict=True):
            sheet.append(row)
    book.save(path)


def _for_workbook(table: pd.DataFrame) -> pd.DataFrame:
    """A table for people: week numbers (the `weeks` sheet dates them), figures to 3 decimals."""
    return table.drop(columns=["week_start"], errors="ignore").round(3)


def _cells(column: pd.Series) -> list[Any]:
    """Values openpyxl writes as they are: NaN becomes an empty cell, numpy scalars plain Python."""
    values = column.astype(object).where(column.notna(), None)
    return values.tolist()


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)
