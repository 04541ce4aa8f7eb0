"""Refusals of the refinery services: every problem names the field and, when one applies, the
rule broken. Nothing is stored when one is raised."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Rule(StrEnum):
    """The rule a refusal applies (API problem type, report column)."""

    ADMISSION = "admission"
    CALIBRATION_EXPIRED = "calibration_expired"
    SEPARATION_OF_DUTIES = "separation_of_duties"
    FOUR_EYES = "four_eyes"
    CAPACITY = "capacity"
    BATCH_BALANCE = "batch_balance"
    OVER_ALLOCATION = "over_allocation"
    NOT_ASSAYED = "not_assayed"
    UMPIRE_REQUIRED = "umpire_required"
    INSUFFICIENT_METAL = "insufficient_metal"
    DUPLICATE = "duplicate"
    STATE = "state"
    REFERENCE = "reference"
    VALUE = "value"
    CHRONOLOGY = "chronology"
    BAR_FINE_CONTENT = "bar_fine_content"
    BAR_GROSS_WEIGHT = "bar_gross_weight"
    BAR_MINIMUM_FINENESS = "bar_minimum_fineness"
    BAR_FINENESS_MARKING = "bar_fineness_marking"
    BAR_SCALE_READING = "bar_scale_reading"
    BAR_SERIAL = "bar_serial"
    BAR_BRAND = "bar_brand"
    BAR_YEAR = "bar_year"
    BAR_SERIAL_UNIQUE = "bar_serial_unique"


@dataclass(frozen=True)
class FieldProblem:
    """Why an operation is refused: the input field, the reason and the rule (if one applies)."""

    field: str
    message: str
    rule: Rule | None = None

    def __str__(self) -> str:
        named = f" [{self.rule.value}]" if self.rule else ""
        return f"{self.field}: {self.message}{named}"


class GoldRefusedError(ValueError):
    """An operation refused as a whole, nothing stored; lists every problem by field."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))

    @property
    def rule(self) -> Rule | None:
        return next((p.rule for p in self.problems if p.rule), None)


def refuse(field: str, message: str, rule: Rule | None = None) -> GoldRefusedError:
    """A refusal with one problem (raise it)."""
    return GoldRefusedError([FieldProblem(field, message, rule)])


class GoldNotFoundError(LookupError):
    """No object of that kind with that key."""

    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"{kind} {key!r} not found")
