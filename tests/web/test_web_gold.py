"""The refinery's pages over the gold services: registers, a depositor's due diligence, a lot's
custody timeline and assays."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_support import seed_gold

REGISTERS = ("depositors", "lots", "batches", "bars", "accounts")


@pytest.fixture
def gold_client(client: TestClient, web_store: str, tmp_path: Path) -> TestClient:
    seed_gold(web_store, tmp_path)
    return client


def test_every_refinery_register_renders(gold_client: TestClient) -> None:
    for tab in REGISTERS:
        response = gold_client.get(f"/gold?tab={tab}")
        assert response.status_code == 200, (tab, response.text[:2000])
    assert "L-EX-0001" in gold_client.get("/gold?tab=lots").text
    assert "DEP-EXAMPLE" in gold_client.get("/gold?tab=depositors").text


def test_a_lot_shows_its_custody_timeline_and_assays(gold_client: TestClient) -> None:
    response = gold_client.get("/gold/lots/L-EX-0001")
    assert response.status_code == 200, response.text[:2000]
    assert "Chaîne de traçabilité" in response.text
    assert "‰" in response.text


def test_a_depositor_shows_its_due_diligence(gold_client: TestClient) -> None:
    response = gold_client.get("/gold/depositors/DEP-EXAMPLE")
    assert response.status_code == 200, response.text[:2000]
    assert "Kalana" in response.text


def test_unknown_refinery_records_are_404_pages(gold_client: TestClient) -> None:
    assert gold_client.get("/gold/lots/NO-SUCH-LOT").status_code == 404
    assert gold_client.get("/gold/bars/SENOU-2026-NONE").status_code == 404
    assert gold_client.get("/gold/depositors/NOBODY").status_code == 404
