"""/api/fuel: record operations — liftings, convoy dispatches and events, receipts, withdrawals,
dips. Each is one all-or-nothing ledger transaction; replaying the same document answers 200
with what was first recorded (`replayed: true`), a new recording answers 201. The actor recorded
is the authenticated user: an `actor` sent in the body is ignored."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Response

from nafolo.api.deps import ActorDep, StateDep
from nafolo.api.problems import (
    PROBLEM_MEDIA_TYPE,
    Problem,
    ProblemError,
    field_error,
    operation_problem,
)
from nafolo.fuel.operations.catalogue import OperationRefusedError
from nafolo.fuel.operations.inputs import (
    Code,
    ConvoyDispatch,
    ConvoyEvent,
    Dip,
    Lifting,
    Receipt,
    Withdrawal,
)
from nafolo.fuel.operations.service import FuelOperations, OperationResult

router = APIRouter(prefix="/fuel", tags=["fuel operations"])


def get_operations(state: StateDep) -> FuelOperations:
    return state.fuel_operations()


OperationsDep = Annotated[FuelOperations, Depends(get_operations)]

_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": OperationResult, "description": "A replay: nothing new was recorded."},
    422: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}, "description": "Refused."},
}


def _answer(result: OperationResult, response: Response) -> OperationResult:
    response.status_code = 200 if result.replayed else 201
    return result


@router.post("/liftings", status_code=201, responses=_RESPONSES, summary="Record a lifting")
def record_lifting(
    lifting: Lifting, operations: OperationsDep, actor: ActorDep, response: Response
) -> OperationResult:
    """Supplier → port: product lifted at a coastal port against a supply contract."""
    lifting = lifting.model_copy(update={"actor": actor})
    return _answer(operations.record_lifting(lifting), response)


@router.post("/convoys", status_code=201, responses=_RESPONSES, summary="Dispatch a convoy")
def dispatch_convoy(
    dispatch: ConvoyDispatch, operations: OperationsDep, actor: ActorDep, response: Response
) -> OperationResult:
    """Port → convoy in transit: each compartment's observed volume, temperature and density
    become standard volume and tonnes."""
    dispatch = dispatch.model_copy(update={"actor": actor})
    return _answer(operations.dispatch_convoy(dispatch), response)


class ConvoyEventBody(ConvoyEvent):
    """A convoy event; the convoy is the one in the path."""

    convoy: Code | None = None  # type: ignore[assignment]


@router.post(
    "/convoys/{convoy}/events",
    status_code=201,
    responses={**_RESPONSES, 404: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}}},
    summary="Record a convoy event",
)
def record_convoy_event(
    convoy: Annotated[str, Path(description="The convoy's code.")],
    body: ConvoyEventBody,
    operations: OperationsDep,
    actor: ActorDep,
    response: Response,
) -> OperationResult:
    """departed, escorted, delayed, attacked, truck_lost (writes the truck's load off to the
    corridor's attack loss account) or arrived."""
    if body.convoy is not None and body.convoy != convoy:
        raise ProblemError(
            422,
            "validation",
            f"body convoy {body.convoy!r} differs from the path's {convoy!r}",
            [field_error(["body", "convoy"], f"must be {convoy!r} (the path's convoy) or omitted")],
        )
    event = ConvoyEvent.model_validate({**body.model_dump(), "convoy": convoy, "actor": actor})
    try:
        result = operations.record_convoy_event(event)
    except OperationRefusedError as error:
        problem = operation_problem(error)
        if [e.field for e in problem.errors] == ["convoy"]:
            problem.errors[0].loc[0] = "path"
            raise ProblemError(404, "not-found", problem.detail, problem.errors) from error
        raise
    return _answer(result, response)


@router.post("/receipts", status_code=201, responses=_RESPONSES, summary="Record a receipt")
def record_receipt(
    receipt: Receipt, operations: OperationsDep, actor: ActorDep, response: Response
) -> OperationResult:
    """Transit → depot, and the explicit transit loss or gain against what left the port;
    `variance` says whether it is above the contract's tolerance (then the loss's write-off
    awaits another user's approval: /api/fuel/loss-write-offs)."""
    receipt = receipt.model_copy(update={"actor": actor})
    return _answer(operations.record_receipt(receipt), response)


@router.post("/withdrawals", status_code=201, responses=_RESPONSES, summary="Record a withdrawal")
def record_withdrawal(
    withdrawal: Withdrawal, operations: OperationsDep, actor: ActorDep, response: Response
) -> OperationResult:
    """Depot → region."""
    withdrawal = withdrawal.model_copy(update={"actor": actor})
    return _answer(operations.record_withdrawal(withdrawal), response)


@router.post("/dips", status_code=201, responses=_RESPONSES, summary="Record a tank dip")
def record_dip(
    dip: Dip, operations: OperationsDep, actor: ActorDep, response: Response
) -> OperationResult:
    """Physical stock measured: the difference against the book becomes a dip loss or gain."""
    dip = dip.model_copy(update={"actor": actor})
    return _answer(operations.record_dip(dip), response)
