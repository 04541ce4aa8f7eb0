"""Fuel operation request bodies on the bundled Mali network, shared by the API tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

LOAD = {"volume_l": "36000", "temperature_c": "32", "density_kg_m3": "835"}
LIFTING = {
    "document_ref": "BL-0601",
    "contract": "SUPPLY-2026",
    "port": "DAKAR",
    "product": "GASOIL",
    "lifted_at": "2026-06-01T08:00:00Z",
    "quantity_t": "1000",
    "actor": "operator.dakar",
}
DISPATCH = {
    "document_ref": "LV-0602",
    "convoy": "CV-0602",
    "corridor": "DKR-KAYES-SENOU",
    "contract": "SUPPLY-2026",
    "dispatched_at": "2026-06-02T08:00:00Z",
    "compartments": [
        {"truck": "T1", "compartment": 1, "product": "GASOIL", "load": LOAD},
        {"truck": "T2", "compartment": 1, "product": "GASOIL", "load": LOAD},
    ],
}
RECEIPT = {
    "document_ref": "RC-0606",
    "convoy": "CV-0602",
    "truck": "T1",
    "compartment": 1,
    "depot": "BKO-SENOU",
    "received_at": "2026-06-06T08:00:00Z",
    "load": {"volume_l": "35800", "temperature_c": "30", "density_kg_m3": "836"},
}


def post(client: TestClient, path: str, body: dict[str, Any], status: int = 201) -> Any:
    response = client.post(f"/api/fuel/{path}", json=body)
    assert response.status_code == status, response.text
    return response.json()
