"""Sign-in, sessions, cookies, CSRF and API tokens over HTTP."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from auth_support import PASSWORD, form_csrf, sign_in
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from nafolo.api import create_app
from nafolo.auth.roles import Role
from nafolo.auth.users import AuthEvent, UserStore
from nafolo.auth.web import SESSION_COOKIE
from nafolo.settings import Settings

VERIFY = "/api/ledger/verify"


@pytest.fixture
def awa(users: UserStore) -> str:
    users.create_user("awa", PASSWORD, Role.COMPLIANCE_OFFICER)
    return "awa"


def test_signing_in_sets_a_protected_session_cookie(browser: TestClient, awa: str) -> None:
    page = browser.get("/login")
    response = browser.post(
        "/login",
        data={"username": awa, "password": PASSWORD, "csrf_token": form_csrf(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    me = browser.get("/api/auth/me").json()
    assert (me["username"], me["role"]) == ("awa", "compliance_officer")
    assert "ledger_verify" in me["permissions"]


def test_a_session_cookie_is_secure_over_https(auth_app: FastAPI, awa: str) -> None:
    browser = TestClient(auth_app, base_url="https://nafolo.example")
    page = browser.get("/login")
    response = browser.post(
        "/login",
        data={"username": awa, "password": PASSWORD, "csrf_token": form_csrf(page.text)},
        follow_redirects=False,
    )
    assert "Secure" in response.headers["set-cookie"]


def test_next_goes_back_to_the_page_asked_for_but_never_off_site(
    browser: TestClient, awa: str
) -> None:
    for target, landing in (("/fuel/stocks?depot=KAYES", "/fuel/stocks?depot=KAYES"),
                            ("//evil.example/x", "/"), ("https://evil.example", "/")):  # fmt: skip
        browser.cookies.clear()
        page = browser.get("/login")
        response = browser.post(
            "/login",
            data={
                "username": awa,
                "password": PASSWORD,
                "next": target,
                "csrf_token": form_csrf(page.text),
            },
            follow_redirects=False,
        )
        assert response.headers["location"] == landing


def test_a_wrong_password_is_refused_and_audited(
    browser: TestClient, users: UserStore, awa: str
) -> None:
    page = browser.get("/login")
    response = browser.post(
        "/login",
        data={"username": awa, "password": "wrong password", "csrf_token": form_csrf(page.text)},
    )
    assert response.status_code == 401
    assert "incorrect" in response.text
    assert SESSION_COOKIE not in browser.cookies
    [failed] = users.events(event=AuthEvent.LOGIN_FAILED)
    assert (failed.subject, failed.ip) == ("awa", "testclient")


def test_five_failures_lock_the_login_even_with_the_right_password(
    browser: TestClient, users: UserStore, awa: str
) -> None:
    token = form_csrf(browser.get("/login").text)
    for _ in range(5):
        browser.post("/login", data={"username": awa, "password": "nope", "csrf_token": token})
    response = browser.post(
        "/login", data={"username": awa, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 429
    assert "60 s" in response.text
    assert SESSION_COOKIE not in browser.cookies
    assert users.events(event=AuthEvent.LOGIN_LOCKED)


def test_a_login_without_its_csrf_token_is_refused(browser: TestClient, awa: str) -> None:
    browser.get("/login")
    response = browser.post("/login", data={"username": awa, "password": PASSWORD})
    assert response.status_code == 403
    assert SESSION_COOKIE not in browser.cookies


def test_a_tampered_session_cookie_signs_nobody_in(browser: TestClient, awa: str) -> None:
    sign_in(browser, awa)
    cookie = browser.cookies[SESSION_COOKIE]
    payload, _, signature = cookie.rpartition(".")
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    browser.cookies.clear()
    browser.cookies.set(SESSION_COOKIE, forged)
    response = browser.get("/api/auth/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


def test_a_cookie_signed_with_another_key_signs_nobody_in(
    auth_app: FastAPI, auth_settings: Settings, awa: str
) -> None:
    browser = TestClient(auth_app)
    sign_in(browser, awa)
    other = create_app(auth_settings.model_copy(update={"secret_key": SecretStr("x" * 40)}))
    stranger = TestClient(other, cookies={SESSION_COOKIE: browser.cookies[SESSION_COOKIE]})
    assert stranger.get("/api/auth/me").status_code == 401


def test_a_cookie_write_without_the_csrf_header_is_refused(browser: TestClient, awa: str) -> None:
    sign_in(browser, awa)
    response = browser.post(VERIFY)
    assert response.status_code == 403
    assert response.json()["type"] == "/problems/csrf"


def test_a_cookie_write_with_the_csrf_header_passes(browser: TestClient, awa: str) -> None:
    csrf = sign_in(browser, awa)
    assert browser.post(VERIFY, headers={"X-CSRF-Token": csrf}).status_code == 200
    forged = csrf[:-1] + ("1" if csrf[-1] == "0" else "0")
    assert browser.post(VERIFY, headers={"X-CSRF-Token": forged}).status_code == 403


def test_a_write_from_another_site_is_refused(browser: TestClient, awa: str) -> None:
    csrf = sign_in(browser, awa)
    response = browser.post(
        VERIFY, headers={"X-CSRF-Token": csrf, "Origin": "https://evil.example"}
    )
    assert response.status_code == 403


def test_a_write_from_the_proxied_public_host_passes(browser: TestClient, awa: str) -> None:
    csrf = sign_in(browser, awa)
    headers = {
        "X-CSRF-Token": csrf,
        "Origin": "https://nafolo.mines.gouv.ml",
        "X-Forwarded-Host": "nafolo.mines.gouv.ml",
    }
    assert browser.post(VERIFY, headers=headers).status_code == 200


def test_signing_in_again_closes_the_previous_session(browser: TestClient, awa: str) -> None:
    sign_in(browser, awa)
    first = browser.cookies[SESSION_COOKIE]
    sign_in(browser, awa)
    assert browser.cookies[SESSION_COOKIE] != first
    stale = TestClient(browser.app, cookies={SESSION_COOKIE: first})
    assert stale.get("/api/auth/me").status_code == 401


def test_a_bearer_token_needs_no_csrf_token(as_role: object) -> None:
    client = as_role(Role.COMPLIANCE_OFFICER)  # type: ignore[operator]
    assert client.post(VERIFY).status_code == 200


def test_logging_out_ends_the_session_server_side(browser: TestClient, awa: str) -> None:
    csrf = sign_in(browser, awa)
    cookie = browser.cookies[SESSION_COOKIE]
    response = browser.post("/logout", headers={"X-CSRF-Token": csrf}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/login")
    replayed = TestClient(browser.app, cookies={SESSION_COOKIE: cookie})
    assert replayed.get("/api/auth/me").status_code == 401


def test_a_signed_in_user_creates_a_token_that_works_once_shown(
    browser: TestClient, awa: str
) -> None:
    csrf = sign_in(browser, awa)
    created = browser.post(
        "/api/auth/tokens", json={"name": "verification job"}, headers={"X-CSRF-Token": csrf}
    )
    assert created.status_code == 201, created.text
    token = created.json()["token"]
    program = TestClient(browser.app, headers={"Authorization": f"Bearer {token}"})
    assert program.get("/api/auth/me").json()["username"] == "awa"
    listed = browser.get("/api/auth/tokens").json()
    assert [t["name"] for t in listed] == ["verification job"]
    assert "token" not in listed[0]


def test_a_token_cannot_mint_another_token(as_role: object) -> None:
    client = as_role(Role.ADMIN)  # type: ignore[operator]
    response = client.post("/api/auth/tokens", json={"name": "more"})
    assert response.status_code == 403


def test_a_revoked_token_is_refused_at_once(browser: TestClient, awa: str) -> None:
    csrf = sign_in(browser, awa)
    headers = {"X-CSRF-Token": csrf}
    created = browser.post("/api/auth/tokens", json={"name": "job"}, headers=headers).json()
    program = TestClient(browser.app, headers={"Authorization": f"Bearer {created['token']}"})
    assert program.get("/api/auth/me").status_code == 200
    assert browser.delete(f"/api/auth/tokens/{created['id']}", headers=headers).status_code == 204
    assert program.get("/api/auth/me").status_code == 401


def test_a_bad_bearer_token_is_a_401_problem(browser: TestClient) -> None:
    response = browser.get("/api/fuel/stocks", headers={"Authorization": "Bearer nfl_forged"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["type"] == "/problems/unauthenticated"


def test_a_role_change_applies_to_the_next_request(
    browser: TestClient, users: UserStore, awa: str
) -> None:
    csrf = sign_in(browser, awa)
    users.set_role(awa, Role.VIEWER, actor="admin")
    response = browser.post(VERIFY, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 403
    assert response.json()["permission"] == "ledger_verify"


def test_without_auth_every_request_acts_as_the_local_admin(store_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=store_url, data_dir=tmp_path, auth_enabled=False)
    client = TestClient(create_app(settings))
    assert client.get("/api/auth/me").json()["username"] == "local"
    assert client.post(VERIFY).status_code == 200


def test_the_generated_secret_key_is_kept_private_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    key = settings.session_secret()
    path = tmp_path / "data" / "secret_key"
    assert path.read_text().strip() == key and len(key) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Settings(data_dir=tmp_path / "data").session_secret() == key


def test_responses_carry_security_headers(browser: TestClient) -> None:
    headers = browser.get("/login").headers
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
