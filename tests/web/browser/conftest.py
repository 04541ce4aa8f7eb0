"""Browser fixtures: the dashboard served by uvicorn on a free local port (sign-in disabled, the
example operations in a SQLite store) and Debian's Chromium driven by Playwright, headless.

Skipped, with the reason shown, where /usr/bin/chromium is absent. Screenshots go to
tests-artifacts/screenshots/ at the repository root (git-ignored)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, dashboard_settings, serving

from nafolo.api import create_app
from nafolo.fuel.network.model import Network


@pytest.fixture(scope="module")
def server(
    example_sqlite: Path, mali: Network, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The dashboard at http://127.0.0.1:<port> over a copy of the example store."""
    folder = tmp_path_factory.mktemp("browser")
    app = create_app(dashboard_settings(example_sqlite, folder, auth_enabled=False), network=mali)
    with serving(app) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests skipped: {CHROMIUM} is absent (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    """A new page (1366×900, French browser) whose requests may only go to the server."""
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="fr-FR", base_url=server
    )
    blocked: list[str] = []

    def only_local(route: Any) -> None:
        if route.request.url.startswith(server):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert not blocked, f"requests to other hosts: {blocked}"
    assert not errors, f"JavaScript errors: {errors}"
