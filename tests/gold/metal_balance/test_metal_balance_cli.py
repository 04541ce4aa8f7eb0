"""`nafolo gold balance stocktake | prepare | show | sign-off`."""

from __future__ import annotations

import json
from pathlib import Path

from metal_balance_steps import run

SHEETS = {
    "check_in": "lot_id,fine_oz,sd_oz,unit\nL1,1000,0.3,melting\nL2,500,0.4,melting\n",
    "check_out": "item_id,kind,fine_oz,sd_oz,unit\nB1,bar,1200,0,electrolysis\n",
    "stocktakes": "when,unit,fine_oz,sd_oz\nopening,electrolysis,200,0.5\n"
    "closing,electrolysis,499,0.5\n",
}


def _workbook(tmp_path: Path) -> str:
    folder = tmp_path / "wb"
    folder.mkdir()
    for name, text in SHEETS.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return str(folder)


def test_prepare_from_a_workbook_shows_unaccounted_with_its_uncertainty(
    store_url: str, tmp_path: Path
) -> None:
    args = ("--period", "2026-01", "--from", _workbook(tmp_path), "--actor", "alice")
    out = run(store_url, "balance", "prepare", *args).output
    assert "unaccounted 1.000 ± 0.866 oz = 0.0667 ± 0.0577 % of check-in" in out
    assert "not significant" in out and "quarantine" in out


def test_sign_off_by_the_preparer_is_refused_and_by_another_accepted(
    store_url: str, tmp_path: Path
) -> None:
    args = ("--period", "2026-01", "--from", _workbook(tmp_path), "--actor", "alice")
    run(store_url, "balance", "prepare", *args)
    refused = run(
        store_url, "balance", "sign-off", "--period", "2026-01", "--actor", "alice", code=1
    )
    assert "[separation_of_duties]" in refused.output
    signed = run(store_url, "balance", "sign-off", "--period", "2026-01", "--actor", "bob")
    assert "signed off by bob; frozen" in signed.output
    again = run(store_url, "balance", "prepare", *args, code=1)
    assert "[frozen]" in again.output


def test_restatement_and_history(store_url: str, tmp_path: Path) -> None:
    args = ("--period", "2026-01", "--from", _workbook(tmp_path))
    run(store_url, "balance", "prepare", *args, "--actor", "alice")
    run(store_url, "balance", "sign-off", "--period", "2026-01", "--actor", "bob")
    run(store_url, "balance", "prepare", *args, "--actor", "alice", "--restate", "recount")
    shown = run(store_url, "balance", "show", "--period", "2026-01", "--history", "--json")
    versions = json.loads(shown.stdout)
    assert [(v["version"], v["kind"], v["status"]) for v in versions] == [
        (1, "balance", "signed"),
        (2, "restatement", "quarantine"),
    ]
    assert versions[1]["restates_version"] == 1


def test_stocktake_then_prepare_from_the_refinery(store_url: str) -> None:
    count = ("--unit", "recovery", "--fine-oz", "12.5", "--sd-oz", "0.6", "--actor", "ops")
    out = run(store_url, "balance", "stocktake", "--period", "2026-02", *count).output
    assert "12.5 ± 0.6 fine oz" in out
    run(store_url, "balance", "stocktake", "--period", "2026-02", *count, code=1)
    shown = run(store_url, "balance", "prepare", "--period", "2026-02", "--actor", "alice")
    assert "unaccounted -12.500" in shown.output  # nothing in, 12.5 oz counted: a gain


def test_a_bad_period_or_unit_is_bad_input(store_url: str) -> None:
    run(store_url, "balance", "show", "--period", "2026-1", code=2)
    count = ("--unit", "smelter", "--fine-oz", "1", "--sd-oz", "0")
    assert (
        "melting"
        in run(store_url, "balance", "stocktake", "--period", "2026-02", *count, code=2).output
    )


def test_showing_an_unprepared_period_is_not_found(store_url: str) -> None:
    assert "not found" in run(store_url, "balance", "show", "--period", "2030-01", code=1).output
