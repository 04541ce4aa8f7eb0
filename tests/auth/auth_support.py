"""Shared by the auth tests: cheap argon2 parameters, a password that meets the policy, and fuel
operation bodies on the bundled Mali network (a receipt whose transit loss is above tolerance)."""

from __future__ import annotations

import re
from typing import Any

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

PASSWORD = "correct horse battery staple"
SECRET = "auth-tests-secret-" + "s" * 32


def fast_hasher() -> PasswordHasher:
    """argon2id with tiny parameters: the same code path, milliseconds per hash."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


LOAD = {"volume_l": "36000", "temperature_c": "32", "density_kg_m3": "835"}
LIFTING: dict[str, Any] = {
    "document_ref": "BL-0601",
    "contract": "SUPPLY-2026",
    "port": "DAKAR",
    "product": "GASOIL",
    "lifted_at": "2026-06-01T08:00:00Z",
    "quantity_t": "1000",
}
DISPATCH: dict[str, Any] = {
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
LOSSY_RECEIPT: dict[str, Any] = {
    "document_ref": "RC-0606",
    "convoy": "CV-0602",
    "truck": "T1",
    "compartment": 1,
    "depot": "BKO-SENOU",
    "received_at": "2026-06-06T08:00:00Z",
    "load": {"volume_l": "35000", "temperature_c": "32", "density_kg_m3": "835"},
    "actor": "someone.else",
}
"""1000 L short of the 36,000 L loaded at the same temperature and density: ≈ 2.8 % lost."""
CLOSE_RECEIPT: dict[str, Any] = {
    **LOSSY_RECEIPT,
    "document_ref": "RC-0607",
    "truck": "T2",
    "load": {"volume_l": "35990", "temperature_c": "32", "density_kg_m3": "835"},
}
"""10 L short: within the 0.5 % tolerance."""


def form_csrf(html: str) -> str:
    """The value of the page's `csrf_token` input, whatever the order of its attributes."""
    for tag in re.findall(r"<input[^>]*>", html):
        if re.search(r"name=[\"']csrf_token[\"']", tag):
            value = re.search(r"value=[\"']([^\"']*)[\"']", tag)
            assert value is not None, tag
            return value.group(1)
    raise AssertionError(f"no csrf_token input in {html[:500]}")


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign `client` in through the login form; returns the session's CSRF token."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": form_csrf(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    me = client.get("/api/auth/me")
    assert me.status_code == 200, me.text
    return str(me.json()["csrf_token"])
