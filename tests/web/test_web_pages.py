"""Every page renders: sign-in disabled and signed in, French by default, English after the
switch, and refusals for anonymous visitors and roles without the permission."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from web_support import PAGES

from nafolo.auth.roles import Role


@pytest.mark.parametrize("page", PAGES)
def test_each_page_renders_with_sign_in_disabled(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200, response.text[:2000]
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in response.text


def test_each_page_renders_for_a_signed_in_user(signed_in: TestClient) -> None:
    for page in PAGES:
        response = signed_in.get(page)
        assert response.status_code == 200, (page, response.text[:2000])
        assert "Awa Diarra" in response.text, page


def test_pages_are_in_french_by_default(client: TestClient) -> None:
    text = client.get("/").text
    assert "Vue d&#39;ensemble" in text or "Vue d'ensemble" in text
    assert "Carte du réseau" in text
    assert client.get("/").headers["content-language"] == "fr"


def test_the_switch_turns_pages_english_and_back(client: TestClient) -> None:
    switched = client.get("/language/en?next=/fuel/alerts", follow_redirects=False)
    assert switched.status_code == 303
    assert switched.headers["location"] == "/fuel/alerts"
    page = client.get("/fuel/alerts")
    assert '<html lang="en">' in page.text
    assert "<h1>Alerts</h1>" in page.text
    client.get("/language/fr")
    assert "<h1>Alertes</h1>" in client.get("/fuel/alerts").text


def test_the_switch_only_returns_to_this_site(client: TestClient) -> None:
    response = client.get("/language/en?next=//evil.example/x", follow_redirects=False)
    assert response.headers["location"] == "/"


def test_accept_language_english_is_honoured_without_a_choice(client: TestClient) -> None:
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9,fr;q=0.5"})
    assert '<html lang="en">' in page.text


def test_a_signed_in_user_gets_their_language_setting(
    signed_in_as: type[TestClient] | object,
) -> None:
    english = signed_in_as(Role.VIEWER, language="en")  # type: ignore[operator]
    assert '<html lang="en">' in english.get("/").text


def test_the_switch_overrides_the_users_setting(signed_in: TestClient) -> None:
    signed_in.get("/language/en")
    assert '<html lang="en">' in signed_in.get("/ledger").text


def test_anonymous_visitors_are_sent_to_the_login_page(make_app: object) -> None:
    app = make_app(auth_enabled=True)  # type: ignore[operator]
    anonymous = TestClient(app)
    response = anonymous.get("/fuel/plan", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/fuel/plan"
    login = anonymous.get("/login")
    assert login.status_code == 200
    assert 'for="username"' in login.text and 'for="password"' in login.text
    assert '<html lang="fr">' in login.text


def test_a_viewer_sees_the_forms_but_may_not_record(signed_in_as: object) -> None:
    viewer = signed_in_as(Role.VIEWER)  # type: ignore[operator]
    page = viewer.get("/fuel/operations?tab=liftings")
    assert page.status_code == 200
    assert "pas de les enregistrer" in page.text
    refused = viewer.post("/fuel/operations/liftings", data={"document_ref": "X"})
    assert refused.status_code == 403


def test_an_unknown_plan_is_a_404_page(client: TestClient) -> None:
    response = client.get("/fuel/plan/no-such-plan")
    assert response.status_code == 404
    assert "Page introuvable" in response.text


def test_pages_carry_a_strict_content_security_policy(client: TestClient) -> None:
    policy = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert client.get("/").headers["cache-control"] == "no-store"
