"""Read models kept between requests: served again while the store is unchanged, recomputed
after any write (through the API or straight into the store)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from fuel_payloads import RECEIPT, post

from nafolo.api.cache import ReadCache
from nafolo.api.deps import AppState


def _stock_t(client: TestClient) -> Decimal:
    response = client.get("/api/fuel/stocks", params={"depot": "BKO-SENOU", "product": "GASOIL"})
    assert response.status_code == 200, response.text
    return sum((Decimal(s["stock_t"]) for s in response.json()["items"]), Decimal(0))


def _cache(app: FastAPI) -> ReadCache:
    state = app.state.nafolo
    assert isinstance(state, AppState) and state.read_cache is not None
    return state.read_cache


def test_a_repeated_read_is_served_from_the_cache(
    client: TestClient, api_app: FastAPI, dispatched: dict[str, Any]
) -> None:
    _stock_t(client)
    misses = _cache(api_app).misses
    _stock_t(client)
    assert _cache(api_app).misses == misses


def test_a_write_through_the_api_is_seen_by_the_next_read(
    client: TestClient, dispatched: dict[str, Any]
) -> None:
    before = _stock_t(client)
    receipt = post(client, "receipts", RECEIPT)
    received = Decimal(receipt["entries"][0]["quantity_t"])
    assert _stock_t(client) == before + received
