"""The supply plan: run one in the background (progress polled by htmx), then its results — the
headline figures, the weekly liftings and deliveries, depots' days of cover, and the binding
constraints that say where one more truck, convoy or tonne of tankage would pay."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nafolo.api.deps import NetworkDep, SettingsDep
from nafolo.api.plan_store import plan_folder, plan_ids, plan_summary, save_plan
from nafolo.fuel.network.model import Network
from nafolo.settings import Settings
from nafolo.web import charts
from nafolo.web.deps import Kit, KitDep, Planner, Viewer
from nafolo.web.forms import FormErrors, Reader, form_messages
from nafolo.web.jobs import Job, JobFailedError, Jobs, Progress
from nafolo.web.templates import render

router = APIRouter()

MAX_WEEKS = 52
STEPS = (
    ("preparing", 0.05),
    ("building", 0.15),
    ("solving", 0.45),
    ("finding", 0.7),
    ("explaining", 0.8),
)


def jobs_of(request: Request) -> Jobs:
    jobs = request.app.state.nafolo_jobs
    assert isinstance(jobs, Jobs)
    return jobs


def next_monday(today: date) -> date:
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


def kept_plans(settings: Settings) -> list[dict[str, Any]]:
    """Plans kept in the data folder, newest first, with their headline figures."""
    found = []
    for plan_id in plan_ids(settings):
        folder = plan_folder(settings, plan_id)
        if folder is not None:
            summary = plan_summary(folder)
            found.append(
                {"id": plan_id, "mtime": (folder / "summary.json").stat().st_mtime, **summary}
            )
    return sorted(found, key=lambda p: -float(p["mtime"]))


def _form_context(
    kit: Kit, settings: Settings, values: Mapping[str, Any], errors: FormErrors | None
) -> dict[str, Any]:
    return {"values": values, "errors": errors or FormErrors(), "plans": kept_plans(settings)}


@router.get("/fuel/plan", response_class=HTMLResponse, name="web_plan")
def plan_page(request: Request, user: Viewer, kit: KitDep, settings: SettingsDep) -> HTMLResponse:
    values = {"weeks": "8", "start": next_monday(date.today()).isoformat()}
    return render(request, "fuel/plan.html", _form_context(kit, settings, values, None))


def plan_work(
    network: Network, settings: Settings, weeks: int, start: date, integer: bool, actor: str
) -> Any:
    """The job: plan, keep the plan (recorded as `actor`'s), answer its id; refusals become the
    job's error."""

    def work(progress: Progress) -> str:
        from nafolo.fuel.planning import InfeasiblePlanError, PlanningError, plan
        from nafolo.workbook import InputError

        def say(step: str) -> None:
            fraction = next((f for word, f in STEPS if step.startswith(word)), 0.5)
            progress(step, fraction)

        try:
            result = plan(network, weeks, start, integer_trucks=integer, progress=say)
        except InfeasiblePlanError as error:
            raise JobFailedError(str(error)) from error
        except (InputError, PlanningError) as error:
            raise JobFailedError(str(error)) from error
        progress("saving", 0.95)
        return save_plan(settings, result, actor=actor)

    return work


@router.post("/fuel/plan", response_class=HTMLResponse, name="web_plan_run")
async def run_plan(
    request: Request,
    user: Planner,
    kit: KitDep,
    settings: SettingsDep,
    network: NetworkDep,
    weeks: Annotated[str, Form()] = "",
    start: Annotated[str, Form()] = "",
    integer_trucks: Annotated[str, Form()] = "",
) -> Response:
    """Check the form, then start the plan in the background and answer its progress panel."""
    values = {"weeks": weeks, "start": start, "integer_trucks": integer_trucks}
    reader = Reader(values, form_messages(kit._))
    n_weeks = reader.integer("weeks", low=1, high=MAX_WEEKS)
    first = reader.day("start")
    if reader.errors or n_weeks is None or first is None:
        context = _form_context(kit, settings, values, reader.errors)
        return render(
            request,
            "fuel/plan_form.html" if _htmx(request) else "fuel/plan.html",
            context,
            status_code=422,
        )
    job = jobs_of(request).start(
        "plan",
        user.username,
        plan_work(network, settings, n_weeks, first, reader.flag("integer_trucks"), user.username),
    )
    if not _htmx(request):
        return RedirectResponse(f"/fuel/plan/jobs/{job.id}", status_code=303)
    return render(request, "fuel/job.html", {"job": job, "kind_url": "/fuel/plan"})


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


@router.get("/fuel/plan/jobs/{job_id}", response_class=HTMLResponse, name="web_plan_job")
def plan_job(request: Request, user: Viewer, kit: KitDep, job_id: str) -> Response:
    """A plan run's progress; once done, on to its results (htmx: HX-Redirect)."""
    return job_answer(request, jobs_of(request).get(job_id), "/fuel/plan")


def job_answer(request: Request, job: Job | None, base: str) -> Response:
    if job is None:
        return render(request, "not_found.html", {}, status_code=404)
    if job.status == "done" and job.result:
        target = f"{base}/{job.result}"
        if _htmx(request):
            response = render(request, "fuel/job.html", {"job": job, "kind_url": base})
            response.headers["HX-Redirect"] = target
            return response
        return RedirectResponse(target, status_code=303)
    template = "fuel/job.html" if _htmx(request) else "fuel/job_page.html"
    return render(request, template, {"job": job, "kind_url": base})


def read_csv(folder: Path, name: str) -> list[dict[str, str]]:
    path = folder / f"{name}.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


BLOCK_NAMES = {
    "corridor_capacity": "Corridor capacity",
    "escort_capacity": "Escorted convoys",
    "fleet_turnaround": "Fleet",
    "port_storage": "Port storage",
    "port_loading": "Port loading",
    "depot_capacity_max": "Depot tankage",
    "depot_throughput_in": "Depot receiving",
    "depot_throughput_out": "Depot loading-out",
    "contract_max": "Contract maximum",
    "contract_min": "Contract minimum",
}


def plan_charts(folder: Path, network: Network, kit: Kit) -> dict[str, Any]:
    """The plan's weekly liftings per product against demand and deliveries, and the lowest
    days of cover of each depot week by week."""
    _ = kit._
    weeks = read_csv(folder, "weeks")
    labels = [kit.formats.day(date.fromisoformat(w["week_start"]), "short") for w in weeks]
    index = {w["week"]: i for i, w in enumerate(weeks)}
    names = {p.product: p.name for p in network.products}
    lifted: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(weeks))
    for row in read_csv(folder, "lifts"):
        if row["week"] in index:
            lifted[row["product"]][index[row["week"]]] += _float(row["lifted_t"]) or 0.0
    demand = [0.0] * len(weeks)
    delivered = [0.0] * len(weeks)
    for row in read_csv(folder, "regional_supply"):
        if row["week"] in index:
            demand[index[row["week"]]] += _float(row["demand_t"]) or 0.0
            delivered[index[row["week"]]] += _float(row["delivered_t"]) or 0.0
    series = [charts.Series(names.get(p, p), v, "bar", "lifted") for p, v in sorted(lifted.items())]
    series += [
        charts.Series(_("Demand"), demand, "line", colour="#24292f"),
        charts.Series(_("Delivered to regions"), delivered, "line", colour="#1a7f37"),
    ]
    flows = charts.weekly_chart(labels, series, _("tonnes per week (t)"))
    cover: dict[str, list[float | None]] = defaultdict(lambda: [None] * len(weeks))
    depot_names = {d.depot: d.name for d in network.depots}
    for row in read_csv(folder, "depot_stocks"):
        days = _float(row["days_of_cover"])
        if row["week"] not in index or days is None:
            continue
        i = index[row["week"]]
        name = depot_names.get(row["depot"], row["depot"])
        current = cover[name][i]
        cover[name][i] = days if current is None else min(current, days)
    cover_series = [charts.Series(n, v, "line") for n, v in sorted(cover.items())]
    cover_chart = charts.weekly_chart(labels, cover_series, _("lowest days of cover (d)"))
    return {"flows": flows, "cover": cover_chart}


def binding_rows(folder: Path, kit: Kit) -> list[dict[str, Any]]:
    """Binding limits, most valuable first, with a sentence in the page's language."""
    _ = kit._
    f = kit.formats
    rows = []
    for row in read_csv(folder, "binding"):
        saving = _float(row.get("objective_cut_xof"))
        value = _float(row.get("marginal_value_xof"))
        shortage = _float(row.get("shortage_cut_t"))
        block = row["block"]
        if kit.language == "en":
            sentence = row.get("sentence", "")
        elif shortage is not None and shortage > 0.05:
            sentence = _(
                "One more unit ({unit}) of {limit} on {element} would cut shortage by {tonnes}."
            ).format(
                unit=f.unit(row["unit"]),
                limit=_(BLOCK_NAMES.get(block, block)).lower(),
                element=row["element"],
                tonnes=f.quantity(shortage, "t", 0),
            )
        else:
            sentence = _(
                "One more unit ({unit}) of {limit} on {element} would save {saving} over the "
                "horizon."
            ).format(
                unit=f.unit(row["unit"]),
                limit=_(BLOCK_NAMES.get(block, block)).lower(),
                element=row["element"],
                saving=f.quantity(
                    (saving if saving is not None else value or 0) / 1e9, "bn XOF", 2
                ),
            )
        rows.append(
            {
                "block": _(BLOCK_NAMES.get(block, block)),
                "element": row["element"],
                "unit": row["unit"],
                "value_xof": value,
                "saving_xof": saving,
                "shortage_cut_t": shortage,
                "sentence": sentence,
            }
        )
    return sorted(rows, key=lambda r: -(r["saving_xof"] or r["value_xof"] or 0.0))


@router.get("/fuel/plan/{plan_id}", response_class=HTMLResponse, name="web_plan_result")
def plan_result(
    request: Request,
    user: Viewer,
    kit: KitDep,
    settings: SettingsDep,
    network: NetworkDep,
    plan_id: str,
) -> HTMLResponse:
    folder = plan_folder(settings, plan_id)
    if folder is None:
        return render(request, "not_found.html", {}, status_code=404)
    context = {
        "plan_id": plan_id,
        "summary": plan_summary(folder),
        "charts": plan_charts(folder, network, kit),
        "binding": binding_rows(folder, kit),
    }
    return render(request, "fuel/plan_result.html", context)
