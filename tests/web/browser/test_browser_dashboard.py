"""The dashboard in a real browser (headless Chromium): the map draws offline, a plan runs and
shows its chart, a receipt recorded with the keyboard changes the depot's stock, and the switch
turns the pages English."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from browser_support import CHROMIUM, shoot

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"browser tests skipped: {CHROMIUM} is absent"
    ),
]
RENDERED = '[data-rendered="1"]'


def test_the_overview_map_draws_offline(page: Any) -> None:
    page.goto("/")
    chart = page.locator(f'[data-chart="map-option"]{RENDERED}')
    chart.wait_for(timeout=20_000)
    assert chart.locator("canvas").count() >= 1
    assert page.locator("html").get_attribute("lang") == "fr"
    assert Path(shoot(page, "overview")).stat().st_size > 10_000


def test_a_plan_runs_and_its_chart_shows(page: Any) -> None:
    page.goto("/fuel/plan")
    page.get_by_label("Horizon (semaines)").fill("2")
    page.get_by_label("Premier jour de la semaine 1").fill("2026-02-02")
    page.get_by_role("button", name="Calculer le plan").click()
    page.locator("progress").first.wait_for(timeout=10_000)
    page.wait_for_url(re.compile(r"/fuel/plan/20260202-2w-"), timeout=120_000)
    page.locator(f'[data-chart="plan-flows"]{RENDERED}').wait_for(timeout=20_000)
    assert page.get_by_role("heading", name="Contraintes saturées").is_visible()
    shoot(page, "plan-result")


def _gasoil_at_senou(page: Any) -> str:
    return str(
        page.evaluate(
            "() => fetch('/api/fuel/stocks?depot=BKO-SENOU&product=GASOIL')"
            ".then(r => r.json()).then(j => j.items[0].stock_t)"
        )
    )


def test_a_receipt_typed_at_the_keyboard_changes_the_stock(page: Any) -> None:
    page.goto("/fuel/operations?tab=receipts")
    before = _gasoil_at_senou(page)
    page.get_by_label("Convoi", exact=True).select_option("CV-0301")
    page.get_by_role("link", name="Remplir le formulaire").first.click()
    page.wait_for_url(re.compile(r"truck=ML-2201-301"))
    page.get_by_label("Référence du document").fill("REC-CV-0301-BROWSER")
    page.get_by_label("Dépôt", exact=True).select_option("BKO-SENOU")
    page.get_by_label("Reçu le (UTC)").fill("2026-01-27T09:30")
    page.get_by_label("Volume observé (L)").fill("15000")
    page.get_by_label("Température (°C)").fill("31,2")
    density = page.get_by_label("Masse volumique à l'aréomètre (kg/m³)")
    density.fill("833,2")
    density.press("Enter")
    page.get_by_text("Réception enregistrée.").wait_for(timeout=15_000)
    after = _gasoil_at_senou(page)
    assert float(after) - float(before) > 12
    shoot(page, "receipt-recorded")
    page.goto("/")
    page.locator(f'[data-chart="map-option"]{RENDERED}').wait_for(timeout=20_000)
    shoot(page, "overview-after-receipt")


def test_the_switch_turns_the_pages_english(page: Any) -> None:
    page.goto("/fuel/alerts")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"/fuel/alerts$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Alerts", exact=True).is_visible()
    page.goto("/")
    page.locator(f'[data-chart="map-option"]{RENDERED}').wait_for(timeout=20_000)
    shoot(page, "overview-english")
