"""/api/gold/reports: statement, production and origin annex as JSON tables and .xlsx files."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime

import openpyxl
from fastapi.testclient import TestClient
from gold_api_steps import approve, cast, ok, register_depositor, settled

THIS_MONTH = datetime.now(UTC).strftime("%Y-%m")


def _settled_and_cast(client: TestClient, client_as: Callable[..., TestClient]) -> dict[str, str]:
    register_depositor(client)
    approve(client)
    out = settled(client, client_as("lab_analyst"))
    cast(client)
    return dict(out)


def test_the_statement_credits_the_settled_lot_and_closes_on_the_balance(
    client: TestClient, client_as: Callable[..., TestClient]
) -> None:
    out = _settled_and_cast(client, client_as)
    table = ok(client.get("/api/gold/reports/statement/SYAMA", params={"period": THIS_MONTH}), 200)
    assert table["report"] == "metal-account-statement"
    credit = [r for r in table["rows"] if r.get("lot") == "L1"]
    assert credit[0]["credit_au_fine_oz"] == out["credited_au_oz"]
    (closing,) = table["totals"]
    balance = ok(client.get("/api/gold/depositors/SYAMA/balance"), 200)
    assert closing["balance_au_fine_oz"] == balance["au_fine_oz"]
    units = {c["key"]: c["unit"] for c in table["columns"]}
    assert units["balance_au_fine_oz"] == "fine oz"


def test_production_groups_the_lot_under_its_origin(
    client: TestClient, client_as: Callable[..., TestClient]
) -> None:
    _settled_and_cast(client, client_as)
    table = ok(client.get("/api/gold/reports/production", params={"year": 2026}), 200)
    (row,) = table["rows"]
    assert (row["country"], row["region"], row["scale"]) == ("ML", "Sikasso", "LSM")
    assert row["lots_received"] == 1 and row["net_weight_kg"] == "14"
    assert row["bars_produced"] == 1 and row["bar_fine_au_oz"] == "420.082"


def test_the_origin_annex_downloads_as_xlsx(
    client: TestClient, client_as: Callable[..., TestClient]
) -> None:
    _settled_and_cast(client, client_as)
    table = ok(client.get("/api/gold/reports/origin-annex", params={"year": 2026}), 200)
    assert [r["country"] for r in table["rows"]] == ["ML"]
    assert table["rows"][0]["lsm_pct"] == "100.00"
    book = client.get("/api/gold/reports/origin-annex", params={"year": 2026, "format": "xlsx"})
    assert book.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(book.content))["report"]
    assert next(sheet.values)[0] == "country"


def test_a_report_period_must_be_given_once(client: TestClient) -> None:
    both = client.get("/api/gold/reports/production", params={"period": "2026-06", "year": 2026})
    assert both.status_code == 422
    assert both.json()["errors"][0]["loc"] == ["query", "year"]
    bad = client.get("/api/gold/reports/production", params={"period": "2026-13"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "period"


def test_the_statement_of_an_unknown_depositor_is_a_404(client: TestClient) -> None:
    missing = client.get("/api/gold/reports/statement/NOBODY", params={"year": 2026})
    assert missing.status_code == 404
