"""What an operator records, as typed inputs (REST request bodies; what the importer builds).

Quantities are exact decimals. Times are timezone-aware; a naive time is read as Bamako time,
which is UTC all year.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


Moment = Annotated[datetime, AfterValidator(_aware)]
"""A timezone-aware datetime; naive values are Bamako time (UTC)."""

Code = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
Reference = Annotated[str, Field(min_length=1, max_length=80)]


class Operation(BaseModel):
    """Base of every operation: who recorded it and the paper or electronic document behind it."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    document_ref: Reference = Field(
        description="Document the operation comes from (bill of lading, waybill, receipt note)."
    )
    actor: str = Field(default="operator", min_length=1, max_length=100)


class MeasuredLoad(BaseModel):
    """A quantity of product measured at the observed temperature, as loaded or received."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    volume_l: Decimal = Field(gt=0, description="Observed volume, litres at temperature_c.")
    temperature_c: Decimal = Field(description="Product temperature, °C.")
    density_kg_m3: Decimal = Field(gt=0, description="Hydrometer reading, kg/m³.")
    density_temperature_c: Decimal | None = Field(
        default=None,
        description="Temperature of the hydrometer reading, °C (default: temperature_c).",
    )


class OpeningStock(Operation):
    """A depot's stock when the ledger starts (or a tank brought into the programme)."""

    depot: Code
    product: Code
    at: Moment
    quantity_t: Decimal = Field(gt=0, description="Tonnes, weight in air.")


class Lifting(Operation):
    """Product lifted for Mali at a coastal port against a supply contract (bill of lading)."""

    contract: Code
    port: Code
    product: Code
    lifted_at: Moment
    quantity_t: Decimal = Field(gt=0, description="Tonnes, weight in air.")


class Compartment(BaseModel):
    """One truck compartment loaded at the port."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    truck: Code
    compartment: int = Field(ge=1, le=20)
    product: Code
    carrier: str = Field(default="", max_length=100)
    load: MeasuredLoad


class ConvoyDispatch(Operation):
    """A convoy leaving a port on a corridor: its trucks' compartments as loaded."""

    convoy: Code
    corridor: Code
    contract: Code
    dispatched_at: Moment
    escorted: bool = False
    compartments: list[Compartment] = Field(min_length=1)


class ConvoyEventKind(StrEnum):
    DEPARTED = "departed"
    ESCORTED = "escorted"
    DELAYED = "delayed"
    ATTACKED = "attacked"
    TRUCK_LOST = "truck_lost"
    ARRIVED = "arrived"


class ConvoyEvent(Operation):
    """Something that happened to a convoy on the road; `truck_lost` writes the load off."""

    convoy: Code
    event: ConvoyEventKind
    at: Moment
    truck: Code | None = Field(default=None, description="The truck lost (truck_lost only).")
    delay_days: Decimal | None = Field(default=None, ge=0, description="Expected delay, days.")
    note: str = Field(default="", max_length=200)


class Receipt(Operation):
    """A compartment received at a depot, measured as at loading."""

    convoy: Code
    truck: Code
    compartment: int = Field(ge=1, le=20)
    depot: Code
    received_at: Moment
    load: MeasuredLoad


class Withdrawal(Operation):
    """Product loaded out of a depot to serve a region."""

    depot: Code
    region: Code
    product: Code
    withdrawn_at: Moment
    quantity_t: Decimal = Field(gt=0, description="Tonnes, weight in air.")


class Dip(Operation):
    """A tank dip: the physical content of a depot's tank of one product."""

    depot: Code
    product: Code
    dipped_at: Moment
    load: MeasuredLoad
