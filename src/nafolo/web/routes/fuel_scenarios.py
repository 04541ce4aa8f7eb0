"""Scenarios: a kept plan followed through sampled disruptions (closures, attacks, port delays,
demand noise, optionally a named scenario such as a repeat of the 2025 blockade), run in the
background; the results are fan charts of days of cover per region and stock-out probabilities.

Each run is kept under `<data_dir>/scenarios/<id>/` (summary.json, regions.csv,
region_weeks.csv), like the CLI's `nafolo fuel simulate --out`.
"""

from __future__ import annotations

import csv
import json
import re
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nafolo.api.deps import NetworkDep, SettingsDep
from nafolo.api.plan_store import plan_folder
from nafolo.fuel.network.model import Network
from nafolo.settings import Settings
from nafolo.web import charts
from nafolo.web.deps import Kit, KitDep, Planner, Viewer
from nafolo.web.forms import FormErrors, Reader, form_messages
from nafolo.web.jobs import JobFailedError, Progress
from nafolo.web.routes.fuel_plan import _htmx, job_answer, jobs_of, kept_plans, read_csv
from nafolo.web.templates import render

router = APIRouter()

RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}")
MAX_SCENARIOS = 20_000


def runs_folder(settings: Settings) -> Path:
    return settings.data_dir / "scenarios"


def run_folder(settings: Settings, run_id: str) -> Path | None:
    if not RUN_ID.fullmatch(run_id):
        return None
    folder = runs_folder(settings) / run_id
    return folder if (folder / "summary.json").is_file() else None


def kept_runs(settings: Settings) -> list[dict[str, Any]]:
    root = runs_folder(settings)
    if not root.is_dir():
        return []
    found = []
    for folder in root.iterdir():
        summary = folder / "summary.json"
        if summary.is_file():
            found.append(
                {
                    "id": folder.name,
                    "mtime": summary.stat().st_mtime,
                    **json.loads(summary.read_text(encoding="utf-8")),
                }
            )
    return sorted(found, key=lambda r: -float(r["mtime"]))


def named_scenarios(network: Network) -> list[str]:
    """The named scenarios of the disruption parameters (bundled Mali network only)."""
    if network.name != "mali":
        return []
    from nafolo.fuel.simulation import load_disruption

    try:
        return sorted(load_disruption(network).scenarios)
    except Exception:
        return []


def _context(
    settings: Settings, network: Network, values: dict[str, Any], errors: FormErrors | None
) -> dict[str, Any]:
    return {
        "values": values,
        "errors": errors or FormErrors(),
        "plans": kept_plans(settings),
        "runs": kept_runs(settings),
        "named": named_scenarios(network),
    }


@router.get("/fuel/scenarios", response_class=HTMLResponse, name="web_scenarios")
def scenarios_page(
    request: Request,
    user: Viewer,
    kit: KitDep,
    settings: SettingsDep,
    network: NetworkDep,
    plan: str = "",
) -> HTMLResponse:
    values = {"plan": plan, "scenarios": "1000", "seed": "2025", "stochastic": "on"}
    return render(request, "fuel/scenarios.html", _context(settings, network, values, None))


def simulation_work(
    network: Network,
    settings: Settings,
    plan_id: str,
    scenarios: int,
    seed: int,
    named: str | None,
    stochastic: bool,
    actor: str,
) -> Any:
    """The job: follow kept plan `plan_id` through `scenarios` sampled disruptions; keep the
    tables and headline figures (with `actor`, who ran it, and when); answer the run's id."""

    def work(progress: Progress) -> str:
        from nafolo.fuel.planning import prepare
        from nafolo.fuel.simulation import (
            DisruptionModel,
            DisruptionParameters,
            load_disruption,
            simulate,
            summarise,
            system_from_folder,
        )
        from nafolo.workbook import InputError

        folder = plan_folder(settings, plan_id)
        if folder is None:
            raise JobFailedError(f"no plan {plan_id!r}")
        weeks = read_csv(folder, "weeks")
        progress("preparing", 0.02)
        try:
            data = prepare(network, len(weeks), date.fromisoformat(weeks[0]["week_start"]))
            system = system_from_folder(data, folder)
            params = (
                load_disruption(network) if network.name == "mali" else DisruptionParameters.none()
            )
            model = DisruptionModel.build(system, params, scenario=named, stochastic=stochastic)
        except (InputError, KeyError, ValueError) as error:
            raise JobFailedError(str(error)) from error
        done = [0]

        def advance(count: int) -> None:
            done[0] += count
            progress(f"{done[0]} / {scenarios}", 0.05 + 0.9 * done[0] / scenarios)

        outcome = simulate(system, model, scenarios, seed, chunk=512, progress=advance)
        summary = summarise(system, outcome)
        run_id = f"{plan_id[:40]}-{scenarios}s-{uuid.uuid4().hex[:6]}"
        out = runs_folder(settings) / run_id
        out.mkdir(parents=True, exist_ok=True)
        summary.regions.to_csv(out / "regions.csv", index=False)
        summary.region_weeks.to_csv(out / "region_weeks.csv", index=False)
        headline = {
            "plan": plan_id,
            "scenarios": summary.scenarios,
            "seed": seed,
            "named_scenario": named,
            "stochastic": stochastic,
            "expected_shortage_t": summary.expected_shortage_t,
            "cvar95_shortage_t": summary.cvar95_shortage_t,
            "worst_region": summary.worst_region,
            "expected_lost_t": summary.expected_lost_t,
            "expected_rerouted_t": summary.expected_rerouted_t,
            "demand_t": summary.demand_t,
            "actor": actor,
            "made_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        (out / "summary.json").write_text(json.dumps(headline, ensure_ascii=False, indent=2))
        return run_id

    return work


@router.post("/fuel/scenarios", response_class=HTMLResponse, name="web_scenarios_run")
async def run_scenarios(
    request: Request,
    user: Planner,
    kit: KitDep,
    settings: SettingsDep,
    network: NetworkDep,
    plan: Annotated[str, Form()] = "",
    scenarios: Annotated[str, Form()] = "",
    seed: Annotated[str, Form()] = "",
    named: Annotated[str, Form()] = "",
    stochastic: Annotated[str, Form()] = "",
) -> Response:
    values = {
        "plan": plan,
        "scenarios": scenarios,
        "seed": seed,
        "named": named,
        "stochastic": stochastic,
    }
    reader = Reader(values, form_messages(kit._))
    plan_id = reader.choice("plan", [p["id"] for p in kept_plans(settings)])
    count = reader.integer("scenarios", low=1, high=MAX_SCENARIOS)
    seed_value = reader.integer("seed", low=0, high=2**31 - 1)
    scenario = reader.text("named", required=False)
    if scenario and scenario not in named_scenarios(network):
        reader.errors.add("named", form_messages(kit._)["choice"])
    if reader.errors or count is None or seed_value is None:
        context = _context(settings, network, values, reader.errors)
        name = "fuel/scenarios_form.html" if _htmx(request) else "fuel/scenarios.html"
        return render(request, name, context, status_code=422)
    job = jobs_of(request).start(
        "scenarios",
        user.username,
        simulation_work(
            network,
            settings,
            plan_id,
            count,
            seed_value,
            scenario or None,
            reader.flag("stochastic"),
            user.username,
        ),
    )
    if not _htmx(request):
        return RedirectResponse(f"/fuel/scenarios/jobs/{job.id}", status_code=303)
    return render(request, "fuel/job.html", {"job": job, "kind_url": "/fuel/scenarios"})


@router.get("/fuel/scenarios/jobs/{job_id}", response_class=HTMLResponse)
def scenarios_job(request: Request, user: Viewer, kit: KitDep, job_id: str) -> Response:
    return job_answer(request, jobs_of(request).get(job_id), "/fuel/scenarios")


def fan_charts(folder: Path, network: Network, kit: Kit) -> list[dict[str, Any]]:
    """One fan chart of days of cover per region (5–95 % and 25–75 % bands, median)."""
    _ = kit._
    f = kit.formats
    names = {r.region: r.name for r in network.regions}
    by_region: dict[str, list[dict[str, str]]] = {}
    for row in read_csv(folder, "region_weeks"):
        by_region.setdefault(row["region"], []).append(row)
    labels = {"outer": _("5–95 % of scenarios"), "inner": _("25–75 %"), "median": _("median")}
    found = []
    for region, rows in by_region.items():

        def column(name: str, rows: list[dict[str, str]] = rows) -> list[float]:
            return [float(r[name]) if r.get(name) not in (None, "", "nan") else 0.0 for r in rows]

        if not rows or "days_of_cover_p50_d" not in rows[0]:
            continue
        weeks = [f.day(date.fromisoformat(r["week_start"][:10]), "short") for r in rows]
        p = {q: column(f"days_of_cover_p{q}_d") for q in (5, 25, 50, 75, 95)}
        tips = [
            "\n".join(
                [
                    weeks[i],
                    _("median: {days}").format(days=f.quantity(p[50][i], "d", 1)),
                    _("25–75 %: {low} to {high}").format(
                        low=f.quantity(p[25][i], "d", 1), high=f.quantity(p[75][i], "d", 1)
                    ),
                    _("5–95 %: {low} to {high}").format(
                        low=f.quantity(p[5][i], "d", 1), high=f.quantity(p[95][i], "d", 1)
                    ),
                    _("stock-out probability: {p}").format(
                        p=f.percent(100 * float(rows[i].get("stockout_probability") or 0), 1)
                    ),
                ]
            )
            for i in range(len(rows))
        ]
        title = names.get(region, region)
        option = charts.fan_chart(
            weeks, p[5], p[25], p[50], p[75], p[95], _("days of cover (d)"), labels, title, tips
        )
        found.append({"region": region, "name": title, "option": option})
    return found


@router.get("/fuel/scenarios/{run_id}", response_class=HTMLResponse, name="web_scenarios_result")
def scenarios_result(
    request: Request,
    user: Viewer,
    kit: KitDep,
    settings: SettingsDep,
    network: NetworkDep,
    run_id: str,
) -> HTMLResponse:
    folder = run_folder(settings, run_id)
    if folder is None:
        return render(request, "not_found.html", {}, status_code=404)
    names = {r.region: r.name for r in network.regions}
    regions: list[dict[str, Any]] = []
    with (folder / "regions.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            regions.append(
                {
                    "name": names.get(row["region"], row["region"]),
                    "stockout_pct": 100 * float(row["stockout_probability"] or 0),
                    "stockout_weeks": float(row["stockout_weeks_expected"] or 0),
                    "shortage_t": float(row["expected_shortage_t"] or 0),
                }
            )
    context = {
        "run_id": run_id,
        "summary": json.loads((folder / "summary.json").read_text(encoding="utf-8")),
        "regions": sorted(regions, key=lambda r: -float(r["stockout_pct"])),
        "fans": fan_charts(folder, network, kit),
        "region_names": names,
    }
    return render(request, "fuel/scenarios_result.html", context)
