"""/api/gold lots: admission refusals listing each reason, receipt, custody, nothing stored on
refusal."""

from __future__ import annotations

from fastapi.testclient import TestClient
from gold_api_steps import LOT, ORIGIN, approve, ok, received_lot, register_depositor


def test_a_lot_of_a_depositor_without_a_decision_is_refused_and_not_stored(
    client: TestClient,
) -> None:
    register_depositor(client)
    refused = client.post("/api/gold/lots", json=LOT)
    assert refused.status_code == 422
    body = refused.json()
    assert body["type"] == "/problems/gold-refused" and body["rule"] == "admission"
    assert all("[admission]" in e["message"] for e in body["errors"])
    assert client.get("/api/gold/lots/L1").status_code == 404
    assert ok(client.get("/api/gold/lots"), 200)["total"] == 0


def test_a_malformed_lot_is_refused_naming_the_field(client: TestClient) -> None:
    bad = client.post("/api/gold/lots", json={**LOT, "declared_gross_g": "-5"})
    assert bad.status_code == 422
    assert [e["loc"] for e in bad.json()["errors"]] == [["body", "declared_gross_g"]]


def test_an_approved_depositors_lot_is_received_with_its_custody_timeline(
    client: TestClient,
) -> None:
    register_depositor(client)
    approve(client)
    weighing = received_lot(client)
    assert weighing["net_g"] == "14000.000" or weighing["net_g"].startswith("14000")
    lot = ok(client.get("/api/gold/lots/L1"), 200)
    assert lot["status"] == "received"
    events = [e["event"] for e in ok(client.get("/api/gold/lots/L1/custody"), 200)]
    assert events[0] == "registered" and "received" in events


def test_lots_filter_by_depositor_and_status(client: TestClient) -> None:
    register_depositor(client)
    approve(client)
    received_lot(client, "L1")
    ok(client.post("/api/gold/lots", json={**LOT, "lot_id": "L2"}))
    received = ok(client.get("/api/gold/lots", params={"status": "received"}), 200)
    assert [i["lot_id"] for i in received["items"]] == ["L1"]
    other = ok(client.get("/api/gold/lots", params={"depositor_id": "NOBODY"}), 200)
    assert other["total"] == 0


def test_weighing_on_an_unknown_scale_is_refused(client: TestClient) -> None:
    register_depositor(client)
    approve(client)
    ok(client.post("/api/gold/lots", json=LOT))
    weighing = {
        "lot_id": "L1",
        "scale_id": "NOSCALE",
        "weighed_at": "2026-06-02T09:00:00Z",
        "gross_g": "14010",
        "tare_g": "10",
    }
    refused = client.post("/api/gold/weighings", json=weighing)
    assert refused.status_code == 422
    assert ok(client.get("/api/gold/lots/L1"), 200)["status"] == "registered"


def test_a_lot_under_enhanced_due_diligence_is_quarantined_until_signed_off(
    client: TestClient,
) -> None:
    register_depositor(client)
    kayes = {**ORIGIN, "origin_id": "KAYES-PIT", "region": "Kayes"}
    ok(client.post("/api/gold/origins", json=kayes))
    assert approve(client)["decision"] == "enhanced due diligence"
    held = ok(client.post("/api/gold/lots", json={**LOT, "origin_id": "KAYES-PIT"}))
    assert (held["status"], held["cahra"]) == ("quarantined", True)
    unsigned = client.post("/api/gold/lots/L1/release", json={"on": "2026-06-03", "reason": ""})
    assert unsigned.status_code == 422
    body = {"on": "2026-06-03", "reason": "EDD file 2026-17 reviewed"}
    released = ok(client.post("/api/gold/lots/L1/release", json=body), 200)
    assert released["status"] != "quarantined"
