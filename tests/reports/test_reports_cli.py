"""`nafolo report fuel-monthly | refinery-monthly` from the command line."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from reports_support import PERIOD, fill_march
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from nafolo.cli.main import app
from nafolo.fuel.network.io import load_network
from nafolo.ledger import Ledger
from nafolo.reports import refinery_monthly
from nafolo.reports.refinery_monthly import RefineryReportUnavailableError

runner = CliRunner()


def test_fuel_monthly_writes_a_pdf(engine: Engine, store_url: str, tmp_path: Path) -> None:
    fill_march(Ledger(engine), load_network())
    out = tmp_path / "mars.pdf"
    args = ["report", "fuel-monthly", "--period", PERIOD, "--db", store_url, "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")


def test_fuel_monthly_in_english_as_xlsx(store_url: str, tmp_path: Path) -> None:
    out = tmp_path / "march.xlsx"
    args = ["report", "fuel-monthly", "--period", PERIOD, "--db", store_url]
    result = runner.invoke(app, [*args, "--lang", "en", "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert load_workbook(io.BytesIO(out.read_bytes())).sheetnames[0] == "Summary"


def test_a_bad_period_is_refused_naming_the_option() -> None:
    result = runner.invoke(app, ["report", "fuel-monthly", "--period", "2026-3"])
    assert result.exit_code == 2
    assert "--period: '2026-3' is not a month written YYYY-MM" in result.output


def test_refinery_monthly_writes_an_xlsx(store_url: str, tmp_path: Path) -> None:
    out = tmp_path / "raffinerie.xlsx"
    args = ["report", "refinery-monthly", "--period", PERIOD, "--db", store_url]
    result = runner.invoke(app, [*args, "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Bilan matière" in load_workbook(io.BytesIO(out.read_bytes())).sheetnames


def test_refinery_monthly_says_when_the_gold_services_are_missing(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(engine: object, period: str) -> None:
        raise RefineryReportUnavailableError("the gold services cannot be loaded")

    monkeypatch.setattr(refinery_monthly, "assemble_refinery_month", missing)
    args = ["report", "refinery-monthly", "--period", PERIOD, "--db", store_url]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "refinery-monthly: not available yet" in result.output


def test_loading_the_cli_imports_no_report_renderer() -> None:
    heavy = ("reportlab", "matplotlib", "babel", "scipy", "nafolo.reports")
    probe = f"import sys, nafolo.cli.main; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
