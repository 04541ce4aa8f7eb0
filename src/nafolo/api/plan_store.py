"""Plans kept for later comparison with the ledger: one folder per plan under
`<data_dir>/plans/`, as `nafolo fuel plan --out` writes it (CSV files, plan.xlsx, summary.json).

A plan made with the CLI becomes visible to the API by writing it there:
`nafolo fuel plan --out $NAFOLO_DATA_DIR/plans/<name>`.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nafolo.fuel.planning import PlanResult, write_plan
from nafolo.settings import Settings

PLAN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}")
SUMMARY = "summary.json"


def plans_folder(settings: Settings) -> Path:
    return settings.data_dir / "plans"


def new_plan_id(result: PlanResult) -> str:
    return f"{result.start:%Y%m%d}-{result.weeks}w-{uuid.uuid4().hex[:8]}"


def save_plan(settings: Settings, result: PlanResult, *, actor: str) -> str:
    """Write `result` under a new id, its summary.json naming who ran it (`actor`, the
    authenticated user) and when (`made_at`, UTC); returns the id."""
    plan_id = new_plan_id(result)
    write_plan_as(result, plans_folder(settings) / plan_id, actor=actor)
    return plan_id


def write_plan_as(
    result: PlanResult, folder: Path, *, actor: str, made_at: datetime | None = None
) -> None:
    """Write `result` into `folder` (as `write_plan`) and record its actor and time in
    summary.json: a plan is an action, and every action is recorded with who did it."""
    write_plan(result, folder)
    path = folder / SUMMARY
    headline = dict(json.loads(path.read_text(encoding="utf-8")))
    moment = (made_at or datetime.now(UTC)).astimezone(UTC)
    headline.update(actor=actor, made_at=moment.isoformat(timespec="seconds"))
    path.write_text(json.dumps(headline, indent=2, ensure_ascii=False), encoding="utf-8")


def plan_folder(settings: Settings, plan_id: str) -> Path | None:
    """The folder of plan `plan_id`, or None if there is no such plan (or the id is malformed)."""
    if not PLAN_ID.fullmatch(plan_id):
        return None
    folder = plans_folder(settings) / plan_id
    return folder if (folder / SUMMARY).is_file() else None


def plan_summary(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / SUMMARY).read_text(encoding="utf-8")))


def plan_ids(settings: Settings) -> list[str]:
    """Every stored plan, by id."""
    root = plans_folder(settings)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / SUMMARY).is_file())
