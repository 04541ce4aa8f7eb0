"""What the generic reader needs to know about a sheet, and the columns a row model declares."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

from pydantic import BaseModel
from pydantic_core import PydanticUndefined


class SheetLike(Protocol):
    """A sheet an import expects: name, row model, key columns and whether it must be present."""

    @property
    def name(self) -> str: ...

    @property
    def row(self) -> type[BaseModel]: ...

    @property
    def key(self) -> tuple[str, ...]: ...

    @property
    def required(self) -> bool: ...

    @property
    def description(self) -> str: ...


@dataclass(frozen=True)
class ColumnInfo:
    """One column of a sheet as users see it: name, kind of value, unit, default and description."""

    name: str
    kind: str
    unit: str
    required: bool
    default: Any
    example: Any
    description: str

    @property
    def numeric(self) -> bool:
        return self.kind in ("number", "whole number")


def columns(row: type[BaseModel]) -> list[ColumnInfo]:
    """The columns of a row model, in declaration order, from its field metadata."""
    infos = []
    for name, field in row.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        default = None if field.default is PydanticUndefined else field.default
        infos.append(
            ColumnInfo(
                name=name,
                kind=_kind(field.annotation),
                unit=str(extra.get("unit", "") or ""),
                required=field.is_required(),
                default=default,
                example=extra.get("example"),
                description=field.description or "",
            )
        )
    return infos


def _kind(annotation: Any) -> str:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = args[0] if len(args) == 1 else annotation
    if annotation is bool:
        return "yes/no"
    if annotation is int:
        return "whole number"
    if annotation is float:
        return "number"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "one of: " + ", ".join(str(m.value) for m in annotation)
    return "text"
