"""/api/gold assays and settlement: seal the three samples of a lot, record each party's assay,
run the assay exchange (splitting limit, umpire), approve the toll settlement that credits the
depositor's metal account, and sell metal from the account."""

from __future__ import annotations

from fastapi import APIRouter

from nafolo.api.deps import ActorDep
from nafolo.api.routes.gold_common import REFUSED, RefineryDep, gold_call, utc
from nafolo.api.schemas.gold import OccurredIn
from nafolo.auth.roles import Permission
from nafolo.auth.web import needs
from nafolo.gold.service.laboratory import (
    AssayIn,
    AssayOut,
    ExchangeOut,
    SampleOut,
    SampleSetIn,
)
from nafolo.gold.service.settlements import SaleIn, SaleOut, SettlementOut

router = APIRouter(prefix="/gold", tags=["gold assays and settlement"])


@router.post("/samples", status_code=201, responses=REFUSED, summary="Seal a lot's samples")
def seal_samples(body: SampleSetIn, refinery: RefineryDep, actor: ActorDep) -> list[SampleOut]:
    """Three sealed samples — refiner, depositor, umpire — with distinct ids and seal numbers,
    dated `sampled_at` (default now)."""
    with gold_call():
        body = body.model_copy(update={"sampled_at": utc(body.sampled_at)})
        return refinery.lab.seal_samples(body, actor=actor)


@router.post("/assays", status_code=201, responses=REFUSED, summary="Record an assay result")
def record_assay(body: AssayIn, refinery: RefineryDep, actor: ActorDep) -> AssayOut:
    """One party's replicates (‰ Au and Ag) and method; the mean is stated to 0.01 ‰ and the
    replicates' agreement checked. The signed-in user is recorded as the one who entered it;
    `assayed_at` dates the result (default now)."""
    with gold_call():
        body = body.model_copy(update={"assayed_at": utc(body.assayed_at)})
        return refinery.lab.record_assay(body, actor=actor)


@router.get("/lots/{lot_id}/assays", responses=REFUSED, summary="A lot's assay results")
def lot_assays(lot_id: str, refinery: RefineryDep) -> list[AssayOut]:
    with gold_call(lot_id=lot_id):
        return refinery.lab.assays(lot_id)


@router.post("/lots/{lot_id}/exchange", responses=REFUSED, summary="Run the assay exchange")
def exchange(
    lot_id: str, refinery: RefineryDep, actor: ActorDep, body: OccurredIn | None = None
) -> ExchangeOut:
    """Refiner against depositor per metal: within the splitting limit the mean settles; outside
    it the umpire's result is required (rule `umpire_required`) and the contract's umpire rule
    applies. The lot's fine content is adjusted on the ledger, dated `at` (default now)."""
    with gold_call(lot_id=lot_id):
        return refinery.lab.exchange(lot_id, actor=actor, at=utc(body.at) if body else None)


@router.post(
    "/lots/{lot_id}/settlement",
    status_code=201,
    responses=REFUSED,
    summary="Approve a lot's settlement",
    openapi_extra=needs(Permission.SETTLEMENT_APPROVE),
)
def settle(
    lot_id: str, refinery: RefineryDep, actor: ActorDep, body: OccurredIn | None = None
) -> SettlementOut:
    """Credit the depositor's metal account: net dry weight × settled fineness × payable % −
    charges, every step with its rounding. The approver must not be who entered the refiner's
    assay (rule `separation_of_duties`). The credit is dated `at` (default now), which decides
    the month it is reported in; not before the assay exchange (rule `chronology`)."""
    with gold_call(lot_id=lot_id):
        return refinery.settlements.settle(lot_id, actor=actor, at=utc(body.at) if body else None)


@router.get("/lots/{lot_id}/settlement", responses=REFUSED, summary="A lot's settlement")
def get_settlement(lot_id: str, refinery: RefineryDep) -> SettlementOut:
    with gold_call(lot_id=lot_id):
        return refinery.settlements.get(lot_id)


@router.post(
    "/sales",
    status_code=201,
    responses=REFUSED,
    summary="Sell metal from a depositor's account",
    openapi_extra=needs(Permission.SETTLEMENT_APPROVE),
)
def sell(body: SaleIn, refinery: RefineryDep, actor: ActorDep) -> SaleOut:
    """Return by sale at the prices given; refused beyond the account's balance
    (rule `insufficient_metal`)."""
    with gold_call():
        return refinery.settlements.sell(body, actor=actor)
