"""Errors as RFC 9457 problem details (`application/problem+json`), each naming the field at fault.

Every refusal the API sends has `type`, `title`, `status`, `detail` and `errors`: one item per
problem with `field` (dotted path inside its location), `loc` (location first: `body`, `query`,
`path`, `file`), `message`, and for uploaded files `sheet`, `row` and `column`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from nafolo.fuel.operations.catalogue import OperationRefusedError
from nafolo.fuel.planning import ConservationError, InfeasiblePlanError, PlanningError
from nafolo.ledger import EntriesRefusedError, LedgerError, NotFoundError
from nafolo.workbook import InputError

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "/problems/"
"""Problem types are relative URIs `/problems/<slug>`; docs/api.md lists every slug."""

Location = list[str | int]


class FieldError(BaseModel):
    """One problem with one field (or one cell of an uploaded file)."""

    field: str = Field(description="Dotted path of the field within its location.")
    loc: Location = Field(description="Location then path, e.g. ['body', 'load', 'volume_l'].")
    message: str
    sheet: str | None = None
    row: int | None = Field(default=None, description="Spreadsheet row or position in a batch.")
    column: str | None = None


class Problem(BaseModel):
    """An RFC 9457 problem detail; extension members (e.g. `conflicts`) may follow."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] = Field(default_factory=list)


class ProblemError(Exception):
    """Raised by a route to answer with a problem; nothing has been written when it is raised."""

    def __init__(
        self,
        status: int,
        slug: str,
        detail: str,
        errors: Sequence[FieldError] = (),
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.headers = dict(headers or {})
        self.problem = Problem(
            type=TYPE_PREFIX + slug,
            title=title or HTTPStatus(status).phrase,
            status=status,
            detail=detail,
            errors=list(errors),
            **extensions,
        )


def field_error(loc: Sequence[str | int], message: str, **where: Any) -> FieldError:
    """A problem at `loc` (location first, then the path inside it)."""
    path = [str(part) for part in loc[1:]] or [str(loc[0])]
    return FieldError(field=".".join(path), loc=list(loc), message=message, **where)


def unknown(location: str, field: str, message: str) -> ProblemError:
    """A reference to something that does not exist: 404 in the path, 422 anywhere else."""
    status = 404 if location == "path" else 422
    return ProblemError(
        status,
        "not-found" if status == 404 else "unknown-reference",
        message,
        [field_error([location, field], message)],
    )


def problem_response(problem: Problem, request: Request | None = None) -> JSONResponse:
    if request is not None and problem.instance is None:
        problem = problem.model_copy(update={"instance": request.url.path})
    return JSONResponse(
        problem.model_dump(mode="json", exclude_none=True),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
    )


def _loc(parts: Sequence[Any]) -> Location:
    return [part if isinstance(part, int) else str(part) for part in parts]


def _validation_error(error: Mapping[str, Any]) -> FieldError:
    if error.get("type") == "json_invalid":
        reason = (error.get("ctx") or {}).get("error", "")
        return field_error(["body"], f"not valid JSON (character {error['loc'][-1]}): {reason}")
    return field_error(_loc(error["loc"]), str(error["msg"]))


def validation_problem(exc: RequestValidationError) -> Problem:
    errors = [_validation_error(e) for e in exc.errors()]
    listed = "; ".join(f"{e.field}: {e.message}" for e in errors)
    return Problem(
        type=TYPE_PREFIX + "validation",
        title="Invalid request",
        status=422,
        detail=f"{len(errors)} invalid field(s), nothing recorded: {listed}",
        errors=errors,
    )


def operation_problem(exc: OperationRefusedError, location: str = "body") -> Problem:
    errors = [field_error([location, *p.field.split(".")], p.message) for p in exc.problems]
    return Problem(
        type=TYPE_PREFIX + "operation-refused",
        title="Operation refused",
        status=422,
        detail=f"nothing recorded: {exc}",
        errors=errors,
    )


def ledger_problem(exc: EntriesRefusedError, location: str = "body") -> Problem:
    errors = [field_error([location, p.field], p.message, row=p.row) for p in exc.problems]
    return Problem(
        type=TYPE_PREFIX + "ledger-refused",
        title="Refused by the ledger",
        status=422,
        detail=str(exc).splitlines()[0],
        errors=errors,
    )


def input_problem(exc: InputError) -> Problem:
    errors = [
        field_error(
            ["file", p.sheet, *([p.column] if p.column else [])],
            p.message,
            sheet=p.sheet,
            row=p.row,
            column=p.column,
        )
        for p in exc.problems
    ]
    return Problem(
        type=TYPE_PREFIX + "input-refused",
        title="Input refused",
        status=422,
        detail=f"{len(errors)} problem(s) in the input, nothing recorded",
        errors=errors,
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every refusal and error of `app` with a problem+json body."""

    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ProblemError)
        response = problem_response(exc.problem, request)
        response.headers.update(exc.headers)
        return response

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem_response(validation_problem(exc), request)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        problem = Problem(
            type=TYPE_PREFIX + "not-found" if exc.status_code == 404 else "about:blank",
            title=HTTPStatus(exc.status_code).phrase,
            status=exc.status_code,
            detail=str(exc.detail),
        )
        response = problem_response(problem, request)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    async def on_operation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, OperationRefusedError)
        return problem_response(operation_problem(exc), request)

    async def on_ledger(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, LedgerError)
        if isinstance(exc, EntriesRefusedError):
            return problem_response(ledger_problem(exc), request)
        status = 404 if isinstance(exc, NotFoundError) else 409
        problem = Problem(
            type=TYPE_PREFIX + ("not-found" if status == 404 else "ledger-conflict"),
            title=HTTPStatus(status).phrase,
            status=status,
            detail=str(exc),
        )
        return problem_response(problem, request)

    async def on_input(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, InputError)
        return problem_response(input_problem(exc), request)

    async def on_infeasible(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, InfeasiblePlanError)
        problem = Problem(
            type=TYPE_PREFIX + "plan-infeasible",
            title="No plan meets every hard requirement",
            status=422,
            detail=str(exc),
            conflicts=exc.conflicts,
            tight=exc.tight,
        )
        return problem_response(problem, request)

    async def on_plan_failed(request: Request, exc: Exception) -> JSONResponse:
        problem = Problem(
            type=TYPE_PREFIX + "plan-failed", title="Planning failed", status=500, detail=str(exc)
        )
        return problem_response(problem, request)

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        problem = Problem(
            type=TYPE_PREFIX + "internal",
            title="Internal Server Error",
            status=500,
            detail=f"unexpected {type(exc).__name__}; nothing was recorded by this request",
        )
        return problem_response(problem, request)

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(OperationRefusedError, on_operation)
    app.add_exception_handler(LedgerError, on_ledger)
    app.add_exception_handler(InputError, on_input)
    app.add_exception_handler(InfeasiblePlanError, on_infeasible)
    app.add_exception_handler(PlanningError, on_plan_failed)
    app.add_exception_handler(ConservationError, on_plan_failed)
    app.add_exception_handler(Exception, on_unexpected)
