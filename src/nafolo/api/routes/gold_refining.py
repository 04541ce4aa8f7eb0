"""/api/gold refining batches: plan a batch from assayed lots (whole or in part) within the day's
capacity, record its residues, and close it when its fine-gold balance holds — bars + in
process + residues + recorded loss = lots in, exactly; a gap is refused and stated."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from nafolo.api.deps import ActorDep, PageDep
from nafolo.api.routes.gold_common import REFUSED, RefineryDep, gold_call, utc
from nafolo.api.schemas.common import Paged
from nafolo.api.schemas.gold import CloseBatchIn
from nafolo.gold.service.refining import (
    BatchOut,
    BatchPlan,
    CapacityOut,
    CloseBatch,
    ResidueIn,
    ResidueOut,
)

router = APIRouter(prefix="/gold", tags=["gold refining"])


@router.post("/batches", status_code=201, responses=REFUSED, summary="Plan a refining batch")
def plan_batch(body: BatchPlan, refinery: RefineryDep, actor: ActorDep) -> BatchOut:
    """Lots into a batch on a route (Miller then Wohlwill, Miller only, aqua regia). Refused over
    the day's capacity (`capacity`), beyond a lot's unallocated gold (`over_allocation`) or for
    a lot not yet assayed (`not_assayed`)."""
    with gold_call():
        body = body.model_copy(update={"charged_at": utc(body.charged_at)})
        return refinery.refining.plan(body, actor=actor)


@router.get("/batches", summary="List batches")
def list_batches(
    refinery: RefineryDep,
    page: PageDep,
    status: Annotated[Literal["open", "closed"] | None, Query()] = None,
) -> Paged[BatchOut]:
    rows = refinery.refining.all(status=status)
    return Paged[BatchOut](
        items=page.slice(rows), total=len(rows), limit=page.limit, offset=page.offset
    )


@router.get("/batches/{batch_id}", responses=REFUSED, summary="A batch and its balance")
def get_batch(batch_id: str, refinery: RefineryDep) -> BatchOut:
    with gold_call(batch_id=batch_id):
        return refinery.refining.get(batch_id)


@router.post("/residues", status_code=201, responses=REFUSED, summary="Record a batch residue")
def record_residue(body: ResidueIn, refinery: RefineryDep, actor: ActorDep) -> ResidueOut:
    """Slag, sludge, sweeps, filters (or the silver chloride): weighed and assayed, its gold kept
    as recovery inventory, not loss."""
    with gold_call():
        body = body.model_copy(update={"recovered_at": utc(body.recovered_at)})
        return refinery.refining.record_residue(body, actor=actor)


@router.post("/batches/{batch_id}/close", responses=REFUSED, summary="Close a batch")
def close_batch(
    batch_id: str, body: CloseBatchIn, refinery: RefineryDep, actor: ActorDep
) -> BatchOut:
    """The stock-taken gold still in process and the recorded loss complete the balance; refused
    (`batch_balance`) naming the unaccounted fine oz when it does not hold."""
    with gold_call(batch_id=batch_id):
        close = CloseBatch(
            batch_id=batch_id,
            **body.model_dump(exclude={"closed_at"}),
            closed_at=utc(body.closed_at),
        )
        return refinery.refining.close(close, actor=actor)


@router.get("/capacity", summary="Refining capacity of a day")
def capacity(
    refinery: RefineryDep,
    day: Annotated[date, Query(description="The working day.")],
) -> CapacityOut:
    """Fine Au the day may take into batches, already planned and remaining (troy oz)."""
    return refinery.refining.capacity(day)
