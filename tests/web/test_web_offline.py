"""Offline: every asset is served from this site (no CDN, no external URL in any template or
page), with long cache headers, and the vendored files carry their licences."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient
from web_support import PAGES, read_page

WEB = Path(__file__).resolve().parents[2] / "src" / "nafolo" / "web"
EXTERNAL = re.compile(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)
ASSETS = (
    "css/app.css",
    "js/app.js",
    "vendor/htmx/htmx.min.js",
    "vendor/echarts/echarts.min.js",
    "vendor/world-atlas/west-africa.geo.json",
)


def test_no_template_names_an_external_host() -> None:
    for template in WEB.joinpath("templates").rglob("*.html"):
        found = EXTERNAL.findall(template.read_text(encoding="utf-8"))
        assert not found, f"{template.name}: {found}"


def test_no_page_refers_to_another_host(client: TestClient) -> None:
    for page in PAGES:
        text = client.get(page).text
        assert not re.search(r"https?://", text), page
        for url in read_page(text).urls:
            assert url.startswith(("/", "#", "?")), (page, url)


def test_every_asset_a_page_loads_is_served_here(client: TestClient) -> None:
    reader = read_page(client.get("/").text)
    assets = [u for u in reader.urls if u.startswith("/static/")]
    assert len(assets) >= 4
    for url in assets:
        assert client.get(url).status_code == 200, url


def test_static_files_are_cached_for_long(client: TestClient) -> None:
    for asset in ASSETS:
        response = client.get(f"/static/{asset}")
        assert response.status_code == 200, asset
        assert "max-age=31536000" in response.headers["cache-control"], asset


def test_the_vendored_libraries_carry_their_licences() -> None:
    vendor = WEB / "static" / "vendor"
    for licence in (
        "htmx/LICENSE",
        "echarts/LICENSE",
        "echarts/NOTICE",
        "world-atlas/LICENSE",
        "world-atlas/LICENSE.topojson-client",
    ):
        assert (vendor / licence).stat().st_size > 100, licence


def test_the_map_holds_mali_and_the_port_countries() -> None:
    geo = json.loads((WEB / "static/vendor/world-atlas/west-africa.geo.json").read_text())
    names = {f["properties"]["name"] for f in geo["features"]}
    assert {"Mali", "Senegal", "Côte d'Ivoire", "Guinea", "Togo", "Ghana", "Benin"} <= names
    assert {"Mauritania", "Niger", "Burkina Faso"} <= names
    assert (WEB / "static/vendor/world-atlas/west-africa.geo.json").stat().st_size < 200_000


def test_echarts_is_the_minified_build() -> None:
    assert (WEB / "static/vendor/echarts/echarts.min.js").stat().st_size < 1_500_000
