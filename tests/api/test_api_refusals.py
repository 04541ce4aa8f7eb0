"""Refused requests: problem+json naming the field, and the stored data untouched."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from nafolo.ledger import Ledger

PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"account": "DEPOT:NOWHERE"}, ["query", "account"]),
        ({"commodity": "WHISKY"}, ["query", "commodity"]),
        ({"limit": 0}, ["query", "limit"]),
        ({"limit": 1001}, ["query", "limit"]),
        ({"effective_from": "yesterday"}, ["query", "effective_from"]),
        (
            {"effective_from": "2026-06-04", "effective_until": "2026-06-02"},
            ["query", "effective_until"],
        ),
        ({"after_seq": 2, "order": "desc"}, ["query", "after_seq"]),
        ({"order": "sideways"}, ["query", "order"]),
    ],
)
def test_bad_entry_filters_are_refused_naming_the_field(
    client: TestClient, five: Ledger, params: dict[str, object], loc: list[str]
) -> None:
    response = client.get("/api/ledger/entries", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 422
    assert problem["title"] and problem["detail"] and problem["type"].startswith("/problems/")
    assert [e["loc"] for e in problem["errors"]] == [loc]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"account_kind": "warehouse"}, "account_kind"), ({"domain": "silver"}, "domain")],
)
def test_bad_balance_filters_are_refused(
    client: TestClient, five: Ledger, params: dict[str, str], field: str
) -> None:
    response = client.get("/api/ledger/balances", params=params)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_a_second_correction_is_refused_and_writes_nothing(
    client: TestClient, five: Ledger, stored: Callable[[], object]
) -> None:
    client.post("/api/ledger/entries/2/correction", json={"actor": "a", "reason": "typo"})
    before = stored()
    response = client.post("/api/ledger/entries/2/correction", json={"actor": "a", "reason": "x"})
    assert response.status_code == 422
    assert response.json()["type"] == "/problems/ledger-refused"
    assert response.json()["errors"][0]["loc"] == ["path", "seq"]
    assert "already corrected by 6" in response.json()["errors"][0]["message"]
    assert stored() == before


def test_correcting_a_missing_entry_is_a_404(
    client: TestClient, five: Ledger, stored: Callable[[], object]
) -> None:
    before = stored()
    response = client.post("/api/ledger/entries/42/correction", json={"actor": "a", "reason": "x"})
    assert response.status_code == 404
    assert stored() == before


def test_a_correction_without_reason_is_refused_naming_it(
    client: TestClient, five: Ledger, stored: Callable[[], object]
) -> None:
    before = stored()
    response = client.post("/api/ledger/entries/2/correction", json={"actor": "a"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "reason", "loc": ["body", "reason"], "message": "Field required"}
    ]
    assert stored() == before


def test_unknown_route_is_a_problem(client: TestClient) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM


def test_malformed_json_is_refused_naming_the_body(client: TestClient) -> None:
    response = client.post(
        "/api/fuel/liftings", content=b"{oops", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == [["body"]]
