"""Read models over HTTP: stocks, in transit, cover, compliance, alerts, plan versus actual."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fuel_payloads import RECEIPT, post


def get(client: TestClient, path: str, status: int = 200, **params: Any) -> Any:
    response = client.get(f"/api/fuel/{path}", params=params)
    assert response.status_code == status, response.text
    return response.json()


def test_stock_is_what_was_received(client: TestClient, dispatched: dict[str, Any]) -> None:
    receipt = post(client, "receipts", RECEIPT)
    received = Decimal(receipt["entries"][0]["quantity_t"])
    body = get(client, "stocks", depot="BKO-SENOU", product="GASOIL")
    [stock] = body["items"]
    assert Decimal(stock["stock_t"]) == received
    assert body["units"]["stock_t"] == "t"


def test_product_on_the_road_is_in_transit(client: TestClient, dispatched: dict[str, Any]) -> None:
    loaded = sum(Decimal(e["quantity_t"]) for e in dispatched["entries"])
    [row] = get(client, "in-transit", corridor="DKR-KAYES-SENOU")["items"]
    assert (Decimal(row["in_transit_t"]), row["convoys"], row["product"]) == (loaded, 1, "GASOIL")


def test_in_transit_as_of_before_the_dispatch_is_empty(
    client: TestClient, dispatched: dict[str, Any]
) -> None:
    assert get(client, "in-transit", as_of="2026-06-01T12:00:00")["items"] == []


def test_depot_cover_has_days_and_target(client: TestClient, dispatched: dict[str, Any]) -> None:
    post(client, "receipts", RECEIPT)
    body = get(client, "cover", by="depot", depot="BKO-SENOU", product="GASOIL")
    [cover] = body["items"]
    assert cover["days_of_cover"] is not None and cover["days_of_cover"] >= 0
    assert cover["below_target"] is (cover["days_of_cover"] < cover["target_days"])
    assert body["units"]["days_of_cover"] == "d"


def test_region_cover_lists_every_product_demanded(client: TestClient) -> None:
    body = get(client, "cover", by="region", region="BAMAKO")
    assert body["by"] == "region"
    assert {row["region"] for row in body["items"]} == {"BAMAKO"}
    assert "GASOIL" in {row["product"] for row in body["items"]}


def test_compliance_counts_the_month_liftings(
    client: TestClient, dispatched: dict[str, Any]
) -> None:
    body = get(client, "compliance", month="2026-06")
    [contract] = body["contracts"]
    assert (contract["contract"], Decimal(contract["lifted_t"]), contract["status"]) == (
        "SUPPLY-2026",
        Decimal(1000),
        "below",
    )


def test_an_overdue_convoy_raises_an_alert(client: TestClient, dispatched: dict[str, Any]) -> None:
    body = get(client, "alerts", kind="convoy_overdue", now="2026-07-01T00:00:00Z")
    [alert] = body["items"]
    assert (alert["subject"], alert["unit"]) == ("CV-0602", "d")
    assert alert["value"] > 0


@pytest.mark.parametrize(
    ("path", "params", "loc"),
    [
        ("stocks", {"depot": "TIMBUKTU-X"}, ["query", "depot"]),
        ("stocks", {"product": "WHISKY"}, ["query", "product"]),
        ("in-transit", {"corridor": "NOWHERE"}, ["query", "corridor"]),
        ("cover", {"by": "country"}, ["query", "by"]),
        ("cover", {"region": "ATLANTIS"}, ["query", "region"]),
        ("compliance", {"month": "2026-13"}, ["query", "month"]),
        ("alerts", {"kind": "panic"}, ["query", "kind"]),
        ("plan-vs-actual", {"plan": "no-such-plan"}, ["query", "plan"]),
        ("plan-vs-actual", {}, ["query", "plan"]),
    ],
)
def test_bad_read_model_filters_are_refused_naming_the_field(
    client: TestClient, path: str, params: dict[str, str], loc: list[str]
) -> None:
    problem = get(client, path, status=422, **params)
    assert [e["loc"] for e in problem["errors"]] == [loc]


def test_plan_versus_actual_compares_a_kept_plan_with_the_ledger(
    client: TestClient, dispatched: dict[str, Any]
) -> None:
    planned = client.post("/api/fuel/plans", json={"weeks": 1, "start": "2026-06-01"})
    plan_id = planned.headers["location"].rsplit("/", 1)[1]
    body = get(
        client, "plan-vs-actual", plan=plan_id, measure="lifted", port="DAKAR", product="GASOIL"
    )
    [row] = body["items"]
    assert (row["week"], row["week_start"], Decimal(row["actual_t"])) == (1, "2026-06-01", 1000)
    assert row["difference_t"] == pytest.approx(1000 - row["planned_t"])
    assert body["units"]["planned_t"] == "t"
