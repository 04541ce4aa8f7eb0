"""/api/gold/balances: prepare in quarantine, read, sign off by a second person with the
settlement-approve permission, frozen afterwards, stocktakes."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

ClientAs = Callable[..., TestClient]
URL = "/api/gold/balances/2026-03"


def _stocktake(client: TestClient, unit: str = "recovery", fine_oz: str = "12.5") -> None:
    body = {"unit": unit, "fine_oz": fine_oz, "sd_oz": "0.6"}
    response = client.post(f"{URL}/stocktakes", json=body)
    assert response.status_code == 201, response.text


def test_prepare_then_read_the_balance_in_quarantine(client: TestClient) -> None:
    _stocktake(client)
    prepared = client.post(URL)
    assert prepared.status_code == 201, prepared.text
    body = prepared.json()
    assert (body["status"], body["prepared_by"], body["version"]) == ("quarantine", "admin", 1)
    assert body["balance"]["unaccounted"] == {"fine_oz": "-12.500", "sd_oz": "0.600"}
    assert client.get(URL).json()["sha256"] == body["sha256"]


def test_sign_off_by_the_preparer_is_refused_naming_the_rule(client: TestClient) -> None:
    client.post(URL)
    refused = client.post(f"{URL}/sign-off")
    assert refused.status_code == 422
    assert refused.json()["rule"] == "separation_of_duties"


def test_sign_off_needs_the_settlement_approve_permission(
    client: TestClient, client_as: ClientAs
) -> None:
    client.post(URL)
    assert client_as("refinery_operator").post(f"{URL}/sign-off").status_code == 403
    signed = client_as("compliance_officer").post(f"{URL}/sign-off")
    assert signed.status_code == 200, signed.text
    assert signed.json()["status"] == "signed"
    frozen = client.post(URL)
    assert frozen.status_code == 422 and frozen.json()["rule"] == "frozen"


def test_a_restatement_is_a_new_version_referencing_the_signed_one(
    client: TestClient, client_as: ClientAs
) -> None:
    client.post(URL)
    client_as("compliance_officer").post(f"{URL}/sign-off")
    restated = client.post(URL, json={"restate_reason": "recount"})
    assert restated.status_code == 201, restated.text
    assert (restated.json()["kind"], restated.json()["restates_version"]) == ("restatement", 1)
    history = client.get(f"{URL}/history").json()
    assert [v["status"] for v in history] == ["signed", "quarantine"]


def test_a_viewer_reads_but_cannot_prepare(client: TestClient, client_as: ClientAs) -> None:
    client.post(URL)
    viewer = client_as("viewer")
    assert viewer.get(URL).status_code == 200
    assert viewer.post(URL).status_code == 403


def test_an_unknown_period_is_404_and_a_malformed_one_422(client: TestClient) -> None:
    assert client.get("/api/gold/balances/2030-01").status_code == 404
    assert client.get("/api/gold/balances/2030-13").status_code == 422


def test_a_second_stocktake_of_a_unit_is_a_conflict(client: TestClient) -> None:
    _stocktake(client)
    body = {"unit": "recovery", "fine_oz": "13", "sd_oz": "0.6"}
    assert client.post(f"{URL}/stocktakes", json=body).status_code == 409
