"""/api/gold depositors and due diligence: registration, refusals naming the field, decisions."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from gold_api_steps import DEPOSITOR, ORIGIN, approve, ok, register_depositor


def test_a_registered_depositor_is_listed_with_the_standard_contract(client: TestClient) -> None:
    out = ok(client.post("/api/gold/depositors", json=DEPOSITOR))
    assert out["contract"]["contract_id"] == "STANDARD"
    assert out["registered_by"] == "admin"
    page = ok(client.get("/api/gold/depositors"), 200)
    assert page["total"] == 1 and page["items"][0]["depositor_id"] == "SYAMA"


def test_a_duplicate_depositor_is_a_409_and_an_unknown_one_a_404(client: TestClient) -> None:
    ok(client.post("/api/gold/depositors", json=DEPOSITOR))
    again = client.post("/api/gold/depositors", json=DEPOSITOR)
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    missing = client.get("/api/gold/depositors/NOBODY")
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["loc"] == ["path", "depositor_id"]


def test_an_origin_with_a_bad_country_is_refused_naming_the_field(client: TestClient) -> None:
    ok(client.post("/api/gold/depositors", json=DEPOSITOR))
    bad = client.post("/api/gold/origins", json={**ORIGIN, "country": "Mali"})
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["country"]
    assert ok(client.get("/api/gold/depositors/SYAMA"), 200)["origins"] == []


def test_an_origin_for_an_unknown_depositor_is_an_unknown_reference(client: TestClient) -> None:
    bad = client.post("/api/gold/origins", json={**ORIGIN, "depositor_id": "NOBODY"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"][0] == "body"


def test_a_clean_mine_is_approved_and_the_kayes_origin_flagged_cahra(client: TestClient) -> None:
    register_depositor(client)
    kayes = {**ORIGIN, "origin_id": "FEKOLA", "region": "Kayes"}
    assert ok(client.post("/api/gold/origins", json=kayes))["cahra"] is True
    decision = approve(client)
    assert decision["reviewer"] == "admin"
    assert decision["decision"] == "enhanced due diligence"
    history = ok(client.get("/api/gold/depositors/SYAMA/assessments"), 200)
    assert [h["decision"] for h in history] == ["enhanced due diligence"]


def test_screening_stores_unconfirmed_hits_a_reviewer_confirms(client: TestClient) -> None:
    register_depositor(client)
    entry = {"name": "RESOLUTE", "list_name": "UN 1267", "kind": "sanctions"}
    (hit,) = ok(client.post("/api/gold/depositors/SYAMA/screening", json=[entry]), 200)
    assert hit["confirmed"] is False
    confirmed = ok(client.post(f"/api/gold/screening-hits/{hit['hit_id']}/confirm"), 200)
    assert confirmed["confirmed_by"] == "admin"
    assert approve(client)["decision"] == "terminate"


def test_depositor_writes_need_the_compliance_permission(
    client_as: Callable[..., TestClient],
) -> None:
    lab = client_as("lab_analyst")
    refused = lab.post("/api/gold/depositors", json=DEPOSITOR)
    assert refused.status_code == 403
    assert lab.get("/api/gold/depositors").status_code == 200


def test_documents_are_kept_with_their_sha256(client: TestClient) -> None:
    ok(client.post("/api/gold/depositors", json=DEPOSITOR))
    form = {"owner_kind": "depositor", "owner_id": "SYAMA", "kind": "licence"}
    files = {"file": ("licence.pdf", b"%PDF-1.4 licence", "application/pdf")}
    doc = ok(client.post("/api/gold/documents", data=form, files=files))
    assert len(doc["sha256"]) == 64 and doc["size_bytes"] == 16
    listed = ok(
        client.get("/api/gold/documents", params={"owner_kind": "depositor", "owner_id": "SYAMA"}),
        200,
    )
    assert [d["filename"] for d in listed] == ["licence.pdf"]
