"""Long runs from the pages: a plan runs in the background, its progress is polled, then its
results show the chart and the binding constraints; scenarios follow a kept plan."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

DEADLINE_S = 120.0


def _wait(client: TestClient, url: str) -> str:
    """Poll a job (as htmx does) until it redirects to its results; the results' URL."""
    started = time.monotonic()
    while time.monotonic() - started < DEADLINE_S:
        response = client.get(url, headers={"HX-Request": "true"})
        assert response.status_code == 200, response.text[:2000]
        if "hx-redirect" in response.headers:
            return str(response.headers["hx-redirect"])
        assert "échec" not in response.text, response.text
        time.sleep(0.5)
    raise AssertionError(f"{url} did not finish in {DEADLINE_S} s")


def _run_plan(client: TestClient) -> str:
    form = {"weeks": "2", "start": "2026-02-02"}
    started = client.post("/fuel/plan", data=form, headers={"HX-Request": "true"})
    assert started.status_code == 200, started.text[:2000]
    assert 'hx-trigger="every 1s"' in started.text
    assert "<progress" in started.text
    job = started.text.split('hx-get="', 1)[1].split('"', 1)[0]
    return _wait(client, job)


def test_a_plan_runs_in_the_background_and_shows_its_results(client: TestClient) -> None:
    result = _run_plan(client)
    assert result.startswith("/fuel/plan/20260202-2w-")
    page = client.get(result)
    assert page.status_code == 200
    assert 'data-chart="plan-flows"' in page.text
    assert "Contraintes saturées" in page.text
    assert result.rsplit("/", 1)[1] in client.get("/fuel/plan").text


def test_a_plan_form_with_a_bad_horizon_is_refused_beside_the_field(client: TestClient) -> None:
    response = client.post(
        "/fuel/plan", data={"weeks": "99", "start": "2026-02-02"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert 'id="weeks-error"' in response.text


def test_scenarios_follow_a_kept_plan_and_show_fan_charts(client: TestClient) -> None:
    plan_id = _run_plan(client).rsplit("/", 1)[1]
    form = {"plan": plan_id, "scenarios": "256", "seed": "7", "stochastic": "on"}
    started = client.post("/fuel/scenarios", data=form, headers={"HX-Request": "true"})
    assert started.status_code == 200, started.text[:2000]
    job = started.text.split('hx-get="', 1)[1].split('"', 1)[0]
    result = _wait(client, job)
    page = client.get(result)
    assert page.status_code == 200
    assert 'data-chart="fan-1"' in page.text
    assert "Probabilité de rupture" in page.text


def test_without_javascript_a_run_redirects_to_a_refreshing_progress_page(
    client: TestClient,
) -> None:
    response = client.post(
        "/fuel/plan", data={"weeks": "1", "start": "2026-02-02"}, follow_redirects=False
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"], follow_redirects=False)
    assert page.status_code in (200, 303)
