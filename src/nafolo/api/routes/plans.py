"""/api/fuel/plans: run the weekly supply planner on the network the API operates, and keep the
plan (under `<data_dir>/plans/<id>`) for plan-versus-actual."""

from __future__ import annotations

import time
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from nafolo.api.deps import ActorDep, NetworkDep, PageDep, SettingsDep
from nafolo.api.plan_store import plan_folder, plan_ids, plan_summary, save_plan
from nafolo.api.problems import PROBLEM_MEDIA_TYPE, Problem, unknown
from nafolo.api.schemas.common import Paged
from nafolo.api.schemas.plans import PlanRequest, PlanSummary, StoredPlan
from nafolo.fuel.planning import next_monday, plan

router = APIRouter(prefix="/fuel/plans", tags=["fuel planning"])

_REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}} for status in (422, 500)
}


@router.post("", status_code=201, summary="Run and keep a plan", responses=_REFUSALS)
def run_plan(
    network: NetworkDep,
    settings: SettingsDep,
    body: PlanRequest,
    request: Request,
    response: Response,
    actor: ActorDep,
) -> PlanSummary:
    """Solve the plan (seconds for a few weeks) and answer its headline figures, the keys of
    `nafolo fuel plan --json`, with `actor` (the authenticated user who ran it) and `made_at`;
    `Location` names the kept plan.

    422 `plan-infeasible` lists the conflicting requirements (`conflicts`, `tight`).
    """
    started = time.perf_counter()
    result = plan(
        network,
        body.weeks,
        body.start or next_monday(date.today()),
        integer_trucks=body.integer_trucks,
        time_limit_s=body.time_limit_s,
        mip_gap=body.mip_gap,
    )
    result.timings_s["total_seconds"] = time.perf_counter() - started
    plan_id = save_plan(settings, result, actor=actor)
    folder = plan_folder(settings, plan_id)
    assert folder is not None
    response.headers["Location"] = str(request.url_for("get_plan", plan_id=plan_id))
    return PlanSummary.of(plan_summary(folder))


@router.get("", summary="Plans kept")
def list_plans(settings: SettingsDep, page: PageDep) -> Paged[StoredPlan]:
    """One page (`limit`, `offset`) of the kept plans by id, with their `total`; only the
    page's summaries are read."""
    ids = plan_ids(settings)
    stored = []
    for plan_id in page.slice(ids):
        folder = plan_folder(settings, plan_id)
        if folder is not None:
            stored.append(StoredPlan(id=plan_id, summary=PlanSummary.of(plan_summary(folder))))
    return Paged[StoredPlan](items=stored, total=len(ids), limit=page.limit, offset=page.offset)


@router.get("/{plan_id}", summary="A kept plan's headline figures")
def get_plan(
    settings: SettingsDep, plan_id: Annotated[str, Path(description="From `Location`.")]
) -> PlanSummary:
    folder = plan_folder(settings, plan_id)
    if folder is None:
        raise unknown("path", "plan_id", f"no plan {plan_id!r}")
    return PlanSummary.of(plan_summary(folder))
