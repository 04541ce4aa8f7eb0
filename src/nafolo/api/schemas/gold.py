"""Bodies of the /api/gold routes that the refinery services do not define themselves.

Most gold routes take and answer the services' own models (`nafolo.gold.service.*`: frozen,
unknown fields refused, metal as exact decimals — strings in JSON — with the unit in the field
name). The models here are the small bodies a route needs around a path parameter, the import
report and the metal balance.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from nafolo.gold.diligence import ScreeningKind


class Body(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ScreeningEntryIn(Body):
    """One name on a sanctions or PEP list."""

    name: str = Field(min_length=1, max_length=200)
    list_name: str = Field(min_length=1, max_length=200, description="e.g. 'UN 1267', 'EU'.")
    kind: ScreeningKind


class ReleaseLotIn(Body):
    """Release a quarantined lot: the day and why (the enhanced due diligence signed off)."""

    on: date
    reason: str = Field(min_length=1, max_length=200)


class AtMoment(Body):
    """The moment an operation takes effect (naive = UTC, Bamako time)."""

    at: datetime


class OccurredIn(Body):
    """When a step happened, if not now: the business time it is dated and reported at."""

    at: datetime | None = Field(
        default=None,
        description="When it happened (naive = UTC, Bamako time); default now. Not in the "
        "future, not before the step it follows.",
    )


class LocationIn(Body):
    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$", description="e.g. VAULT-A.")
    name: str = Field(min_length=1, max_length=200)


class MoveIn(Body):
    """Move a bar to another vault location."""

    to_location: str = Field(min_length=1, max_length=40)
    at: datetime


class CloseBatchIn(Body):
    """Close a batch: the stock-taken gold still in process and the loss recorded, fine oz Au."""

    in_process_au_oz: Decimal = Field(
        default=Decimal(0), ge=0, description="Fine troy oz Au stock-taken in process."
    )
    loss_au_oz: Decimal = Field(
        default=Decimal(0), ge=0, description="Fine troy oz Au recorded as refining loss."
    )
    note: str = Field(default="", max_length=200)
    closed_at: datetime | None = Field(
        default=None, description="When the batch was closed (naive = UTC); default now."
    )


class MetalBalanceOut(BaseModel):
    """A depositor's metal account: what the refinery owes it."""

    depositor_id: str
    au_fine_oz: Decimal = Field(description="Fine troy oz Au (a decimal string in JSON).")
    ag_fine_oz: Decimal = Field(description="Fine troy oz Ag (a decimal string in JSON).")


class RowProblemOut(BaseModel):
    sheet: str
    row: int | None
    column: str | None
    message: str


class GoldImportOut(BaseModel):
    """What a lots/assays import recorded; with `skip_invalid`, the rows left out and why."""

    source: str
    lots: int = Field(description="Lots registered.")
    received: int = Field(description="Lots weighed in.")
    samples: int = Field(description="Sealed sample sets recorded.")
    assays: int = Field(description="Assay results recorded.")
    exchanged: int = Field(description="Lots whose assay exchange was settled by the import.")
    awaiting_umpire: list[str] = Field(
        description="Lots whose results differ beyond the splitting limit: umpire needed."
    )
    rejected_rows: int
    rejected: list[RowProblemOut]
