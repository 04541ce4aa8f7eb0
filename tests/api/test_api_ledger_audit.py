"""Verification and export over HTTP: the report names the problem; the export verifies alone."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from nafolo.ledger import EntryDraft, Ledger

VERIFIER = Path(__file__).parents[2] / "tools" / "verify_ledger.py"


def test_an_untouched_ledger_verifies(client: TestClient, five: Ledger) -> None:
    report = client.post("/api/ledger/verify").json()
    assert report["ok"] is True
    assert report["entries_checked"] == 5
    assert report["recorded_head"] == report["computed_head"]
    assert report["recorded_head"]["seq"] == 5
    assert report["chain_problem"] is None


def test_an_edited_balance_is_reported_with_its_unit(
    client: TestClient, five: Ledger, engine: Engine
) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE ledger_balances SET quantity_minor = 1 WHERE account = 'DEPOT:KAYES'")
        )
    report = client.post("/api/ledger/verify").json()
    assert report["ok"] is False
    assert report["balance_problems"] == [
        {
            "account": "DEPOT:KAYES",
            "commodity": "GASOIL",
            "stored": "0.001",
            "recomputed": "300.000",
            "unit": "t",
        }
    ]


def test_export_streams_json_lines_that_verify_alone(
    client: TestClient, five: Ledger, tmp_path: Path
) -> None:
    with client.stream("GET", "/api/ledger/export") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/jsonl")
        text = "".join(response.iter_text())
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) == 7  # header, five entries, trailer
    assert lines[0]["head_seq"] == 5 and lines[-1]["entries"] == 5
    exported = tmp_path / "ledger.jsonl"
    exported.write_text(text, encoding="utf-8")
    checked = subprocess.run(
        [sys.executable, str(VERIFIER), str(exported), "--anchor", lines[0]["head_hash"]],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_large_export_arrives_in_several_chunks(
    client: TestClient, ledger: Ledger, move: Callable[..., EntryDraft]
) -> None:
    ledger.append(
        [
            move("1.000", "SUPPLIER:SUPPLY-2026", "PORT:DAKAR", "lifting", 1 + i % 28)
            for i in range(2000)
        ]
    )
    with client.stream("GET", "/api/ledger/export") as response:
        chunks = list(response.iter_text())
    lines = "".join(chunks).splitlines()
    assert len(lines) == 2002
    assert len(chunks) > 1
