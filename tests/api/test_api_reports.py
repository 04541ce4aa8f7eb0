"""GET /api/reports/…: the monthly reports as files, French by default."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from nafolo.fuel.network.io import load_network
from nafolo.fuel.operations import import_operations
from nafolo.fuel.operations.example import bundled_example_path
from nafolo.ledger import Ledger
from nafolo.reports import refinery_monthly
from nafolo.reports.refinery_monthly import RefineryReportUnavailableError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
URL = "/api/reports/fuel-monthly"


@pytest.mark.slow
def test_the_fuel_report_of_the_example_month_is_a_french_pdf(
    client: TestClient, engine: Engine
) -> None:
    import_operations(bundled_example_path(), Ledger(engine), load_network())
    response = client.get(URL, params={"period": "2026-01"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-language"] == "fr"
    assert response.headers["content-disposition"] == (
        'attachment; filename="nafolo-fuel-monthly-2026-01-fr.pdf"'
    )
    assert response.content.startswith(b"%PDF-")


def test_the_fuel_report_in_english_as_xlsx(client: TestClient) -> None:
    response = client.get(URL, params={"period": "2026-02", "lang": "en", "format": "xlsx"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["Summary", "Contracts"]


def test_a_bad_period_is_refused_naming_the_query_field(client: TestClient) -> None:
    response = client.get(URL, params={"period": "2026-13"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["loc"] for e in response.json()["errors"]] == [["query", "period"]]


def test_an_unknown_language_is_refused(client: TestClient) -> None:
    response = client.get(URL, params={"period": "2026-01", "lang": "de"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["lang"]


def test_the_refinery_report_is_a_pdf(client: TestClient) -> None:
    response = client.get("/api/reports/refinery-monthly", params={"period": "2026-01"})
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"%PDF-")
    assert response.headers["content-disposition"].endswith('2026-01-fr.pdf"')


def test_the_refinery_report_is_unavailable_without_the_gold_services(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(engine: object, period: str) -> None:
        raise RefineryReportUnavailableError("the gold services cannot be loaded")

    monkeypatch.setattr(refinery_monthly, "assemble_refinery_month", missing)
    response = client.get("/api/reports/refinery-monthly", params={"period": "2026-01"})
    assert response.status_code == 501
    assert response.json()["type"] == "/problems/report-unavailable"
    assert "not available yet" in response.json()["detail"]


def test_a_viewer_may_not_download_reports(client_as: object) -> None:
    viewer = client_as("viewer")  # type: ignore[operator]
    response = viewer.get(URL, params={"period": "2026-01"})
    assert response.status_code == 403
