"""/api/gold lots: scales, lot registration (admission by due diligence: refused, quarantined or
accepted), release from quarantine, receipt weighing, the chain of custody and the forward
genealogy of a lot (which batches, bars, residues its gold reached)."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query

from nafolo.api.deps import ActorDep, EngineDep, PageDep, ReadCacheDep
from nafolo.api.routes.gold_common import REFUSED, RefineryDep, gold_call
from nafolo.api.schemas.common import Paged
from nafolo.api.schemas.gold import ReleaseLotIn
from nafolo.gold.service.genealogy import LotTraceOut
from nafolo.gold.service.lots import (
    CustodyEventOut,
    LotOut,
    LotStatus,
    NewLot,
    ScaleIn,
    ScaleOut,
    WeighingIn,
    WeighingOut,
)
from nafolo.store.gold_tables import lots as lots_table

router = APIRouter(prefix="/gold", tags=["gold lots"])


@router.post("/scales", status_code=201, responses=REFUSED, summary="Register a scale")
def register_scale(body: ScaleIn, refinery: RefineryDep, actor: ActorDep) -> ScaleOut:
    """A weighing scale and its calibration validity (a weighing outside it is refused)."""
    with gold_call():
        return refinery.lots.register_scale(body, actor=actor)


@router.post("/lots", status_code=201, responses=REFUSED, summary="Register a lot")
def register_lot(body: NewLot, refinery: RefineryDep, actor: ActorDep) -> LotOut:
    """A lot announced by its depositor: origin, declared weight and fineness, seals, transport
    and export documents. Refused (422, one error per reason, rule `admission`) when the
    depositor or origin may not deliver; stored as `quarantined` under enhanced due diligence."""
    with gold_call():
        return refinery.lots.register(body, actor=actor)


@router.get("/lots", summary="List lots")
def list_lots(
    refinery: RefineryDep,
    engine: EngineDep,
    cache: ReadCacheDep,
    page: PageDep,
    depositor_id: Annotated[str | None, Query(description="Only this depositor's lots.")] = None,
    status: Annotated[LotStatus | None, Query()] = None,
) -> Paged[LotOut]:
    def listed() -> Paged[LotOut]:
        count = sa.select(sa.func.count()).select_from(lots_table)
        if depositor_id is not None:
            count = count.where(lots_table.c.depositor_id == depositor_id)
        if status is not None:
            count = count.where(lots_table.c.status == status.value)
        with engine.connect() as connection:
            total = int(connection.execute(count).scalar_one())
        items = refinery.lots.all(depositor_id, status, limit=page.limit, offset=page.offset)
        return Paged[LotOut](items=items, total=total, limit=page.limit, offset=page.offset)

    return cache.get(("lots", depositor_id, status, page), listed)


@router.get("/lots/{lot_id}", responses=REFUSED, summary="A lot")
def get_lot(lot_id: str, refinery: RefineryDep, cache: ReadCacheDep) -> LotOut:
    """Declared and received weights, status, admission reasons, CAHRA flag, settled fineness
    (‰) and fine content (troy oz), and how much of it batches have taken."""
    with gold_call(lot_id=lot_id):
        return cache.get(("lot", lot_id), lambda: refinery.lots.get(lot_id))


@router.post("/lots/{lot_id}/release", responses=REFUSED, summary="Release a lot from quarantine")
def release_lot(lot_id: str, body: ReleaseLotIn, refinery: RefineryDep, actor: ActorDep) -> LotOut:
    """The user signs off the lot's enhanced due diligence (`reason`); admission is checked
    again on the day given and refused while its reasons still hold."""
    with gold_call(lot_id=lot_id):
        return refinery.lots.release_quarantine(lot_id, actor=actor, on=body.on, reason=body.reason)


@router.post("/weighings", status_code=201, responses=REFUSED, summary="Receive a lot (weigh)")
def receive_lot(body: WeighingIn, refinery: RefineryDep, actor: ActorDep) -> WeighingOut:
    """Gross and tare on a calibrated scale give the net weight (g) and its variance against the
    declaration; the lot's metal enters intake on the ledger."""
    with gold_call():
        return refinery.lots.receive(body, actor=actor)


@router.get("/lots/{lot_id}/custody", responses=REFUSED, summary="Chain of custody")
def custody(lot_id: str, refinery: RefineryDep) -> list[CustodyEventOut]:
    """Every hand-off of the lot in time order: who, when, and the ledger entry if any."""
    with gold_call(lot_id=lot_id):
        return refinery.lots.custody(lot_id)


@router.get("/lots/{lot_id}/trace", responses=REFUSED, summary="Forward genealogy of a lot")
def trace_lot(lot_id: str, refinery: RefineryDep) -> LotTraceOut:
    """Where the lot's fine gold went: shares (exact fractions) and fine oz per batch and per end
    (bars, residues, in process, loss)."""
    with gold_call(lot_id=lot_id):
        return refinery.genealogy.forward(lot_id)
