"""/api/fuel/loss-write-offs: transit losses above tolerance awaiting a second person's approval,
and the approval itself — refused (403 `separation-of-duties`) when the approver recorded the
receipt."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from nafolo.api.deps import ActorDep, PageDep
from nafolo.api.problems import PROBLEM_MEDIA_TYPE, Problem, ProblemError, field_error
from nafolo.api.routes.fuel_operations import OperationsDep
from nafolo.api.schemas.common import Paged
from nafolo.fuel.operations.loss_approvals import (
    LossApproval,
    LossNotFoundError,
    LossWriteOff,
    SeparationOfDutiesError,
)

router = APIRouter(prefix="/fuel/loss-write-offs", tags=["fuel operations"])

_REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}} for status in (403, 404, 422)
}


class ApprovalIn(BaseModel):
    note: str = Field(default="", max_length=500, description="Why the loss is accepted.")


@router.get("", summary="Transit losses above tolerance and their write-off approvals")
def write_offs(
    operations: OperationsDep,
    page: PageDep,
    pending: Annotated[bool, Query(description="Only those still awaiting approval.")] = False,
) -> Paged[LossWriteOff]:
    """One page (`limit`, `offset`) of the write-offs, with their `total`."""
    found = operations.loss_write_offs(pending_only=pending)
    return Paged[LossWriteOff](
        items=page.slice(found), total=len(found), limit=page.limit, offset=page.offset
    )


@router.post(
    "/{document_ref}/approve",
    status_code=201,
    responses={200: {"model": LossApproval, "description": "Already approved."}, **_REFUSALS},
    summary="Approve a transit loss write-off",
)
def approve_write_off(
    document_ref: Annotated[str, Path(max_length=200, description="The receipt's document.")],
    operations: OperationsDep,
    actor: ActorDep,
    response: Response,
    body: ApprovalIn | None = None,
) -> LossApproval:
    """The approver is the signed-in user, who must not be whoever recorded the receipt."""
    try:
        approval = operations.approve_loss_write_off(document_ref, actor, body.note if body else "")
    except LossNotFoundError as error:
        raise ProblemError(
            404, "not-found", str(error), [field_error(["path", "document_ref"], str(error))]
        ) from error
    except SeparationOfDutiesError as error:
        raise ProblemError(
            403,
            "separation-of-duties",
            error.detail,
            title="Separation of duties",
            rule=error.rule,
        ) from error
    response.status_code = 200 if approval.replayed else 201
    return approval
