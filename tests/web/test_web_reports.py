"""The reports page offers each monthly report as a form whose fields the reports API accepts."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from web_support import read_page, seed_gold


def _fields(client: TestClient, action: str) -> set[str]:
    reader = read_page(client.get("/reports").text)
    form = next(f for f in reader.forms if f.attrs.get("action") == action)
    return {str(c.attrs["name"]) for c in form.controls if c.attrs.get("name")}


def test_the_fuel_report_form_downloads_the_report(client: TestClient) -> None:
    assert _fields(client, "/api/reports/fuel-monthly") == {"period", "format", "lang"}
    response = client.get(
        "/api/reports/fuel-monthly", params={"period": "2026-02", "format": "xlsx", "lang": "fr"}
    )
    assert response.status_code == 200, response.text[:1000]
    assert "attachment" in response.headers["content-disposition"]


def test_the_reports_page_defaults_to_the_month_of_the_latest_lifting(client: TestClient) -> None:
    assert 'value="2026-01"' in client.get("/reports").text


def test_the_fuel_report_of_a_month_with_gold_intake(
    client: TestClient, web_store: str, tmp_path: Path
) -> None:
    seed_gold(web_store, tmp_path)
    response = client.get(
        "/api/reports/fuel-monthly", params={"period": "2026-01", "format": "xlsx", "lang": "fr"}
    )
    assert response.status_code == 200
