"""A plan request, and the plan's headline figures (the keys of `nafolo fuel plan --json`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MAX_WEEKS = 104


class PlanRequest(BaseModel):
    """Plan the bundled network over `weeks` weeks from `start` (default: next Monday)."""

    model_config = ConfigDict(extra="forbid")

    weeks: int = Field(default=26, ge=1, le=MAX_WEEKS, description="Horizon in weeks.")
    start: date | None = Field(default=None, description="First day of week 1.")
    integer_trucks: bool = Field(default=False, description="Whole truckloads (MIP).")
    time_limit_s: float | None = Field(default=None, gt=0, description="Solver limit, s.")
    mip_gap: float | None = Field(default=None, ge=0, le=1, description="Relative MIP gap.")


class PlanSummary(BaseModel):
    """The plan's headline figures, exactly as `nafolo fuel plan --json` prints them.

    Quantities end in their unit (`lifted_t`); the others' units are in `units`.
    """

    model_config = ConfigDict(extra="allow")

    network: str
    status: str
    objective: float = Field(description="Total cost, XOF.")
    start: date
    weeks: int
    integer_trucks: bool
    variables: int
    constraints: int
    lifted_t: float | None = None
    shipped_t: float | None = None
    truckloads: float | None = Field(default=None, description="Truckloads (unit: truck).")
    delivered_t: float | None = None
    demand_t: float | None = None
    shortage_t: float | None = None
    min_days_of_cover: float | None = Field(default=None, description="Days; null = infinite.")
    closing_stock_t: dict[str, float]
    binding: list[str] = Field(description="Binding limits, one sentence each.")
    duals_note: str | None = None
    build_seconds: float | None = None
    solve_seconds: float | None = None
    timings_seconds: dict[str, float]
    tonnes_basis: str
    units: dict[str, str]
    actor: str | None = Field(default=None, description="Who ran the plan (null: made outside).")
    made_at: datetime | None = Field(default=None, description="When it was kept (UTC).")

    @classmethod
    def of(cls, headline: dict[str, Any]) -> PlanSummary:
        return cls.model_validate(headline)


class StoredPlan(BaseModel):
    """A plan kept under `<data_dir>/plans/<id>`."""

    id: str
    summary: PlanSummary
