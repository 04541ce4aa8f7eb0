"""Bodies of the fuel read models and imports. Read-model rows are the read models' own
(`stock_t`, `usable_t`, `days_of_cover`…); listings add each unit-bearing field's unit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from nafolo.api.schemas.common import Paged
from nafolo.fuel.readmodels import DepotCover, RegionCover
from nafolo.fuel.readmodels.plan_vs_actual import PlanVsActualRow

STOCK_UNITS = {"stock_t": "t", "tank_bottom_t": "t", "usable_t": "t", "capacity_t": "t"}
TRANSIT_UNITS = {"in_transit_t": "t", "convoys": "convoy"}
COVER_UNITS = {
    "usable_t": "t",
    "daily_demand_t": "t/d",
    "days_of_cover": "d",
    "target_days": "d",
}
PLAN_VS_ACTUAL_UNITS = {"planned_t": "t", "actual_t": "t", "difference_t": "t"}


class CoverListing(BaseModel):
    """Days of cover by depot tank or by region."""

    by: str
    items: list[DepotCover] | list[RegionCover]
    units: dict[str, str] = Field(default_factory=lambda: dict(COVER_UNITS))


class PlanVsActualOut(BaseModel):
    """One flow (lifted, dispatched, received, withdrawn), place, product and plan week."""

    measure: str
    place: str
    product: str
    week: int
    week_start: date
    planned_t: float
    actual_t: Decimal
    difference_t: float = Field(description="actual − planned.")

    @classmethod
    def of(cls, row: PlanVsActualRow) -> PlanVsActualOut:
        return cls(**row.model_dump(), difference_t=row.difference_t)


class PlanVsActualPage(Paged[PlanVsActualOut]):
    units: dict[str, str] = Field(default_factory=lambda: dict(PLAN_VS_ACTUAL_UNITS))


class RowProblem(BaseModel):
    sheet: str
    row: int | None
    column: str | None
    message: str


class ImportOut(BaseModel):
    """What an import recorded; with `skip_invalid`, the rows it left out and why."""

    source: str
    operations: dict[str, int] = Field(description="Operations imported per sheet.")
    entries_written: int
    entries_replayed: int = Field(description="Already on the ledger: not written again.")
    events_stored: int
    rejected_rows: int
    rejected: list[RowProblem]
