"""`nafolo fuel import | ops-template | stock | cover | alerts | compliance` on the example."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from nafolo.cli.main import app
from nafolo.fuel.operations.example import write_example

runner = CliRunner()


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("example") / "ops"
    write_example(path)
    return path


@pytest.fixture(scope="module")
def db(example: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store holding the imported example (read-only for the tests that use it)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'store.sqlite'}"
    result = runner.invoke(app, ["fuel", "import", str(example), "--db", url])
    assert result.exit_code == 0, result.output
    return url


def test_import_reports_what_it_wrote_and_re_import_writes_nothing(db: str, example: Path) -> None:
    again = runner.invoke(app, ["fuel", "import", str(example), "--db", db])
    assert again.exit_code == 0, again.output
    assert "ledger entries written: 0" in again.output


def test_import_of_a_bad_file_names_the_row_and_exits_1(tmp_path: Path, example: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    for file in example.iterdir():
        text = file.read_text(encoding="utf-8-sig")
        if file.name == "withdrawals.csv":
            text = text.replace(",BKO-SENOU,", ",NOWHERE,", 1)
        (bad / file.name).write_text(text, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    result = runner.invoke(app, ["fuel", "import", str(bad), "--db", url])
    assert result.exit_code == 1
    assert "withdrawals, row" in result.output and "column depot" in result.output
    report = tmp_path / "rejected.csv"
    skipped = runner.invoke(
        app, ["fuel", "import", str(bad), "--db", url, "--skip-invalid", "--report", str(report)]
    )
    assert skipped.exit_code == 0, skipped.output
    assert "NOWHERE" in report.read_text(encoding="utf-8-sig")


def test_alerts_on_the_example_show_the_late_convoy_and_the_losses(db: str) -> None:
    result = runner.invoke(app, ["fuel", "alerts", "--db", db, "--at", "2026-01-26T00:00:00"])
    assert result.exit_code == 3
    assert "CV-0301" in result.output
    assert "transit_variance_above_tolerance" in result.output
    assert "dip_variance_above_tolerance" in result.output


def test_compliance_of_january_is_within_the_band(db: str) -> None:
    result = runner.invoke(app, ["fuel", "compliance", "--month", "2026-01", "--db", db])
    assert result.exit_code == 0, result.output
    assert "within" in result.output and "[t]" in result.output


def test_stock_and_cover_print_units(db: str) -> None:
    stock = runner.invoke(app, ["fuel", "stock", "--db", db])
    cover = runner.invoke(app, ["fuel", "cover", "--db", db, "--at", "2026-01-26T00:00:00"])
    assert stock.exit_code == cover.exit_code == 0
    assert "usable [t]" in stock.output and "in transit [t]" in stock.output
    assert "cover [d]" in cover.output and "demand [t/d]" in cover.output


def test_ops_template_writes_a_workbook(tmp_path: Path) -> None:
    result = runner.invoke(app, ["fuel", "ops-template", str(tmp_path / "ops.xlsx")])
    assert result.exit_code == 0
    assert (tmp_path / "ops.xlsx").is_file()
