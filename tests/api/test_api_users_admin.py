"""/api/auth/users is for administrators only: anyone else is refused."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from nafolo.auth.roles import Role

ClientAs = Callable[..., TestClient]


def test_a_non_admin_is_refused_the_user_list(client_as: ClientAs) -> None:
    response = client_as(Role.COMPLIANCE_OFFICER).get("/api/auth/users")
    assert response.status_code == 403


def test_an_admin_lists_the_users(client: TestClient) -> None:
    response = client.get("/api/auth/users")
    assert response.status_code == 200
    assert "admin" in [u["username"] for u in response.json()]
