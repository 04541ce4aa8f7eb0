"""Every action started from the pages is recorded with its actor: the signed-in user who ran a
plan or a scenario run, or imported a network."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from web_support import csrf_of

from nafolo.api.plan_store import plan_folder, plan_summary
from nafolo.auth.roles import Role
from nafolo.fuel.network.io import load_network, write_network
from nafolo.web.routes.fuel_network import NETWORK_IMPORTED
from nafolo.web.routes.fuel_scenarios import run_folder

DEADLINE_S = 120.0
RoleClient = Callable[..., TestClient]


def _username(client: TestClient) -> str:
    return str(client.get("/api/auth/me").json()["username"])


def _finished(client: TestClient, started_page: str) -> str:
    """Follow a job's progress (as htmx does) to its result's id."""
    job = started_page.split('hx-get="', 1)[1].split('"', 1)[0]
    started = time.monotonic()
    while time.monotonic() - started < DEADLINE_S:
        response = client.get(job, headers={"HX-Request": "true"})
        if "hx-redirect" in response.headers:
            return str(response.headers["hx-redirect"]).rsplit("/", 1)[1]
        time.sleep(0.5)
    raise AssertionError(f"{job} did not finish in {DEADLINE_S} s")


def _run_plan(client: TestClient) -> str:
    token = csrf_of(client.get("/fuel/plan").text)
    form = {"weeks": "1", "start": "2026-02-02", "csrf_token": token}
    started = client.post("/fuel/plan", data=form, headers={"HX-Request": "true"})
    assert started.status_code == 200, started.text[:2000]
    return _finished(client, started.text)


def test_a_plan_run_from_the_page_is_kept_with_the_signed_in_planner(
    signed_in_as: RoleClient,
) -> None:
    client = signed_in_as(Role.PLANNER)
    plan_id = _run_plan(client)
    folder = plan_folder(client.app.state.nafolo.settings, plan_id)  # type: ignore[attr-defined]
    assert folder is not None
    assert plan_summary(folder)["actor"] == _username(client)


def test_a_scenario_run_from_the_page_is_kept_with_the_signed_in_planner(
    signed_in_as: RoleClient,
) -> None:
    client = signed_in_as(Role.PLANNER)
    plan_id = _run_plan(client)
    token = csrf_of(client.get("/fuel/scenarios").text)
    form = {"plan": plan_id, "scenarios": "16", "seed": "7", "stochastic": "on"}
    form["csrf_token"] = token
    started = client.post("/fuel/scenarios", data=form, headers={"HX-Request": "true"})
    assert started.status_code == 200, started.text[:2000]
    run_id = _finished(client, started.text)
    folder = run_folder(client.app.state.nafolo.settings, run_id)  # type: ignore[attr-defined]
    assert folder is not None
    kept = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert kept["actor"] == _username(client)


def test_a_network_import_is_recorded_in_the_audit_log_with_its_actor(
    signed_in_as: RoleClient, tmp_path: Path
) -> None:
    client = signed_in_as(Role.PLANNER)
    workbook = tmp_path / "network.xlsx"
    write_network(load_network(), workbook)
    sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    token = csrf_of(client.get("/fuel/network").text)
    with workbook.open("rb") as stream:
        response = client.post(
            "/fuel/network/import",
            data={"csrf_token": token},
            files={"workbook": ("network.xlsx", stream, sheet)},
            follow_redirects=False,
        )
    assert response.status_code == 303, response.text[:2000]
    users = client.app.state.nafolo.users  # type: ignore[attr-defined]
    (event,) = users.events(event=NETWORK_IMPORTED)
    assert event.actor == _username(client)
