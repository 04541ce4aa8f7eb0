"""Plans kept for later comparison with the ledger: one folder per plan under
`<data_dir>/plans/`, as `nafolo fuel plan --out` writes it (CSV files, plan.xlsx, summary.json).

A plan made with the CLI becomes visible to the API by writing it there:
`nafolo fuel plan --out $NAFOLO_DATA_DIR/plans/<name>`.
"""

from __future__ import annotations

import json
import re
import uuid
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


def save_plan(settings: Settings, result: PlanResult) -> str:
    """Write `result` under a new id; returns the id."""
    plan_id = new_plan_id(result)
    write_plan(result, plans_folder(settings) / plan_id)
    return plan_id


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
