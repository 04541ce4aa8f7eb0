"""`nafolo gold import | template`: lots and assays from a workbook, all or nothing."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from gold_cli_steps import run, runner

from nafolo.cli.main import app
from nafolo.gold.service import write_gold_example


def _example_depositor(db: str) -> None:
    run(db, "depositor", "add", "DEP-EXAMPLE", "Example mine", "--type", "mine")
    run(db, "depositor", "owner", "DEP-EXAMPLE", "Owner", "--share-pct", "100", "--verified")
    licence = ("--kind", "export", "--from", "2026-01-01", "--until", "2027-12-31")
    run(db, "depositor", "licence", "DEP-EXAMPLE", "EXP-1", *licence)
    run(
        db,
        *("origin", "add", "OR-EXAMPLE", "--depositor", "DEP-EXAMPLE", "--site", "Pit"),
        *("--country", "ML", "--region", "Sikasso", "--lat", "11", "--lon", "-6"),
        *("--scale", "lsm", "--licence", "PE-1", "--licence-until", "2030-01-01"),
    )
    run(db, "depositor", "assess", "DEP-EXAMPLE", "--on", "2026-01-02")
    run(db, "scale", "add", "SC-1", "--calibrated-on", "2026-01-01", "--valid-until", "2026-12-31")


def test_the_template_is_a_workbook_with_the_three_sheets(tmp_path: Path) -> None:
    out = tmp_path / "template.xlsx"
    result = runner.invoke(app, ["gold", "template", str(out)])
    assert result.exit_code == 0, result.output
    assert {"lots", "samples", "assays"} <= set(openpyxl.load_workbook(out).sheetnames)


def test_the_example_imports_and_a_bad_row_refuses_the_file(store_url: str, tmp_path: Path) -> None:
    _example_depositor(store_url)
    good, bad = tmp_path / "good", tmp_path / "bad"
    write_gold_example(good)
    write_gold_example(bad)
    lots = bad / "lots.csv"
    lots.write_text(
        lots.read_text(encoding="utf-8-sig").replace(",11000,", ",heavy,", 1), encoding="utf-8"
    )
    refused = run(store_url, "import", str(bad), code=2)
    assert "lots, row 4, column declared_gross_g" in refused.output
    done = run(store_url, "import", str(good))
    assert "lots: 3; received: 3" in done.output
