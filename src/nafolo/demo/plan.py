"""The demo's weekly supply plan: the real planner run over the demo's last weeks and kept where
the dashboard and the API look for plans, so that plan versus actual compares it with the
operations the demo recorded."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from nafolo.demo.calendar import DemoPeriod
from nafolo.fuel.network.model import Network

PLAN_WEEKS = 13
"""A quarter: the plan covers the demo's last 13 weeks (all of them for a shorter demo)."""
PLANNER = "planner"
"""The demo user recorded as the plan's actor."""
PREFIX = "demo-"


@dataclass(frozen=True)
class PlanSummary:
    """The plan the demo kept: its id (under the plans folder), horizon and solver status."""

    plan_id: str
    weeks: int
    status: str
    seconds: float


def demo_plan_id(period: DemoPeriod, weeks: int) -> str:
    start = period.mondays()[-weeks]
    return f"{PREFIX}{start:%Y%m%d}-{weeks}w"


def keep_demo_plan(network: Network, period: DemoPeriod, plans_dir: Path) -> PlanSummary:
    """Plan the demo's last weeks with `nafolo.fuel.planning.plan` and keep it in `plans_dir`
    as made by the demo planner on the Friday before its first week. Earlier demo plans are
    removed first (a rebuilt demo keeps one plan)."""
    from nafolo.api.plan_store import write_plan_as
    from nafolo.fuel.planning import plan

    weeks = min(PLAN_WEEKS, period.weeks)
    start = period.mondays()[-weeks]
    plans_dir.mkdir(parents=True, exist_ok=True)
    for old in plans_dir.glob(f"{PREFIX}*"):
        if old.is_dir():
            shutil.rmtree(old)
    result = plan(network, weeks, start.date())
    plan_id = demo_plan_id(period, weeks)
    write_plan_as(result, plans_dir / plan_id, actor=PLANNER, made_at=start - timedelta(days=3))
    seconds = sum(v for k, v in result.timings_s.items() if k != "total_seconds")
    return PlanSummary(plan_id, weeks, result.status, seconds)
