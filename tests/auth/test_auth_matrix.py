"""Every API route needs one permission, and every role gets exactly what the matrix grants:
a parametrised sweep over the app's routes (so routers added later are covered too)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from auth_support import PASSWORD
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute

from nafolo.api import create_app
from nafolo.auth.roles import (
    ROLE_PERMISSIONS,
    Permission,
    Role,
    allowed,
    permission_matrix_markdown,
)
from nafolo.auth.users import UserStore
from nafolo.auth.web import route_permission
from nafolo.settings import Settings

PUBLIC = {"/login", "/logout", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}
SELF_SERVICE = {"/api/auth/tokens", "/api/auth/tokens/{token_id}"}
"""Any signed-in user manages their own API tokens."""
DOCS = Path(__file__).parents[2] / "docs" / "users-and-roles.md"


def _routes() -> list[tuple[str, str, BaseRoute]]:
    """(method, full path, route) of every route of the app, API or page, nested ones included."""
    app = create_app(Settings(database_url="sqlite://"))
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:
        flat = [(r, getattr(r, "path", ""), getattr(r, "methods", None)) for r in app.routes]
    else:
        flat = [(c.original_route, c.path, c.methods) for c in iter_route_contexts(app.routes)]
    return [
        (method, path, route)
        for route, path, methods in flat
        if methods and path
        for method in sorted(set(methods) - {"HEAD"})
    ]


ROUTES = _routes()
API_ROUTES = [(m, p, r) for m, p, r in ROUTES if isinstance(r, APIRoute) and p.startswith("/api")]
assert len(API_ROUTES) > 30, "the sweep found too few API routes"


def _url(path: str) -> str:
    return re.sub(
        r"\{(\w+)[^}]*\}", lambda m: "999" if m[1] in ("seq", "token_id") else "NOPE", path
    )


def _call(client: TestClient, method: str, path: str) -> tuple[int, dict[str, object]]:
    body = None if method in ("GET", "DELETE") else []  # a JSON array: any body model refuses it
    response = client.request(method, _url(path), json=body, follow_redirects=False)
    is_json = response.headers.get("content-type", "").endswith("json")
    payload = response.json() if is_json and response.content else {}
    return response.status_code, payload if isinstance(payload, dict) else {}


@pytest.fixture
def role_clients(auth_app: FastAPI, users: UserStore) -> dict[Role, TestClient]:
    clients = {}
    for role in Role:
        user = users.create_user(f"{role.value}.sweep", PASSWORD, role)
        token = users.create_token(user.id, "sweep")
        clients[role] = TestClient(auth_app, headers={"Authorization": f"Bearer {token}"})
    return clients


def test_every_api_route_declares_a_permission() -> None:
    undeclared = [f"{m} {p}" for m, p, r in API_ROUTES if route_permission(r) is None]  # type: ignore[arg-type]
    assert undeclared == []


def test_every_api_write_needs_more_than_view() -> None:
    loose = [
        f"{m} {p}"
        for m, p, r in API_ROUTES
        if m != "GET" and p not in SELF_SERVICE and route_permission(r) is Permission.VIEW  # type: ignore[arg-type]
    ]
    assert loose == []


def test_each_role_gets_exactly_what_the_matrix_grants(
    role_clients: dict[Role, TestClient],
) -> None:
    wrong = []
    for method, path, route in API_ROUTES:
        permission = route_permission(route)  # type: ignore[arg-type]
        assert permission is not None
        for role, client in role_clients.items():
            status, body = _call(client, method, path)
            if allowed(role, permission):
                granted = status != 401 and "permission" not in body and status < 500
            else:
                granted = (status, body.get("permission")) != (403, permission.value)
            if granted != allowed(role, permission):
                wrong.append(f"{role.value}: {method} {path} → {status} {body.get('detail')}")
    assert wrong == []


def test_a_viewer_reads_but_never_writes(role_clients: dict[Role, TestClient]) -> None:
    wrong = []
    for method, path, route in API_ROUTES:
        status, _ = _call(role_clients[Role.VIEWER], method, path)
        if method != "GET":
            expected: tuple[int, ...] = (
                (403,) if path not in SELF_SERVICE else (201, 204, 403, 404, 422)
            )
        elif route_permission(route) is Permission.VIEW:  # type: ignore[arg-type]
            expected = (200, 404, 422)
        else:
            expected = (403,)
        if status not in expected:
            wrong.append(f"{method} {path} → {status}")
    assert wrong == []


def test_anonymous_requests_are_refused_except_sign_in_and_docs(browser: TestClient) -> None:
    wrong = []
    for method, path, _ in ROUTES:
        status, body = _call(browser, method, path)
        if path in PUBLIC or "health" in path:
            refused = status == 401
        elif path.startswith("/api"):
            refused = not (status == 401 and body.get("type") == "/problems/unauthenticated")
        else:
            refused = status not in (303, 401, 403)
        if refused:
            wrong.append(f"{method} {path} → {status}")
    assert wrong == []


def test_the_documented_matrix_is_the_code_s() -> None:
    assert permission_matrix_markdown() in DOCS.read_text(encoding="utf-8")


def test_admin_holds_every_permission_and_viewer_only_view() -> None:
    assert ROLE_PERMISSIONS[Role.ADMIN] == frozenset(Permission)
    assert ROLE_PERMISSIONS[Role.VIEWER] == {Permission.VIEW}
