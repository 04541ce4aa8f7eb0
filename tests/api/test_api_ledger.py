"""The ledger over HTTP: entries with filters and pages, one entry, balances, corrections."""

from __future__ import annotations

from fastapi.testclient import TestClient

from nafolo.ledger import Ledger


def test_entries_list_every_field_with_its_unit(client: TestClient, five: Ledger) -> None:
    body = client.get("/api/ledger/entries").json()
    assert body["total"] == 5
    first = body["items"][0]
    assert first["seq"] == 1
    assert (first["quantity"], first["unit"], first["commodity"]) == ("1000.000", "t", "GASOIL")
    assert (first["from_account"], first["to_account"]) == ("SUPPLIER:SUPPLY-2026", "PORT:DAKAR")
    assert first["effective_at"].startswith("2026-06-01T08:00:00")
    assert first["prev_hash"] == "0" * 64
    assert body["items"][1]["prev_hash"] == first["hash"]


def test_entries_filter_by_account_on_either_side(client: TestClient, five: Ledger) -> None:
    body = client.get("/api/ledger/entries", params={"account": "DEPOT:BKO-SENOU"}).json()
    assert [e["seq"] for e in body["items"]] == [2, 4]
    assert body["total"] == 2


def test_entries_filter_by_commodity_and_kind(client: TestClient, five: Ledger) -> None:
    params = {"commodity": "GASOIL", "kind": "lifting"}
    assert [e["seq"] for e in client.get("/api/ledger/entries", params=params).json()["items"]] == [
        1
    ]


def test_entries_filter_by_effective_window(client: TestClient, five: Ledger) -> None:
    params = {"effective_from": "2026-06-02", "effective_until": "2026-06-04"}
    body = client.get("/api/ledger/entries", params=params).json()
    assert [e["seq"] for e in body["items"]] == [2, 3]
    assert body["total"] == 2


def test_offset_pages_carry_the_total(client: TestClient, five: Ledger) -> None:
    body = client.get("/api/ledger/entries", params={"limit": 2, "offset": 2}).json()
    assert [e["seq"] for e in body["items"]] == [3, 4]
    assert (body["total"], body["limit"], body["offset"]) == (5, 2, 2)


def test_cursor_pages_through_every_entry(client: TestClient, five: Ledger) -> None:
    seen: list[int] = []
    params: dict[str, int] = {"limit": 2}
    while True:
        body = client.get("/api/ledger/entries", params=params).json()
        seen += [e["seq"] for e in body["items"]]
        if body["next_cursor"] is None:
            break
        params["after_seq"] = body["next_cursor"]
    assert seen == [1, 2, 3, 4, 5]


def test_newest_first(client: TestClient, five: Ledger) -> None:
    body = client.get("/api/ledger/entries", params={"order": "desc", "limit": 2}).json()
    assert [e["seq"] for e in body["items"]] == [5, 4]


def test_one_entry_by_seq(client: TestClient, five: Ledger) -> None:
    body = client.get("/api/ledger/entries/4").json()
    assert (body["kind"], body["quantity"], body["document_ref"]) == (
        "withdrawal",
        "120.125",
        "DOC-withdrawal-4",
    )


def test_missing_entry_is_a_404_naming_seq(client: TestClient, five: Ledger) -> None:
    response = client.get("/api/ledger/entries/99")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"] == ["path", "seq"]


def test_balances_carry_their_unit(client: TestClient, five: Ledger) -> None:
    body = client.get("/api/ledger/balances", params={"account_kind": "depot"}).json()
    assert body["items"] == [
        {
            "account": "DEPOT:BKO-SENOU",
            "account_kind": "depot",
            "commodity": "GASOIL",
            "quantity": "280.125",
            "unit": "t",
        },
        {
            "account": "DEPOT:KAYES",
            "account_kind": "depot",
            "commodity": "GASOIL",
            "quantity": "300.000",
            "unit": "t",
        },
    ]


def test_balances_as_of_a_past_moment(client: TestClient, five: Ledger) -> None:
    params = {"account": "PORT:DAKAR", "commodity": "GASOIL", "as_of": "2026-06-02T12:00:00Z"}
    body = client.get("/api/ledger/balances", params=params).json()
    assert [b["quantity"] for b in body["items"]] == ["599.750"]


def test_a_correction_reverses_the_entry(client: TestClient, five: Ledger) -> None:
    response = client.post(
        "/api/ledger/entries/4/correction",
        json={"actor": "supervisor", "reason": "withdrawal recorded twice"},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["seq"], body["corrects"], body["kind"]) == (6, 4, "correction")
    assert (body["from_account"], body["to_account"]) == ("REGION:BAMAKO", "DEPOT:BKO-SENOU")
    assert str(five.balance("DEPOT:BKO-SENOU", "GASOIL")) == "400.250"
