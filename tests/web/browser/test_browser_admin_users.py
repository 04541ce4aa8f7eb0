"""The users page in a real browser: an administrator, signed in through /login, creates a user
at the keyboard (labels found by their text, the form sent with Enter), and that user then signs
in. Screenshots of the page and of the new user's first page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import CHROMIUM, dashboard_settings, serving, shoot
from web_support import PASSWORD, fast_hasher

from nafolo.api import create_app
from nafolo.auth.roles import Role
from nafolo.auth.users import UserStore
from nafolo.fuel.network.model import Network

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"browser tests skipped: {CHROMIUM} is absent"
    ),
]
ADMIN = "moussa.admin"
NEW_USER = "awa.kayes"
NEW_PASSWORD = "depot-de-kayes-2026"


@pytest.fixture(scope="module")
def users_server(
    example_sqlite: Path, mali: Network, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The dashboard with sign-in enabled and one administrator."""
    folder = tmp_path_factory.mktemp("browser-users")
    app = create_app(dashboard_settings(example_sqlite, folder, auth_enabled=True), network=mali)
    users = UserStore(app.state.nafolo.engine, hasher=fast_hasher())
    users.create_user(ADMIN, PASSWORD, Role.ADMIN, full_name="Moussa Keïta", language="fr")
    with serving(app) as base:
        yield base
    app.state.nafolo_jobs.shutdown()
    app.state.nafolo.engine.dispose()


def _signed_in(browser: Any, base: str, username: str, password: str) -> Any:
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="fr-FR", base_url=base
    )
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    return page


def test_an_admin_creates_a_user_who_can_then_sign_in(browser: Any, users_server: str) -> None:
    admin = _signed_in(browser, users_server, ADMIN, PASSWORD)
    admin.get_by_role("link", name="Utilisateurs").click()
    admin.wait_for_url("**/admin/users")
    form = admin.get_by_role("region", name="Créer un utilisateur")
    form.get_by_label("Identifiant", exact=True).fill(NEW_USER)
    form.get_by_label("Nom complet", exact=True).fill("Awa Traoré")
    form.get_by_label("Rôle", exact=True).select_option("depot_operator")
    form.get_by_label("Langue", exact=True).select_option("fr")
    form.get_by_label("Mot de passe", exact=True).fill(NEW_PASSWORD)
    form.get_by_label("Mot de passe", exact=True).press("Enter")
    admin.wait_for_load_state()
    row = admin.locator("tr", has_text=NEW_USER)
    assert "opérateur de dépôt" in row.inner_text()
    assert f"Utilisateur {NEW_USER} créé" in admin.content()
    shoot(admin, "users-01-created")
    admin.context.close()

    newcomer = _signed_in(browser, users_server, NEW_USER, NEW_PASSWORD)
    assert "/login" not in newcomer.url, newcomer.content()[:2000]
    assert NEW_USER in newcomer.content() or "Awa Traoré" in newcomer.content()
    assert newcomer.get_by_role("link", name="Utilisateurs").count() == 0
    shoot(newcomer, "users-02-new-user-signed-in")
    newcomer.context.close()
