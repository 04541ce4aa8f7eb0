"""/api/gold depositors and due diligence: register depositors, their beneficial owners, licences,
origins and documents; screen them against sanctions and PEP lists; record risk assessments (the
decision and rating follow from the facts); read a depositor's standing and decision history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile

from nafolo.api.deps import ActorDep, PageDep, ReadCacheDep
from nafolo.api.routes.gold_common import REFUSED, RefineryDep, gold_call
from nafolo.api.schemas.common import Paged
from nafolo.api.schemas.gold import MetalBalanceOut, ScreeningEntryIn
from nafolo.gold.diligence import Decision, DepositorType, ScreeningEntry
from nafolo.gold.service.depositors import (
    AssessmentIn,
    AssessmentOut,
    DepositorOut,
    DocumentIn,
    DocumentOut,
    LicenceIn,
    NewDepositor,
    OriginIn,
    OriginOut,
    OwnerIn,
    ScreeningHitOut,
)
from nafolo.gold.settlement import Contract

router = APIRouter(prefix="/gold", tags=["gold depositors"])

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


@router.post("/depositors", status_code=201, responses=REFUSED, summary="Register a depositor")
def register_depositor(body: NewDepositor, refinery: RefineryDep, actor: ActorDep) -> DepositorOut:
    """A mine, cooperative, trader or recycler that deposits gold for toll refining; its toll
    contract defaults to the refinery's standard contract."""
    with gold_call():
        return refinery.depositors.register(body, actor=actor)


@router.get("/depositors", summary="List depositors")
def list_depositors(
    refinery: RefineryDep,
    cache: ReadCacheDep,
    page: PageDep,
    decision: Annotated[
        Decision | None, Query(description="Latest due-diligence decision.")
    ] = None,
    depositor_type: Annotated[DepositorType | None, Query()] = None,
) -> Paged[DepositorOut]:
    rows = [
        d
        for d in cache.get(("depositors",), refinery.depositors.all)
        if (decision is None or d.decision == decision)
        and (depositor_type is None or d.depositor_type == depositor_type)
    ]
    return Paged[DepositorOut](
        items=page.slice(rows), total=len(rows), limit=page.limit, offset=page.offset
    )


@router.get("/depositors/{depositor_id}", responses=REFUSED, summary="A depositor")
def get_depositor(depositor_id: str, refinery: RefineryDep) -> DepositorOut:
    """KYC facts, origins, screening hits, contract and current decision, rating and review."""
    with gold_call(depositor_id=depositor_id):
        return refinery.depositors.get(depositor_id)


@router.put(
    "/depositors/{depositor_id}/contract", responses=REFUSED, summary="Set the toll contract"
)
def set_contract(
    depositor_id: str, body: Contract, refinery: RefineryDep, actor: ActorDep
) -> DepositorOut:
    """Payable %, charges, splitting limits, umpire rule, return terms: every figure a parameter."""
    with gold_call(depositor_id=depositor_id):
        return refinery.depositors.set_contract(depositor_id, body, actor=actor)


@router.post(
    "/beneficial-owners", status_code=201, responses=REFUSED, summary="Add a beneficial owner"
)
def add_owner(body: OwnerIn, refinery: RefineryDep, actor: ActorDep) -> DepositorOut:
    with gold_call():
        return refinery.depositors.add_owner(body, actor=actor)


@router.post("/licences", status_code=201, responses=REFUSED, summary="Add a depositor licence")
def add_licence(body: LicenceIn, refinery: RefineryDep, actor: ActorDep) -> DepositorOut:
    with gold_call():
        return refinery.depositors.add_licence(body, actor=actor)


@router.post("/origins", status_code=201, responses=REFUSED, summary="Register an origin")
def register_origin(body: OriginIn, refinery: RefineryDep, actor: ActorDep) -> OriginOut:
    """A mine, site or collection point (ISO country, region, coordinates, LSM/ASM/recycled and
    licence); the answer says whether it lies in a CAHRA."""
    with gold_call():
        return refinery.depositors.register_origin(body, actor=actor)


@router.get("/origins/{origin_id}", responses=REFUSED, summary="An origin")
def get_origin(origin_id: str, refinery: RefineryDep) -> OriginOut:
    with gold_call(origin_id=origin_id):
        return refinery.depositors.origin(origin_id)


@router.post(
    "/depositors/{depositor_id}/screening",
    responses=REFUSED,
    summary="Screen a depositor and its owners",
)
def screen_depositor(
    depositor_id: str,
    body: list[ScreeningEntryIn],
    refinery: RefineryDep,
    actor: ActorDep,
) -> list[ScreeningHitOut]:
    """Match the depositor's and its beneficial owners' names (ignoring case, accents, hyphens,
    spacing) against the list sent; new hits are stored unconfirmed. Answers every hit."""
    entries = [ScreeningEntry(e.name, e.list_name, e.kind) for e in body]
    with gold_call(depositor_id=depositor_id):
        return refinery.depositors.screen(depositor_id, entries, actor=actor)


@router.post(
    "/screening-hits/{hit_id}/confirm", responses=REFUSED, summary="Confirm a screening hit"
)
def confirm_hit(hit_id: int, refinery: RefineryDep, actor: ActorDep) -> ScreeningHitOut:
    """A reviewer confirms the hit is the same person; a confirmed sanctions hit terminates."""
    with gold_call(hit_id=str(hit_id)):
        return refinery.depositors.confirm_hit(hit_id, actor=actor)


@router.post("/assessments", status_code=201, responses=REFUSED, summary="Record a risk assessment")
def assess(body: AssessmentIn, refinery: RefineryDep, actor: ActorDep) -> AssessmentOut:
    """Red flags from the stored facts plus the findings given (OECD Annex II) give the decision
    (approve, enhanced due diligence, suspend, terminate), the rating and the next review; the
    reviewer is the signed-in user."""
    with gold_call():
        return refinery.depositors.assess(body, actor=actor)


@router.get("/depositors/{depositor_id}/assessments", responses=REFUSED, summary="Decision history")
def history(depositor_id: str, refinery: RefineryDep) -> list[AssessmentOut]:
    """Every assessment of the depositor, oldest first (append-only)."""
    with gold_call(depositor_id=depositor_id):
        return refinery.depositors.history(depositor_id)


@router.get(
    "/depositors/{depositor_id}/balance", responses=REFUSED, summary="Metal account balance"
)
def balance(depositor_id: str, refinery: RefineryDep) -> MetalBalanceOut:
    """What the refinery owes the depositor, fine troy oz of Au and Ag."""
    with gold_call(depositor_id=depositor_id):
        refinery.depositors.get(depositor_id)
        found = refinery.settlements.balance(depositor_id)
    return MetalBalanceOut(
        depositor_id=depositor_id, au_fine_oz=found.au_oz, ag_fine_oz=found.ag_oz
    )


@router.post("/documents", status_code=201, responses=REFUSED, summary="Attach a document")
def add_document(
    refinery: RefineryDep,
    actor: ActorDep,
    owner_kind: Annotated[str, Form(description="depositor, origin or lot.")],
    owner_id: Annotated[str, Form()],
    kind: Annotated[str, Form(description="e.g. licence, export permit, EDD file.")],
    file: Annotated[UploadFile, File(description="The document; its SHA-256 is kept.")],
) -> DocumentOut:
    content = file.file.read(MAX_DOCUMENT_BYTES + 1)
    with gold_call():
        if len(content) > MAX_DOCUMENT_BYTES:
            from nafolo.gold.service.errors import refuse

            raise refuse("file", f"larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB")
        document = DocumentIn.model_validate(
            {
                "owner_kind": owner_kind,
                "owner_id": owner_id,
                "kind": kind,
                "filename": file.filename or "document",
                "content": content,
            }
        )
        return refinery.depositors.add_document(document, actor=actor)


@router.get("/documents", responses=REFUSED, summary="Documents of a depositor, origin or lot")
def list_documents(
    refinery: RefineryDep,
    owner_kind: Annotated[str, Query(description="depositor, origin or lot.")],
    owner_id: Annotated[str, Query()],
) -> list[DocumentOut]:
    with gold_call():
        return refinery.depositors.documents(owner_kind, owner_id)
