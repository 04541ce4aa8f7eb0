"""Fuel operations over HTTP: each recorded on the ledger, replays answered, refusals harmless."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fuel_payloads import LIFTING, RECEIPT, post

from nafolo.ledger import Ledger

Stored = Callable[[], object]


def test_a_lifting_is_recorded_in_tonnes(client: TestClient, engine_ledger: Ledger) -> None:
    body = post(client, "liftings", LIFTING)
    assert (body["operation"], body["replayed"]) == ("lifting", False)
    [entry] = body["entries"]
    assert (entry["quantity_t"], entry["from_account"], entry["to_account"]) == (
        "1000.000",
        "SUPPLIER:SUPPLY-2026",
        "PORT:DAKAR",
    )
    assert engine_ledger.balance("PORT:DAKAR", "GASOIL") == Decimal("1000.000")


def test_replaying_a_lifting_answers_200_and_writes_nothing(
    client: TestClient, stored: Stored
) -> None:
    first = post(client, "liftings", LIFTING)
    before = stored()
    again = post(client, "liftings", LIFTING, status=200)
    assert again["replayed"] is True
    assert again["entries"] == first["entries"]
    assert stored() == before


def test_the_same_document_with_other_content_is_refused(
    client: TestClient, stored: Stored
) -> None:
    post(client, "liftings", LIFTING)
    before = stored()
    problem = post(client, "liftings", {**LIFTING, "quantity_t": "999"}, status=422)
    assert problem["type"] == "/problems/operation-refused"
    assert stored() == before


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"port": "DAKARR"}, ["body", "port"]),
        ({"product": "WHISKY"}, ["body", "product"]),
        ({"contract": "NONE-2026"}, ["body", "contract"]),
        ({"quantity_t": "-5"}, ["body", "quantity_t"]),
        ({"quantity_t": "lots"}, ["body", "quantity_t"]),
        ({"lifted_at": "soon"}, ["body", "lifted_at"]),
        ({"document_ref": None}, ["body", "document_ref"]),
        ({"tonnage": 5}, ["body", "tonnage"]),
    ],
)
def test_a_bad_lifting_is_refused_naming_the_field(
    client: TestClient, stored: Stored, change: dict[str, Any], loc: list[str]
) -> None:
    before = stored()
    problem = post(client, "liftings", {**LIFTING, **change}, status=422)
    assert loc in [e["loc"] for e in problem["errors"]]
    assert stored() == before


def test_a_dispatch_loads_each_compartment_in_tonnes(dispatched: dict[str, Any]) -> None:
    entries = dispatched["entries"]
    assert [e["to_account"] for e in entries] == ["TRANSIT:DKR-KAYES-SENOU/CV-0602"] * 2
    assert all(Decimal(e["quantity_t"]) > 0 for e in entries)


def test_a_receipt_books_the_transit_difference_explicitly(
    client: TestClient, dispatched: dict[str, Any]
) -> None:
    loaded = Decimal(dispatched["entries"][0]["quantity_t"])
    body = post(client, "receipts", RECEIPT)
    kinds = {e["kind"]: Decimal(e["quantity_t"]) for e in body["entries"]}
    assert (
        kinds["receipt"]
        + kinds.get("transit_loss", Decimal(0))
        - kinds.get("transit_gain", Decimal(0))
        == loaded
    )
    variance = body["variance"]
    assert Decimal(variance["reference_t"]) == loaded
    assert variance["tolerance_pct"] == "0.5"


def test_receiving_an_undispatched_compartment_is_refused(
    client: TestClient, dispatched: dict[str, Any], stored: Stored
) -> None:
    before = stored()
    problem = post(client, "receipts", {**RECEIPT, "compartment": 3}, status=422)
    assert [e["loc"] for e in problem["errors"]] == [["body", "compartment"]]
    assert stored() == before


def test_a_lost_truck_is_written_off_to_the_attack_loss_account(
    client: TestClient, dispatched: dict[str, Any]
) -> None:
    event = {
        "document_ref": "EV-1",
        "event": "truck_lost",
        "truck": "T2",
        "at": "2026-06-03T10:00:00Z",
    }
    body = post(client, "convoys/CV-0602/events", event)
    [entry] = body["entries"]
    assert entry["to_account"] == "LOSS:ATTACK:DKR-KAYES-SENOU"
    assert entry["quantity_t"] == dispatched["entries"][1]["quantity_t"]


def test_an_event_of_an_unknown_convoy_is_a_404(
    client: TestClient, dispatched: dict[str, Any], stored: Stored
) -> None:
    before = stored()
    event = {"document_ref": "EV-2", "event": "departed", "at": "2026-06-02T09:00:00Z"}
    problem = post(client, "convoys/CV-9999/events", event, status=404)
    assert problem["errors"][0]["loc"] == ["path", "convoy"]
    assert stored() == before


def test_an_event_naming_another_convoy_in_its_body_is_refused(
    client: TestClient, dispatched: dict[str, Any]
) -> None:
    event = {
        "document_ref": "EV-3",
        "convoy": "CV-1",
        "event": "arrived",
        "at": "2026-06-06T09:00:00Z",
    }
    problem = post(client, "convoys/CV-0602/events", event, status=422)
    assert problem["errors"][0]["loc"] == ["body", "convoy"]


def test_a_withdrawal_serves_a_region(client: TestClient, dispatched: dict[str, Any]) -> None:
    post(client, "receipts", RECEIPT)
    withdrawal = {
        "document_ref": "WD-1",
        "depot": "BKO-SENOU",
        "region": "BAMAKO",
        "product": "GASOIL",
        "withdrawn_at": "2026-06-07T08:00:00Z",
        "quantity_t": "10.5",
    }
    [entry] = post(client, "withdrawals", withdrawal)["entries"]
    assert (entry["to_account"], entry["quantity_t"]) == ("REGION:BAMAKO", "10.500")


def test_a_dip_books_the_book_versus_physical_difference(
    client: TestClient, dispatched: dict[str, Any]
) -> None:
    post(client, "receipts", RECEIPT)
    dip = {
        "document_ref": "DP-1",
        "depot": "BKO-SENOU",
        "product": "GASOIL",
        "dipped_at": "2026-06-08T08:00:00Z",
        "load": {"volume_l": "35000", "temperature_c": "30", "density_kg_m3": "836"},
    }
    body = post(client, "dips", dip)
    variance = body["variance"]
    assert Decimal(variance["difference_t"]) == Decimal(variance["measured_t"]) - Decimal(
        variance["reference_t"]
    )
    assert [e["kind"] for e in body["entries"]] in (["dip_loss"], ["dip_gain"])
