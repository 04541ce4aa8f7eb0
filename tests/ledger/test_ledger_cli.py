"""`nafolo db upgrade`, `nafolo ledger verify|export|head` with --db."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from ledger_support import Draft, Tamper
from typer.testing import CliRunner

from nafolo.cli.main import app
from nafolo.ledger import Ledger

runner = CliRunner()


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    result = runner.invoke(app, ["db", "upgrade", "--db", url])
    assert result.exit_code == 0, result.output
    revision = runner.invoke(app, ["db", "current", "--db", url]).output.strip()
    assert revision != "none"
    assert f"at revision {revision}" in result.output


def test_verify_passes_on_an_intact_ledger(ledger: Ledger, draft: Draft, store_url: str) -> None:
    ledger.append([draft(), draft(quantity=Decimal(2))])
    result = runner.invoke(app, ["ledger", "verify", "--db", store_url])
    assert result.exit_code == 0, result.output
    assert f"OK: 2 entries, head 2 {ledger.head().hash}" in result.output


def test_verify_names_the_verifier_chosen(ledger: Ledger, draft: Draft, store_url: str) -> None:
    ledger.append([draft()])
    result = runner.invoke(app, ["ledger", "verify", "--db", store_url, "--verifier", "python"])
    assert result.exit_code == 0, result.output
    assert "entries/s, python verifier)" in result.output
    result = runner.invoke(app, ["ledger", "verify", "--db", store_url, "--verifier", "fast"])
    assert result.exit_code == 2
    assert "--verifier" in result.output


def test_verify_fails_naming_the_first_bad_entry(
    ledger: Ledger, draft: Draft, store_url: str, tamper: Tamper
) -> None:
    ledger.append([draft(), draft(quantity=Decimal(2)), draft(quantity=Decimal(3))])
    tamper("UPDATE ledger_entries SET quantity_minor = 1 WHERE seq = 2", {})
    result = runner.invoke(app, ["ledger", "verify", "--db", store_url])
    assert result.exit_code == 1
    assert "FAILED: entry 2: hash does not match" in result.output


def test_export_writes_a_file_and_names_the_head(
    ledger: Ledger, draft: Draft, store_url: str, tmp_path: Path
) -> None:
    ledger.append([draft()])
    out = tmp_path / "ledger.jsonl"
    result = runner.invoke(app, ["ledger", "export", "--db", store_url, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(out.read_text().splitlines()) == 3
    head = runner.invoke(app, ["ledger", "head", "--db", store_url]).output.strip()
    assert head == f"1 {ledger.head().hash}"


def test_a_bad_writer_variable_is_refused_naming_it(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NAFOLO_LEDGER_WRITER", "fast")
    result = runner.invoke(app, ["ledger", "verify", "--db", store_url])
    assert result.exit_code == 2
    assert "NAFOLO_LEDGER_WRITER: Input should be 'auto' or 'python' (got 'fast')" in result.output
