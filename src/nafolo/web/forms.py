"""Forms: typed reading of posted fields, and refusals shown next to the field at fault.

Errors come as the API's problem+json does — a field path such as `body.load.volume_l` or
`quantity_t` — and `field_errors` maps each path to the form field that holds it (its last part,
or an explicit alias), so the page shows the message beside the right input.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from nafolo.fuel.operations.catalogue import OperationRefusedError

FORM_ONLY = "__form__"


@dataclass
class FormErrors:
    """Messages per form field; `general` for those that name no field on the form."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)


def field_errors(
    problems: Iterable[tuple[Iterable[str | int], str]],
    form_fields: Iterable[str],
    aliases: Mapping[str, str] | None = None,
) -> FormErrors:
    """Place each (path, message) on its form field: an alias of the dotted path, else the last
    part of the path, else the form's general errors."""
    known = set(form_fields)
    aliases = aliases or {}
    errors = FormErrors()
    for path, message in problems:
        parts = [str(p) for p in path if str(p) not in ("body", "query", "path")]
        dotted = ".".join(parts)
        name = aliases.get(dotted) or (parts[-1] if parts else "")
        if name in known:
            errors.add(name, message)
        else:
            errors.general.append(f"{dotted}: {message}" if dotted else message)
    return errors


def validation_problems(error: ValidationError) -> list[tuple[tuple[str | int, ...], str]]:
    return [(tuple(e["loc"]), e["msg"]) for e in error.errors()]


def refusal_problems(error: OperationRefusedError) -> list[tuple[tuple[str, ...], str]]:
    return [(tuple(p.field.split(".")), p.message) for p in error.problems]


class Reader:
    """Reads posted text fields into typed values, collecting a message per bad field."""

    def __init__(self, data: Mapping[str, Any], messages: Mapping[str, str]) -> None:
        self.data = data
        self.messages = messages
        self.errors = FormErrors()

    def text(self, name: str, *, required: bool = True) -> str:
        value = str(self.data.get(name, "") or "").strip()
        if required and not value:
            self.errors.add(name, self.messages["required"])
        return value

    def decimal(self, name: str, *, required: bool = True) -> Decimal | None:
        raw = self.text(name, required=required).replace("\u202f", "").replace("\u00a0", "")
        if not raw:
            return None
        try:
            value = Decimal(raw.replace(" ", "").replace(",", "."))
        except InvalidOperation:
            self.errors.add(name, self.messages["number"])
            return None
        if not value.is_finite():
            self.errors.add(name, self.messages["number"])
            return None
        return value

    def integer(self, name: str, *, low: int, high: int) -> int | None:
        raw = self.text(name)
        if not raw:
            return None
        try:
            value = int(raw)
        except ValueError:
            self.errors.add(name, self.messages["integer"])
            return None
        if not low <= value <= high:
            self.errors.add(name, self.messages["range"].format(low=low, high=high))
            return None
        return value

    def day(self, name: str) -> date | None:
        raw = self.text(name)
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.errors.add(name, self.messages["date"])
            return None

    def moment(self, name: str) -> datetime | None:
        """A `datetime-local` value (Bamako time, UTC)."""
        raw = self.text(name)
        if not raw:
            return None
        try:
            return datetime.fromisoformat(raw)
        except ValueError:
            self.errors.add(name, self.messages["moment"])
            return None

    def flag(self, name: str) -> bool:
        return str(self.data.get(name, "")).lower() in ("1", "on", "true", "yes")

    def choice(self, name: str, allowed: Iterable[str]) -> str:
        value = self.text(name)
        if value and value not in set(allowed):
            self.errors.add(name, self.messages["choice"])
        return value


def form_messages(_: Any) -> dict[str, str]:
    """The Reader's messages in the page's language (`_` is its gettext)."""
    return {
        "required": _("This field is required."),
        "number": _("Enter a number, e.g. 1234,5."),
        "integer": _("Enter a whole number."),
        "range": _("Enter a number from {low} to {high}."),
        "date": _("Enter a date (YYYY-MM-DD)."),
        "moment": _("Enter a date and time."),
        "choice": _("Choose one of the listed values."),
    }
