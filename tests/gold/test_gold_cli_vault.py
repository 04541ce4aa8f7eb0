"""`nafolo gold batch | bar | weight-list | statement | report`: from a settled lot to bars,
releases with four eyes, the weight list and the reports."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from gold_cli_steps import approved_depositor, assayed_lot, run

BAR = "SENOU-2026-A0001"


@pytest.fixture
def cast(store_url: str) -> str:
    """L1 settled, refined in batch B1 into one Good Delivery bar (420.082 fine oz), closed."""
    approved_depositor(store_url)
    assayed_lot(store_url)
    run(store_url, "settle", "L1", "--actor", "boss")
    run(store_url, "batch", "plan", "B1", "--on", "2026-06-10", "--lot", "L1")
    run(store_url, "location", "add", "VAULT-A", "Vault A")
    bar = ("--bar", "A0001:420.127:999.9", "--at", "2026-06-12T10:00:00")
    run(store_url, "bar", "cast", "B1", "--location", "VAULT-A", *bar)
    run(store_url, "batch", "close", "B1", "--in-process-oz", "7.592")
    return store_url


def test_a_batch_that_does_not_balance_is_refused_naming_the_gap(store_url: str) -> None:
    approved_depositor(store_url)
    assayed_lot(store_url)
    run(store_url, "batch", "plan", "B1", "--on", "2026-06-10", "--lot", "L1")
    refused = run(store_url, "batch", "close", "B1", code=1)
    assert "427.674 oz unaccounted" in refused.output and "[batch_balance]" in refused.output


def test_bar_list_shows_the_cast_bar_with_its_units(cast: str) -> None:
    shown = run(cast, "bar", "list")
    assert "fine [oz]" in shown.output and BAR in shown.output
    rows = json.loads(run(cast, "bar", "list", "--json").output)
    assert [(b["gross_oz"], b["fine_oz"]) for b in rows] == [("420.125", "420.082")]


def test_a_release_is_shipped_only_by_a_second_person(cast: str) -> None:
    release = ("--bar", BAR, "--consignee", "SYAMA", "--return-to", "SYAMA")
    run(cast, "bar", "release", "R1", *release, "--actor", "vault.1")
    assert "[four_eyes]" in run(cast, "bar", "ship", "R1", "--actor", "vault.1", code=1).output
    assert "shipped" in run(cast, "bar", "ship", "R1", "--actor", "vault.2").output
    statement = json.loads(run(cast, "statement", "SYAMA", "--year", "2026", "--json").output)
    (returned,) = [r for r in statement["rows"] if r.get("bar") == BAR]
    assert returned["debit_au_fine_oz"] == "420.082"
    assert statement["totals"][0]["balance_au_fine_oz"] == "7.164"


def test_the_weight_list_is_written_as_csv_or_xlsx_by_extension(cast: str, tmp_path: Path) -> None:
    run(cast, "weight-list", str(tmp_path / "wl.csv"))
    with (tmp_path / "wl.csv").open(encoding="utf-8-sig") as stream:
        assert list(csv.reader(stream)) == [
            ["serial", "brand", "gross_oz", "fineness", "fine_oz", "year"],
            ["A0001", "SENOU", "420.125", "999.9", "420.082", "2026"],
        ]
    run(cast, "weight-list", str(tmp_path / "wl.xlsx"), "--bar", BAR)
    assert openpyxl.load_workbook(tmp_path / "wl.xlsx").sheetnames


def test_traces_go_forward_from_the_lot_and_back_from_the_bar(cast: str) -> None:
    forward = json.loads(run(cast, "lot", "trace", "L1", "--json").output)
    assert {e["id"] for e in forward["ends"]} >= {BAR}
    backward = json.loads(run(cast, "bar", "trace", BAR, "--json").output)
    assert [o["origin_id"] for o in backward["origins"]] == ["SYAMA-PIT"]


def test_reports_print_tables_with_units_and_write_xlsx(cast: str, tmp_path: Path) -> None:
    shown = run(cast, "report", "production", "--year", "2026")
    assert "net weight [kg]" in shown.output and "Sikasso" in shown.output
    out = tmp_path / "annex.xlsx"
    run(cast, "report", "origin-annex", "--year", "2026", "--out", str(out))
    first = next(openpyxl.load_workbook(out)["report"].values)
    assert first[:2] == ("country", "lsm_fine_kg")


def test_a_bad_period_exits_2(store_url: str) -> None:
    result = run(store_url, "report", "production", "--period", "2026-13", code=2)
    assert "YYYY-MM" in result.output
