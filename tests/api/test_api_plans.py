"""Plans over HTTP: the same headline figures as `nafolo fuel plan --json`."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from nafolo.cli.main import app as cli


@pytest.fixture(scope="module")
def two_weeks() -> dict[str, object]:
    """`nafolo fuel plan --json` for two weeks from 2026-01-05."""
    result = CliRunner().invoke(
        cli, ["fuel", "plan", "--weeks", "2", "--start", "2026-01-05", "--json"]
    )
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def test_a_plan_answers_the_cli_json_keys_and_figures(
    offline_client: TestClient, two_weeks: dict[str, object]
) -> None:
    response = offline_client.post("/api/fuel/plans", json={"weeks": 2, "start": "2026-01-05"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == set(two_weeks) | {"actor", "made_at"}
    assert (body["status"], body["weeks"], body["start"]) == ("optimal", 2, "2026-01-05")
    assert body["objective"] == pytest.approx(two_weeks["objective"], rel=1e-6)
    assert body["closing_stock_t"] == pytest.approx(two_weeks["closing_stock_t"], abs=1e-3)
    assert body["units"]["lifted_t"] == "t"


def test_a_plan_is_kept_where_location_says(offline_client: TestClient) -> None:
    response = offline_client.post("/api/fuel/plans", json={"weeks": 1, "start": "2026-01-05"})
    kept = offline_client.get(response.headers["location"])
    assert kept.status_code == 200
    assert kept.json()["objective"] == response.json()["objective"]
    listed = offline_client.get("/api/fuel/plans").json()["items"]
    assert [p["summary"]["weeks"] for p in listed] == [1]


def test_a_plan_run_records_the_authenticated_user_as_its_actor(
    offline_client: TestClient,
) -> None:
    response = offline_client.post("/api/fuel/plans", json={"weeks": 1, "start": "2026-01-05"})
    assert response.json()["actor"] == "admin"
    assert offline_client.get(response.headers["location"]).json()["actor"] == "admin"


def test_an_actor_sent_in_a_plan_request_is_refused(offline_client: TestClient) -> None:
    body = {"weeks": 1, "start": "2026-01-05", "actor": "someone-else"}
    response = offline_client.post("/api/fuel/plans", json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["actor"]


def test_kept_plans_are_listed_a_page_at_a_time(offline_client: TestClient) -> None:
    for start in ("2026-01-05", "2026-01-12"):
        offline_client.post("/api/fuel/plans", json={"weeks": 1, "start": start})
    page = offline_client.get("/api/fuel/plans", params={"limit": 1, "offset": 1}).json()
    assert (page["total"], page["limit"], page["offset"]) == (2, 1, 1)
    assert [p["summary"]["start"] for p in page["items"]] == ["2026-01-12"]


def test_the_plans_page_size_is_bounded(offline_client: TestClient) -> None:
    response = offline_client.get("/api/fuel/plans", params={"limit": 100_000})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["limit"]


def test_an_unknown_plan_is_a_404(offline_client: TestClient) -> None:
    response = offline_client.get("/api/fuel/plans/20260105-1w-nothere")
    assert response.status_code == 404
    assert response.json()["errors"][0]["loc"] == ["path", "plan_id"]


@pytest.mark.parametrize(
    ("request_body", "field"),
    [
        ({"weeks": 0}, "weeks"),
        ({"weeks": 500}, "weeks"),
        ({"weeks": 2, "start": "5 January"}, "start"),
        ({"weeks": 2, "horizon": 3}, "horizon"),
    ],
)
def test_bad_plan_requests_are_refused_naming_the_field(
    offline_client: TestClient, request_body: dict[str, object], field: str
) -> None:
    response = offline_client.post("/api/fuel/plans", json=request_body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
