"""Gold API steps shared by the tests/api/test_api_gold_* files: a depositor approved by due
diligence, a lot received, assayed, settled, refined and cast, each through the API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

DEPOSITOR = {
    "depositor_id": "SYAMA",
    "name": "Société des Mines de Syama",
    "depositor_type": "industrial mine",
}
ORIGIN = {
    "origin_id": "SYAMA-PIT",
    "depositor_id": "SYAMA",
    "site": "Syama",
    "country": "ML",
    "region": "Sikasso",
    "latitude": "10.80",
    "longitude": "-6.10",
    "scale": "large-scale mined",
    "licence_number": "PE-99",
    "licence_kind": "mining permit",
    "licence_expires_on": "2030-01-01",
}
LOT = {
    "lot_id": "L1",
    "depositor_id": "SYAMA",
    "origin_id": "SYAMA-PIT",
    "arrived_on": "2026-06-02",
    "declared_gross_g": "14000",
    "declared_au_per_mille": "950",
    "declared_ag_per_mille": "40",
    "seal_numbers": ["S-0001"],
}


def ok(response: Any, status: int = 201) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def register_depositor(
    client: TestClient, depositor_id: str = "SYAMA", origin_id: str | None = None
) -> None:
    """A mine with a verified 80 % owner, a valid export licence and one Sikasso origin."""
    ok(client.post("/api/gold/depositors", json={**DEPOSITOR, "depositor_id": depositor_id}))
    owner = {"depositor_id": depositor_id, "name": "Resolute", "share_pct": "80"}
    ok(client.post("/api/gold/beneficial-owners", json={**owner, "identity_verified": True}))
    licence = {
        "depositor_id": depositor_id,
        "number": f"EXP-{depositor_id}",
        "kind": "export",
        "valid_from": "2026-01-01",
        "expires_on": "2027-12-31",
    }
    ok(client.post("/api/gold/licences", json=licence))
    origin_id = origin_id or f"{depositor_id}-PIT"
    origin = {**ORIGIN, "origin_id": origin_id, "depositor_id": depositor_id}
    ok(client.post("/api/gold/origins", json=origin))


def approve(
    client: TestClient, depositor_id: str = "SYAMA", on: str = "2026-06-01"
) -> dict[str, Any]:
    body = {"depositor_id": depositor_id, "assessed_on": on}
    return dict(ok(client.post("/api/gold/assessments", json=body)))


def received_lot(client: TestClient, lot_id: str = "L1") -> dict[str, Any]:
    """An approved depositor's lot, registered and weighed in on a calibrated scale."""
    scale = {
        "scale_id": "SC1",
        "calibrated_on": "2026-01-01",
        "calibration_valid_until": "2026-12-31",
    }
    if client.get("/api/gold/lots", params={"limit": 1}).json()["total"] == 0:
        ok(client.post("/api/gold/scales", json=scale))
    ok(client.post("/api/gold/lots", json={**LOT, "lot_id": lot_id}))
    weighing = {
        "lot_id": lot_id,
        "scale_id": "SC1",
        "weighed_at": "2026-06-02T09:00:00Z",
        "gross_g": "14010",
        "tare_g": "10",
    }
    return dict(ok(client.post("/api/gold/weighings", json=weighing)))


def assayed(client: TestClient, lab: TestClient, lot_id: str = "L1") -> dict[str, Any]:
    """Samples sealed and both parties' results entered by `lab`; the exchange run."""
    samples = {
        "lot_id": lot_id,
        **{
            role: {"sample_id": f"{lot_id}-{role[0].upper()}", "seal_number": f"SL-{lot_id}-{i}"}
            for i, role in enumerate(("refiner", "depositor", "umpire"))
        },
        "sampled_at": "2026-06-02T11:00:00",
    }
    ok(client.post("/api/gold/samples", json=samples))
    for role, au in (("refiner", ["950.10", "950.12"]), ("depositor", ["950.20"])):
        assay = {
            "lot_id": lot_id,
            "role": role,
            "laboratory": "Lab Sénou" if role == "refiner" else "Alfred H Knight",
            "method": "fire assay (cupellation, ISO 11426)",
            "au_replicates_per_mille": au,
            "ag_replicates_per_mille": ["40.0"],
            "assayed_at": "2026-06-04T15:00:00Z",
        }
        ok(lab.post("/api/gold/assays", json=assay))
    exchange = {"at": "2026-06-05T09:00:00Z"}
    return dict(ok(client.post(f"/api/gold/lots/{lot_id}/exchange", json=exchange), 200))


def settled(client: TestClient, lab: TestClient, lot_id: str = "L1") -> dict[str, Any]:
    """Received, assayed by `lab`, settled by `client` (another person)."""
    received_lot(client, lot_id)
    assayed(client, lab, lot_id)
    return dict(ok(client.post(f"/api/gold/lots/{lot_id}/settlement")))


def cast(client: TestClient, lot_id: str = "L1", batch_id: str = "B1") -> dict[str, Any]:
    """The lot refined in one batch into one Good Delivery bar (420.082 fine oz), the rest
    stock-taken in process, the batch closed."""
    plan = {"batch_id": batch_id, "planned_on": "2026-06-10", "inputs": [{"lot_id": lot_id}]}
    batch = ok(client.post("/api/gold/batches", json=plan))
    if client.get("/api/gold/bars", params={"limit": 1}).json()["total"] == 0:
        ok(client.post("/api/gold/locations", json={"code": "VAULT-A", "name": "Vault A"}))
    bars = {
        "batch_id": batch_id,
        "location": "VAULT-A",
        "cast_at": "2026-06-12T10:00:00Z",
        "bars": [
            {"serial": f"A{batch_id}", "scale_reading_oz": "420.127", "fineness_per_mille": "999.9"}
        ],
    }
    (bar,) = ok(client.post("/api/gold/bars", json=bars))
    fine_in = sum(Decimal(i["fine_au_oz"]) for i in batch["inputs"])
    rest = fine_in - Decimal(bar["fine_oz"])
    close = {"in_process_au_oz": str(rest)}
    closed = ok(client.post(f"/api/gold/batches/{batch_id}/close", json=close), 200)
    return {"bar": bar, "batch": closed}
