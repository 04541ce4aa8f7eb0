"""The fuel network as the API shows it: the sheets' rows, whose columns carry their units."""

from __future__ import annotations

from pydantic import BaseModel, Field

from nafolo.fuel.network.schema import DepotRow, DepotTankRow


def column_units(row: type[BaseModel]) -> dict[str, str]:
    """Unit of each column of a sheet row model that has one (from the sheet schema)."""
    units = {}
    for name, info in row.model_fields.items():
        extra = info.json_schema_extra
        unit = extra.get("unit") if isinstance(extra, dict) else None
        if isinstance(unit, str) and unit:
            units[name] = unit
    return units


class DepotOut(DepotRow):
    """A depot with its tanks (one per product it holds)."""

    tanks: list[DepotTankRow]


class NetworkSummary(BaseModel):
    """What the network holds: its name, how many rows each sheet has, the planner's parameters."""

    name: str
    counts: dict[str, int] = Field(description="Rows per sheet.")
    parameters: dict[str, float] = Field(description="Planner parameters, units in `units`.")
    units: dict[str, str] = Field(description="Unit of each parameter.")
