"""What every /api/gold router shares: the refinery service as a dependency and the translation of
its refusals into problem+json naming the field (and the rule broken), so that a route is one
call to the service."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends
from pydantic import ValidationError

from nafolo.api.deps import get_refinery
from nafolo.api.problems import PROBLEM_MEDIA_TYPE, FieldError, Problem, ProblemError, field_error
from nafolo.gold.service import Refinery
from nafolo.gold.service.errors import GoldNotFoundError, GoldRefusedError, Rule

REFUSED: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}, "description": "Not found."},
    409: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}, "description": "Duplicate."},
    422: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}, "description": "Refused."},
}
"""The refusals every gold route may answer, for OpenAPI."""

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def utc(moment: datetime | None) -> datetime | None:
    """A business time from a request: naive means UTC (Bamako time); None stays None (now)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _where(field: str, path: Mapping[str, str]) -> list[str | int]:
    """The location of a service field: a path parameter, or a dotted path inside the body."""
    if field in path:
        return ["path", field]
    return ["body", *(int(p) if p.isdigit() else p for p in field.split("."))]


def refused_problem(error: GoldRefusedError, path: Mapping[str, str] = {}) -> ProblemError:
    """A refusal: 409 for a duplicate, 422 otherwise; each problem names its field and rule."""
    rule = error.rule
    status = 409 if rule is Rule.DUPLICATE else 422
    errors = [
        field_error(_where(p.field, path), p.message + (f" [{p.rule.value}]" if p.rule else ""))
        for p in error.problems
    ]
    return ProblemError(
        status,
        "gold-refused" if status == 422 else "gold-duplicate",
        f"nothing recorded: {error}",
        errors,
        title="Refused by the refinery rules",
        rule=rule.value if rule else None,
    )


def not_found_problem(
    error: GoldNotFoundError, path: Mapping[str, str] = {}, location: str = "body"
) -> ProblemError:
    """404 when the missing object is the one the path names, else 422 (a bad reference)."""
    for name, value in path.items():
        if value == error.key and error.kind.split()[-1] in name:
            message = f"no {error.kind} {error.key!r}"
            return ProblemError(404, "not-found", message, [field_error(["path", name], message)])
    field = f"{error.kind.replace(' ', '_')}_id"
    message = f"unknown {error.kind} {error.key!r}"
    return ProblemError(
        422,
        "unknown-reference",
        f"nothing recorded: {message}",
        [field_error([location, field], message)],
    )


def validation_problem(error: ValidationError, location: str = "body") -> ProblemError:
    errors: Sequence[FieldError] = [
        field_error([location, *(str(p) for p in e["loc"])], str(e["msg"])) for e in error.errors()
    ]
    listed = "; ".join(f"{e.field}: {e.message}" for e in errors)
    return ProblemError(422, "validation", f"nothing recorded: {listed}", errors)


@contextmanager
def gold_call(location: str = "body", **path: str) -> Iterator[None]:
    """Run a service call; its refusals become problem+json (`path`: the route's path values;
    `location`: where the other references came from, `body` or `query`)."""
    try:
        yield
    except GoldRefusedError as error:
        raise refused_problem(error, path) from error
    except GoldNotFoundError as error:
        raise not_found_problem(error, path, location) from error
    except ValidationError as error:
        raise validation_problem(error) from error


RefineryDep = Annotated[Refinery, Depends(get_refinery)]
