"""Export as JSON Lines and its verification by the standalone, standard-library-only tool."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from ledger_support import Draft

from nafolo.ledger import Ledger

VERIFIER = Path(__file__).resolve().parents[2] / "tools" / "verify_ledger.py"


def run_verifier(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", str(VERIFIER), str(path), *args],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def exported(ledger: Ledger, draft: Draft, tmp_path: Path) -> Path:
    ledger.append(
        [
            draft(document_ref="BL-7", idempotency_key="lift-7",
                  attributes={"density_kg_l": Decimal("0.8450"), "seal": "Côte d'Ivoire"}),
            draft(quantity=Decimal("2"), to_account="DEPOT:KAYES"),
        ]
    )  # fmt: skip
    ledger.correct(1, actor="supervisor", reason="wrong truck")
    path = tmp_path / "ledger.jsonl"
    ledger.export(path)
    return path


def test_export_has_header_entries_and_trailer(exported: Path, ledger: Ledger) -> None:
    lines = [json.loads(line) for line in exported.read_text().splitlines()]
    head = ledger.head()
    assert (lines[0]["head_seq"], lines[0]["head_hash"]) == (3, head.hash)
    assert [line["seq"] for line in lines[1:-1]] == [1, 2, 3]
    assert lines[1]["quantity"] == "30.125"
    assert lines[3]["corrects"] == 1
    assert lines[-1] == {"end": "nafolo-ledger-export-v1", "entries": 3, "head_seq": 3,
                         "head_hash": head.hash}  # fmt: skip


def test_standalone_verifier_accepts_the_export(exported: Path, ledger: Ledger) -> None:
    result = run_verifier(exported, "--anchor", ledger.head().hash)
    assert result.returncode == 0, result.stderr
    assert ledger.head().hash in result.stdout


def test_standalone_verifier_refuses_another_anchor(exported: Path) -> None:
    result = run_verifier(exported, "--anchor", "ab" * 32)
    assert result.returncode == 1
    assert "differs from the anchor" in result.stderr


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda lines: lines.__setitem__(1, lines[1].replace('"30.125"', '"31.125"')),
         "line 2, entry 1: hash does not match"),
        (lambda lines: lines.pop(2), "line 3, entry 3: expected entry 2"),
        (lambda lines: lines.pop(4), "line 4: trailer missing"),
        (lambda lines: lines.insert(2, lines.pop(1)), "line 2, entry 2: expected entry 1"),
    ],
)  # fmt: skip
def test_standalone_verifier_names_the_first_bad_line(
    exported: Path, edit: object, message: str
) -> None:
    lines = exported.read_text().splitlines()
    edit(lines)  # type: ignore[operator]
    exported.write_text("\n".join(lines) + "\n")
    result = run_verifier(exported)
    assert result.returncode == 1
    assert message in result.stderr
