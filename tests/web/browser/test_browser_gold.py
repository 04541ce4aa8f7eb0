"""The refinery's forms in a real browser, signed in through the /login form as created users:
a lot received, assayed and settled by a second person (the assayer's approval refused with the
separation-of-duties message), and a viewer neither offered an operator's form nor allowed to
post it. Screenshots at each step."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import CHROMIUM, serving, shoot
from web_support import PASSWORD, SECRET, copy_sqlite, fast_hasher, seed_gold

from nafolo.api import create_app
from nafolo.auth.roles import Role
from nafolo.auth.users import UserStore
from nafolo.fuel.network.model import Network
from nafolo.settings import Settings

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"browser tests skipped: {CHROMIUM} is absent"
    ),
]
USERS = {
    "awa.operatrice": Role.REFINERY_OPERATOR,
    "moussa.admin": Role.ADMIN,
    "fanta.conformite": Role.COMPLIANCE_OFFICER,
    "issa.lecteur": Role.VIEWER,
}


@pytest.fixture(scope="module")
def gold_server(
    example_sqlite: Path, mali: Network, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The dashboard with sign-in enabled over the refinery's example, with one user per role."""
    folder = tmp_path_factory.mktemp("browser-gold")
    url = copy_sqlite(example_sqlite, folder)
    seed_gold(url, folder)
    settings = Settings(
        database_url=url,
        data_dir=folder / "data",
        auth_enabled=True,
        secret_key=SECRET,  # type: ignore[arg-type]
    )
    app = create_app(settings, network=mali)
    users = UserStore(app.state.nafolo.engine, hasher=fast_hasher())
    for username, role in USERS.items():
        users.create_user(username, PASSWORD, role, full_name=username, language="fr")
    with serving(app) as base:
        yield base
    app.state.nafolo_jobs.shutdown()
    app.state.nafolo.engine.dispose()


@pytest.fixture
def person(browser: Any, gold_server: str) -> Iterator[Any]:
    """`person(username)`: a page in its own browser context, signed in through /login."""
    contexts: list[Any] = []

    def sign_in(username: str) -> Any:
        context = browser.new_context(
            viewport={"width": 1366, "height": 900}, locale="fr-FR", base_url=gold_server
        )
        contexts.append(context)
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Identifiant").fill(username)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()
        assert "/login" not in page.url, page.content()[:2000]
        return page

    yield sign_in
    for context in contexts:
        context.close()


def test_a_lot_is_received_assayed_and_settled_by_a_second_person(person: Any) -> None:
    lot_id = f"L-BR-{uuid.uuid4().hex[:6].upper()}"
    operator = person("awa.operatrice")
    operator.goto("/gold?tab=lots")
    form = operator.locator("#form-register_lot")
    form.get_by_label("Lot", exact=True).fill(lot_id)
    form.get_by_label("Déposant", exact=True).fill("DEP-EXAMPLE")
    form.get_by_label("Origine (site minier)").fill("OR-EXAMPLE")
    form.get_by_label("Arrivé le").fill("2026-01-20")
    form.get_by_label("Poids brut déclaré (g)").fill("10 000")
    form.get_by_label("Titre en or déclaré (‰)").fill("900")
    form.get_by_label("Numéros de scellés").fill("S-1")
    shoot(operator, "gold-01-register-lot")
    form.get_by_role("button", name="Enregistrer le lot").click()
    operator.wait_for_url(f"**/gold/lots/{lot_id}")
    receive = operator.locator("#form-receive")
    receive.get_by_label("Balance").fill("SC-1")
    receive.get_by_label("Pesé le (UTC)").fill("2026-01-20T09:00")
    receive.get_by_label("Poids brut (g)").fill("10 010")
    receive.get_by_label("Tare (g)").fill("10")
    with operator.expect_navigation():
        receive.get_by_label("Tare (g)").press("Enter")
    operator.locator("#form-samples").wait_for()
    shoot(operator, "gold-02-received")

    assayer = person("moussa.admin")
    assayer.goto(f"/gold/lots/{lot_id}")
    samples = assayer.locator("#form-samples")
    for n, field in enumerate(samples.locator("input[type=text]").all()):
        field.fill(f"{lot_id}-{n}")
    with assayer.expect_navigation():
        samples.get_by_role("button", name="Sceller les échantillons").click()
    for role in ("refiner", "depositor"):
        assay = assayer.locator("#form-assay")
        assay.wait_for()
        assay.get_by_label("Résultat de").select_option(role)
        assay.get_by_label("Laboratoire").fill("Labo SENOU")
        assay.get_by_label("Or, répétition 1 (‰)").fill("900,0")
        assay.get_by_label("Or, répétition 2 (‰)").fill("900,1")
        assay.get_by_label("Argent, répétition 1 (‰)").fill("50")
        with assayer.expect_navigation():
            assay.get_by_role("button", name="Enregistrer l'analyse").click()
    shoot(assayer, "gold-03-assays")
    with assayer.expect_navigation():
        exchange = assayer.locator("#form-exchange")
        exchange.get_by_role("button", name="Échanger les résultats").click()
    settle = assayer.locator("#form-settle")
    settle.wait_for()
    assert "séparation des tâches" in settle.inner_text()
    settle.get_by_role("button", name="Approuver le règlement").click()
    assayer.locator("#approver-error").wait_for()
    assert "separation of duties" in assayer.locator("#approver-error").inner_text()
    shoot(assayer, "gold-04-assayer-refused")

    approver = person("fanta.conformite")
    approver.goto(f"/gold/lots/{lot_id}")
    approver.locator("#form-settle").get_by_role("button", name="Approuver le règlement").click()
    approver.get_by_text("Règlement approuvé.").wait_for()
    assert approver.locator("#settlement-title").is_visible()
    assert (
        "fanta.conformite"
        in approver.locator("section[aria-labelledby=settlement-title]").inner_text()
    )
    shoot(approver, "gold-05-settled")


def test_a_viewer_is_not_offered_an_operators_form_and_is_refused(person: Any) -> None:
    viewer = person("issa.lecteur")
    viewer.goto("/gold?tab=lots")
    assert viewer.locator('form[action="/gold/forms/register_lot"]').count() == 0
    assert "Votre rôle ne permet pas d'enregistrer des lots" in viewer.content()
    shoot(viewer, "gold-06-viewer")
    token = viewer.locator("input[name=csrf_token]").first.get_attribute("value")
    response = viewer.request.post(
        "/gold/forms/register_lot",
        form={"csrf_token": token, "lot_id": "L-VIEWER", "depositor_id": "DEP-EXAMPLE"},
    )
    assert response.status == 403
