"""/api/gold bars and vault: cast bars from a batch (LBMA bar rules), list and move them between
vault locations, release them (shipment or return to a depositor: requested by one person,
approved by another), trace a bar back to its lots and origins, and download weight lists."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from nafolo.api.deps import ActorDep, PageDep, ReadCacheDep
from nafolo.api.problems import ProblemError, field_error
from nafolo.api.routes.gold_common import (
    CSV_MEDIA_TYPE,
    REFUSED,
    XLSX_MEDIA_TYPE,
    RefineryDep,
    gold_call,
)
from nafolo.api.schemas.common import Paged
from nafolo.api.schemas.gold import AtMoment, LocationIn, MoveIn
from nafolo.auth.roles import Permission
from nafolo.auth.web import needs
from nafolo.gold.service.genealogy import BarTraceOut
from nafolo.gold.service.vault import (
    BarOut,
    CastBars,
    LocationOut,
    ReleaseIn,
    ShipmentOut,
    WeightListRowOut,
)

router = APIRouter(prefix="/gold", tags=["gold bars and vault"])

WEIGHT_LIST_HEADER = ("serial", "brand", "gross_oz", "fineness", "fine_oz", "year")


@router.post("/locations", status_code=201, responses=REFUSED, summary="Add a vault location")
def add_location(body: LocationIn, refinery: RefineryDep, actor: ActorDep) -> LocationOut:
    with gold_call():
        return refinery.vault.add_location(body.code, body.name, actor=actor)


@router.post(
    "/bars",
    status_code=201,
    responses=REFUSED,
    summary="Cast bars from a batch",
    openapi_extra=needs(Permission.REFINE),
)
def cast_bars(body: CastBars, refinery: RefineryDep, actor: ActorDep) -> list[BarOut]:
    """Each bar's scale reading and fineness give its stated gross and fine weight (Good
    Delivery: 0.025 oz steps with the turn of scale; kilobar; silver); a bar breaking a rule is
    refused naming it (`bar_fine_content`, `bar_serial_unique`…), and then none is cast."""
    with gold_call():
        return refinery.vault.cast_bars(body, actor=actor)


@router.get("/bars", summary="List bars")
def list_bars(
    refinery: RefineryDep,
    cache: ReadCacheDep,
    page: PageDep,
    location: Annotated[str | None, Query(description="Vault location code.")] = None,
    status: Annotated[Literal["vaulted", "shipped"] | None, Query()] = None,
    batch_id: Annotated[str | None, Query()] = None,
) -> Paged[BarOut]:
    filters = {"location": location, "status": status, "batch_id": batch_id}

    def listed() -> Paged[BarOut]:
        items = refinery.vault.bars(**filters, limit=page.limit, offset=page.offset)
        total = refinery.vault.count_bars(**filters)
        return Paged[BarOut](items=items, total=total, limit=page.limit, offset=page.offset)

    return cache.get(("bars", location, status, batch_id, page), listed)


@router.get("/bars/{bar_id}", responses=REFUSED, summary="A bar")
def get_bar(bar_id: str, refinery: RefineryDep, cache: ReadCacheDep) -> BarOut:
    """`bar_id` is BRAND-YEAR-SERIAL, e.g. SENOU-2026-A00001."""
    with gold_call(bar_id=bar_id):
        return cache.get(("bar", bar_id), lambda: refinery.vault.bar(bar_id))


@router.post("/bars/{bar_id}/move", responses=REFUSED, summary="Move a bar in the vault")
def move_bar(bar_id: str, body: MoveIn, refinery: RefineryDep, actor: ActorDep) -> BarOut:
    with gold_call(bar_id=bar_id):
        return refinery.vault.move(bar_id, body.to_location, actor=actor, at=_at(body.at))


@router.get("/bars/{bar_id}/trace", responses=REFUSED, summary="Backward genealogy of a bar")
def trace_bar(bar_id: str, refinery: RefineryDep) -> BarTraceOut:
    """The batches, lots and origins (country, region, scale, CAHRA) the bar's gold came from,
    with exact shares and fine oz."""
    with gold_call(bar_id=bar_id):
        return refinery.genealogy.backward(bar_id)


@router.post("/shipments", status_code=201, responses=REFUSED, summary="Request a release")
def request_release(body: ReleaseIn, refinery: RefineryDep, actor: ActorDep) -> ShipmentOut:
    """Bars to ship to a consignee, or to return to a depositor against its metal account; stays
    pending until someone else approves it."""
    with gold_call():
        return refinery.vault.request_release(body, actor=actor)


@router.post(
    "/shipments/{shipment_id}/approve", responses=REFUSED, summary="Approve a release (ship)"
)
def approve_release(
    shipment_id: str, body: AtMoment, refinery: RefineryDep, actor: ActorDep
) -> ShipmentOut:
    """The bars leave the vault; refused when the approver requested it (`four_eyes`) or, for a
    return, beyond the depositor's metal account (`insufficient_metal`)."""
    with gold_call(shipment_id=shipment_id):
        return refinery.vault.approve_release(shipment_id, actor=actor, at=_at(body.at))


@router.get("/shipments/{shipment_id}", responses=REFUSED, summary="A shipment")
def get_shipment(shipment_id: str, refinery: RefineryDep) -> ShipmentOut:
    with gold_call(shipment_id=shipment_id):
        return refinery.vault.shipment(shipment_id)


@router.get(
    "/weight-list",
    responses={
        **REFUSED,
        200: {
            "content": {CSV_MEDIA_TYPE: {}, XLSX_MEDIA_TYPE: {}},
            "description": "JSON rows, or a CSV / .xlsx file to download.",
        },
    },
    summary="LBMA weight list",
    response_model=list[WeightListRowOut],
)
def weight_list(
    refinery: RefineryDep,
    shipment_id: Annotated[str | None, Query(description="The bars of this shipment.")] = None,
    bar_id: Annotated[list[str] | None, Query(description="These bars (repeatable).")] = None,
    format: Annotated[Literal["json", "csv", "xlsx"], Query(description="Answer as.")] = "json",
) -> Response | list[WeightListRowOut]:
    """Serial, brand, gross oz, fineness, fine oz, year — for the bars asked (default: all)."""
    if shipment_id is not None and bar_id:
        message = "give shipment_id or bar_id, not both"
        raise ProblemError(422, "validation", message, [field_error(["query", "bar_id"], message)])
    with gold_call("query"):
        rows = refinery.vault.weight_list(bar_ids=bar_id or None, shipment_id=shipment_id)
        if format == "json":
            return rows
        name = f"weight-list-{shipment_id or 'bars'}"
        if format == "csv":
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(WEIGHT_LIST_HEADER)
            writer.writerows([getattr(r, c) for c in WEIGHT_LIST_HEADER] for r in rows)
            return Response(
                ("\ufeff" + text.getvalue()).encode("utf-8"),
                media_type=CSV_MEDIA_TYPE,
                headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
            )
        with tempfile.TemporaryDirectory(prefix="nafolo-weights-") as folder:
            path = Path(folder) / f"{name}.xlsx"
            refinery.vault.export_weight_list(path, bar_ids=bar_id or None, shipment_id=shipment_id)
            content = path.read_bytes()
    return Response(
        content,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


def _at(moment: datetime) -> datetime:
    """A moment given naive is Bamako time, i.e. UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
