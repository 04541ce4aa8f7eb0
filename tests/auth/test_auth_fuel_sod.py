"""Separation of duties for fuel: whoever records a receipt cannot approve its loss write-off;
and the actor recorded is always the authenticated user, never a name sent by the client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from auth_support import CLOSE_RECEIPT, DISPATCH, LIFTING, LOSSY_RECEIPT
from fastapi.testclient import TestClient

from nafolo.auth.roles import Role

WRITE_OFFS = "/api/fuel/loss-write-offs"
APPROVE = WRITE_OFFS + "/RC-0606/approve"


def _post(client: TestClient, path: str, body: dict[str, Any]) -> Any:
    response = client.post(f"/api/fuel/{path}", json=body)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def admin(as_role: Callable[..., TestClient]) -> TestClient:
    """An admin (fuel_operate and fuel_approve_loss) who records a lossy and a close receipt."""
    client = as_role(Role.ADMIN, "fanta.admin")
    _post(client, "liftings", LIFTING)
    _post(client, "convoys", DISPATCH)
    lossy = _post(client, "receipts", LOSSY_RECEIPT)
    assert lossy["variance"]["above_tolerance"] is True
    close = _post(client, "receipts", CLOSE_RECEIPT)
    assert close["variance"]["above_tolerance"] is False
    return client


def test_the_recorded_actor_is_the_signed_in_user(admin: TestClient) -> None:
    entries = admin.get("/api/ledger/entries", params={"kind": "transit_loss"}).json()["items"]
    assert {e["actor"] for e in entries} == {"fanta.admin"}


def test_a_loss_above_tolerance_awaits_approval(admin: TestClient) -> None:
    [pending] = admin.get(WRITE_OFFS, params={"pending": True}).json()["items"]
    assert (pending["document_ref"], pending["recorded_by"]) == ("RC-0606", "fanta.admin")
    assert pending["approved_by"] is None
    assert float(pending["loss_t"]) > 0.5


def test_the_receipt_s_recorder_cannot_approve_its_write_off(admin: TestClient) -> None:
    response = admin.post(APPROVE)
    assert response.status_code == 403
    problem = response.json()
    assert problem["type"] == "/problems/separation-of-duties"
    assert problem["rule"] == "whoever records a receipt cannot approve its loss write-off"
    assert "fanta.admin recorded receipt RC-0606" in problem["detail"]
    assert admin.get(WRITE_OFFS, params={"pending": True}).json()["items"] != []


def test_another_user_approves_and_is_recorded_as_approver(
    admin: TestClient, as_role: Callable[..., TestClient]
) -> None:
    officer = as_role(Role.COMPLIANCE_OFFICER, "ibrahim.officer")
    response = officer.post(APPROVE, json={"note": "road accident report on file"})
    assert response.status_code == 201, response.text
    write_off = response.json()["write_off"]
    assert (write_off["approved_by"], write_off["note"]) == (
        "ibrahim.officer",
        "road accident report on file",
    )
    assert admin.get(WRITE_OFFS, params={"pending": True}).json()["items"] == []
    again = officer.post(APPROVE)
    assert (again.status_code, again.json()["replayed"]) == (200, True)


def test_a_depot_operator_may_not_approve_write_offs(
    admin: TestClient, as_role: Callable[..., TestClient]
) -> None:
    response = as_role(Role.DEPOT_OPERATOR).post(APPROVE)
    assert (response.status_code, response.json()["permission"]) == (403, "fuel_approve_loss")


def test_a_loss_within_tolerance_needs_no_approval(
    admin: TestClient, as_role: Callable[..., TestClient]
) -> None:
    response = as_role(Role.COMPLIANCE_OFFICER).post(WRITE_OFFS + "/RC-0607/approve")
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "document_ref"


def test_nobody_corrects_a_ledger_entry_they_recorded(admin: TestClient) -> None:
    [entry] = admin.get("/api/ledger/entries", params={"kind": "lifting"}).json()["items"]
    response = admin.post(
        f"/api/ledger/entries/{entry['seq']}/correction", json={"actor": "x", "reason": "typo"}
    )
    assert response.status_code == 403
    assert response.json()["type"] == "/problems/separation-of-duties"


def test_write_offs_are_listed_a_page_at_a_time(admin: TestClient) -> None:
    page = admin.get(WRITE_OFFS, params={"limit": 1, "offset": 0}).json()
    assert (len(page["items"]), page["total"], page["limit"]) == (1, 1, 1)
    assert admin.get(WRITE_OFFS, params={"offset": 1}).json()["items"] == []
