"""Shapes every resource shares: a page of items with its total."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Paged(BaseModel, Generic[T]):
    """One page of a filtered list: `total` items match, `items` are those from `offset`."""

    items: list[T]
    total: int = Field(description="Items matching the filters, across all pages.")
    limit: int
    offset: int
    next_cursor: int | None = Field(
        default=None, description="Pass as `after_seq` for the next page (ledger lists only)."
    )


class Listing(BaseModel, Generic[T]):
    """Every item of a small reference list, with the unit of each unit-bearing column."""

    items: list[T]
    units: dict[str, str] = Field(
        default_factory=dict, description="Unit of each column that has one (e.g. 'km', 't')."
    )
