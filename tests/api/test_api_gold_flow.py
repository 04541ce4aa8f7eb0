"""/api/gold from lot to bar: assay exchange, separation of duties at settlement, batch balance,
casting, four-eyes release, weight lists and genealogy."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal

import openpyxl
from fastapi.testclient import TestClient
from gold_api_steps import approve, assayed, cast, ok, received_lot, register_depositor, settled


def _ready(client: TestClient) -> None:
    register_depositor(client)
    approve(client)


def test_whoever_entered_the_refiners_assay_cannot_approve_the_settlement(
    client: TestClient,
) -> None:
    _ready(client)
    received_lot(client)
    assayed(client, client)
    refused = client.post("/api/gold/lots/L1/settlement")
    assert refused.status_code == 422
    assert refused.json()["rule"] == "separation_of_duties"
    assert client.get("/api/gold/lots/L1/settlement").status_code in (404, 422)


def test_a_settlement_credits_the_depositors_metal_account(
    client: TestClient, client_as: Callable[..., TestClient]
) -> None:
    _ready(client)
    out = settled(client, client_as("lab_analyst"))
    assert out["approved_by"] == "admin"
    balance = ok(client.get("/api/gold/depositors/SYAMA/balance"), 200)
    assert balance["au_fine_oz"] == out["credited_au_oz"]
    assert Decimal(balance["au_fine_oz"]) > 0


def test_a_settlement_is_dated_when_it_happened(
    client: TestClient, client_as: Callable[..., TestClient]
) -> None:
    _ready(client)
    received_lot(client)
    assayed(client, client_as("lab_analyst"))
    out = ok(client.post("/api/gold/lots/L1/settlement", json={"at": "2026-06-08T11:00:00"}))
    assert {e["effective_at"][:16] for e in out["entries"]} == {"2026-06-08T11:00"}
    custody = ok(client.get("/api/gold/lots/L1/custody"), 200)
    assert [e["at"][:10] for e in custody if e["event"] == "settled"] == ["2026-06-08"]


def test_a_settlement_dated_before_the_exchange_is_refused_naming_the_field(
    client: TestClient, client_as: Callable[..., TestClient]
) -> None:
    _ready(client)
    received_lot(client)
    assayed(client, client_as("lab_analyst"))
    refused = client.post("/api/gold/lots/L1/settlement", json={"at": "2026-06-03T08:00:00Z"})
    assert refused.status_code == 422
    assert refused.json()["rule"] == "chronology"
    assert "settled_at" in str(refused.json())
    assert ok(client.get("/api/gold/depositors/SYAMA/balance"), 200)["au_fine_oz"] in ("0", "0.000")


def test_a_lab_analyst_cannot_approve_a_settlement(
    client: TestClient, client_as: Callable[..., TestClient]
) -> None:
    _ready(client)
    lab = client_as("lab_analyst")
    received_lot(client)
    assayed(client, lab)
    assert lab.post("/api/gold/lots/L1/settlement").status_code == 403


def test_a_batch_that_does_not_balance_is_refused_naming_the_gap(
    client: TestClient, client_as: Callable[..., TestClient]
) -> None:
    _ready(client)
    settled(client, client_as("lab_analyst"))
    plan = {"batch_id": "B1", "planned_on": "2026-06-10", "inputs": [{"lot_id": "L1"}]}
    ok(client.post("/api/gold/batches", json=plan))
    refused = client.post("/api/gold/batches/B1/close", json={})
    assert refused.status_code == 422 and refused.json()["rule"] == "batch_balance"
    assert ok(client.get("/api/gold/batches/B1"), 200)["status"] == "open"


def test_a_cast_bar_is_listed_traced_to_its_origin_and_on_the_weight_list(
    client: TestClient, client_as: Callable[..., TestClient]
) -> None:
    _ready(client)
    settled(client, client_as("lab_analyst"))
    bar = cast(client)["bar"]
    assert (bar["gross_oz"], bar["fine_oz"]) == ("420.125", "420.082")
    listed = ok(client.get("/api/gold/bars", params={"location": "VAULT-A"}), 200)
    assert listed["total"] == 1
    trace = ok(client.get(f"/api/gold/bars/{bar['bar_id']}/trace"), 200)
    assert [o["origin_id"] for o in trace["origins"]] == ["SYAMA-PIT"]
    forward = ok(client.get("/api/gold/lots/L1/trace"), 200)
    assert bar["bar_id"] in [e["id"] for e in forward["ends"]]
    rows = ok(client.get("/api/gold/weight-list"), 200)
    assert rows == [
        {
            "serial": bar["serial"],
            "brand": "SENOU",
            "gross_oz": "420.125",
            "fineness": "999.9",
            "fine_oz": "420.082",
            "year": bar["year"],
        }
    ]
    text = client.get("/api/gold/weight-list", params={"format": "csv"})
    assert text.headers["content-type"].startswith("text/csv")
    assert text.content.decode("utf-8-sig").splitlines()[0] == (
        "serial,brand,gross_oz,fineness,fine_oz,year"
    )
    book = client.get("/api/gold/weight-list", params={"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None and sheet.max_row >= 2


def test_a_cast_bar_outside_the_good_delivery_range_is_refused_naming_the_rule(
    client: TestClient, client_as: Callable[..., TestClient]
) -> None:
    _ready(client)
    settled(client, client_as("lab_analyst"))
    plan = {"batch_id": "B1", "planned_on": "2026-06-10", "inputs": [{"lot_id": "L1"}]}
    ok(client.post("/api/gold/batches", json=plan))
    ok(client.post("/api/gold/locations", json={"code": "VAULT-A", "name": "Vault A"}))
    bars = {
        "batch_id": "B1",
        "location": "VAULT-A",
        "cast_at": "2026-06-12T10:00:00Z",
        "bars": [{"serial": "A1", "scale_reading_oz": "300", "fineness_per_mille": "999.9"}],
    }
    refused = client.post("/api/gold/bars", json=bars)
    assert refused.status_code == 422 and refused.json()["rule"] == "bar_fine_content"
    assert ok(client.get("/api/gold/bars"), 200)["total"] == 0


def test_a_release_needs_a_second_person_to_ship(
    client: TestClient, client_as: Callable[..., TestClient]
) -> None:
    _ready(client)
    settled(client, client_as("lab_analyst"))
    bar = cast(client)["bar"]
    release = {
        "shipment_id": "SH1",
        "bar_ids": [bar["bar_id"]],
        "consignee": "BCEAO",
        "at": "2026-06-15T08:00:00Z",
    }
    pending = ok(client.post("/api/gold/shipments", json=release))
    assert pending["status"] == "pending"
    refused = client.post("/api/gold/shipments/SH1/approve", json={"at": "2026-06-15T09:00:00"})
    assert refused.status_code == 422 and refused.json()["rule"] == "four_eyes"
    keeper = client_as("vault_keeper")
    shipped = ok(
        keeper.post("/api/gold/shipments/SH1/approve", json={"at": "2026-06-15T09:00:00"}), 200
    )
    assert shipped["status"] == "shipped" and shipped["approved_by"] == "vault_keeper.1"
    assert ok(client.get(f"/api/gold/bars/{bar['bar_id']}"), 200)["status"] == "shipped"


def test_the_weight_list_of_an_unknown_shipment_names_the_query_field(client: TestClient) -> None:
    refused = client.get("/api/gold/weight-list", params={"shipment_id": "NOPE"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["query", "shipment_id"]
