"""The demo keeps a weekly plan made by the real planner over its last weeks, so that plan versus
actual compares it with the operations the demo recorded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from demo_store_support import SMALL_WEEKS, empty_store
from sqlalchemy.engine import Engine

from nafolo.api.plan_store import plan_summary
from nafolo.demo import DemoSummary, build_demo
from nafolo.fuel.readmodels.plan_vs_actual import PlanVsActualRow, plan_vs_actual, read_plan
from nafolo.ledger import Ledger


@pytest.fixture(scope="module")
def planned_demo(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Engine, DemoSummary, Path]]:
    folder = tmp_path_factory.mktemp("planned-demo")
    plans = folder / "plans"
    with empty_store("sqlite", folder) as engine:
        yield engine, build_demo(engine, weeks=SMALL_WEEKS, plans_dir=plans), plans


@pytest.fixture(scope="module")
def compared(planned_demo: tuple[Engine, DemoSummary, Path]) -> list[PlanVsActualRow]:
    engine, summary, plans = planned_demo
    assert summary.plan is not None
    return plan_vs_actual(Ledger(engine), read_plan(plans / summary.plan.plan_id))


def test_the_demo_plan_covers_its_last_weeks_and_is_optimal(
    planned_demo: tuple[Engine, DemoSummary, Path],
) -> None:
    _, summary, plans = planned_demo
    assert summary.plan is not None
    kept = plan_summary(plans / summary.plan.plan_id)
    assert (kept["start"], kept["weeks"], kept["status"]) == ("2026-11-16", SMALL_WEEKS, "optimal")


def test_the_demo_plan_is_recorded_as_the_demo_planners(
    planned_demo: tuple[Engine, DemoSummary, Path],
) -> None:
    _, summary, plans = planned_demo
    assert summary.plan is not None
    assert plan_summary(plans / summary.plan.plan_id)["actor"] == "planner"


def test_plan_versus_actual_of_the_demo_shows_planned_and_actual_tonnes(
    compared: list[PlanVsActualRow],
) -> None:
    for measure in ("lifted", "dispatched", "received", "withdrawn"):
        rows = [r for r in compared if r.measure == measure]
        assert sum(r.planned_t for r in rows) > 0, measure
        assert sum(r.actual_t for r in rows) > 0, measure


def test_a_rebuilt_demo_keeps_one_plan(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    for name in ("a", "b"):
        with empty_store("sqlite", tmp_path / name) as engine:
            build_demo(engine, weeks=1, plans_dir=plans)
    assert [p.name for p in plans.iterdir()] == ["demo-20261123-1w"]
