"""The users page: administrators list, create and deactivate users through the same user
service as `nafolo user create`, every action in the audit log with its actor; anyone else is
refused, and every post needs the CSRF token."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from web_support import csrf_of

from nafolo.auth.roles import Role
from nafolo.auth.users import AuthEvent, UserStore

RoleClient = Callable[..., TestClient]
NEW_PASSWORD = "kayes-depot-2026"


@pytest.fixture
def newcomer() -> str:
    """A username no other test uses (on PostgreSQL the web tests share one store)."""
    return f"oumar.{uuid.uuid4().hex[:8]}"


def _username(client: TestClient) -> str:
    return str(client.get("/api/auth/me").json()["username"])


def _users(client: TestClient) -> UserStore:
    users = client.app.state.nafolo.users  # type: ignore[attr-defined]
    assert isinstance(users, UserStore)
    return users


def _create(client: TestClient, **fields: str) -> Response:
    token = csrf_of(client.get("/admin/users").text)
    form = {"role": "depot_operator", "language": "fr", "password": NEW_PASSWORD, **fields}
    return client.post("/admin/users", data={**form, "csrf_token": token}, follow_redirects=False)


def test_an_admin_sees_every_user_with_a_translated_role(signed_in_as: RoleClient) -> None:
    admin = signed_in_as(Role.ADMIN)
    page = admin.get("/admin/users")
    assert page.status_code == 200
    assert _username(admin) in page.text
    assert "administrateur" in page.text


def test_an_admin_creates_a_user_who_can_sign_in(signed_in_as: RoleClient, newcomer: str) -> None:
    admin = signed_in_as(Role.ADMIN)
    response = _create(admin, username=newcomer, full_name="Oumar Sidibé")
    assert response.status_code == 303
    user = _users(admin).authenticate(newcomer, NEW_PASSWORD)
    assert user is not None and user.role == Role.DEPOT_OPERATOR


def test_a_user_created_on_the_page_is_recorded_with_the_admin_as_actor(
    signed_in_as: RoleClient, newcomer: str
) -> None:
    admin = signed_in_as(Role.ADMIN)
    _create(admin, username=newcomer)
    (event,) = _users(admin).events(event=AuthEvent.USER_CREATED, subject=newcomer)
    assert (event.actor, event.detail) == (_username(admin), "depot_operator")


def test_a_refused_user_is_shown_beside_the_field_and_not_created(
    signed_in_as: RoleClient, newcomer: str
) -> None:
    admin = signed_in_as(Role.ADMIN)
    response = _create(admin, username=newcomer, password="short")
    assert response.status_code == 422
    assert 'id="password-error"' in response.text
    assert _users(admin).by_username(newcomer) is None


def test_an_admin_deactivates_a_user_who_can_no_longer_sign_in(
    signed_in_as: RoleClient, newcomer: str
) -> None:
    admin = signed_in_as(Role.ADMIN)
    _create(admin, username=newcomer)
    token = csrf_of(admin.get("/admin/users").text)
    response = admin.post(
        f"/admin/users/{newcomer}/deactivate",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert _users(admin).authenticate(newcomer, NEW_PASSWORD) is None
    (event,) = _users(admin).events(event=AuthEvent.USER_DEACTIVATED, subject=newcomer)
    assert event.actor == _username(admin)


def test_an_admin_cannot_deactivate_themselves(signed_in_as: RoleClient) -> None:
    admin = signed_in_as(Role.ADMIN)
    me = _username(admin)
    token = csrf_of(admin.get("/admin/users").text)
    admin.post(f"/admin/users/{me}/deactivate", data={"csrf_token": token})
    user = _users(admin).by_username(me)
    assert user is not None and user.active


def test_a_non_admin_is_refused_the_users_page(signed_in_as: RoleClient) -> None:
    planner = signed_in_as(Role.PLANNER)
    assert planner.get("/admin/users").status_code == 403


def test_a_non_admin_cannot_create_a_user(signed_in_as: RoleClient) -> None:
    planner = signed_in_as(Role.COMPLIANCE_OFFICER)
    token = csrf_of(planner.get("/fuel/plan").text)
    form = {"username": "intrus", "role": "admin", "language": "fr", "password": NEW_PASSWORD}
    response = planner.post("/admin/users", data={**form, "csrf_token": token})
    assert response.status_code == 403
    assert _users(planner).by_username("intrus") is None


def test_a_user_post_without_the_csrf_token_is_refused(
    signed_in_as: RoleClient, newcomer: str
) -> None:
    admin = signed_in_as(Role.ADMIN)
    form = {"username": newcomer, "role": "viewer", "language": "fr"}
    response = admin.post("/admin/users", data={**form, "password": NEW_PASSWORD})
    assert response.status_code == 403
    assert _users(admin).by_username(newcomer) is None


def test_the_users_page_is_in_the_navigation_of_admins_only(signed_in_as: RoleClient) -> None:
    assert 'href="/admin/users"' in signed_in_as(Role.ADMIN).get("/").text
    assert 'href="/admin/users"' not in signed_in_as(Role.VAULT_KEEPER).get("/").text
