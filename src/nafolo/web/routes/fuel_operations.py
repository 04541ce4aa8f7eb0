"""Fuel operations: forms to record liftings, convoy dispatches and events, receipts, withdrawals
and dips, and the lists of what was recorded (paged with htmx). Each form goes through the same
service as the REST API (`FuelOperations`): one all-or-nothing ledger transaction, refusals
shown next to the field at fault, nothing recorded on refusal."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from nafolo.api.deps import AppState, LedgerDep, NetworkDep, StateDep
from nafolo.fuel.network.model import Network
from nafolo.fuel.operations.catalogue import OperationRefusedError
from nafolo.fuel.operations.inputs import (
    ConvoyDispatch,
    ConvoyEvent,
    ConvoyEventKind,
    Dip,
    Lifting,
    Receipt,
    Withdrawal,
)
from nafolo.fuel.operations.journal import Journal
from nafolo.fuel.operations.service import FuelOperations, OperationResult
from nafolo.fuel.readmodels import convoy_statuses
from nafolo.fuel.readmodels.convoys import ConvoyStatus
from nafolo.ledger import Ledger
from nafolo.web.deps import Kit, KitDep, Operator, Viewer
from nafolo.web.forms import (
    FormErrors,
    Reader,
    field_errors,
    form_messages,
    refusal_problems,
    validation_problems,
)
from nafolo.web.labels import code_label
from nafolo.web.reads import together
from nafolo.web.templates import flash, render

router = APIRouter()

TABS = ("liftings", "convoys", "events", "receipts", "withdrawals", "dips")
TAB_KIND = {
    "liftings": "lifting",
    "convoys": "dispatch",
    "events": "truck_lost",
    "receipts": "receipt",
    "withdrawals": "withdrawal",
    "dips": "dip_loss",
}
"""The ledger entry kind each tab lists."""
COMPARTMENT_ROWS = 3
PAGE = 20
LOAD_FIELDS = ("volume_l", "temperature_c", "density_kg_m3")


@dataclass(frozen=True)
class Choices:
    """The network's codes offered in the forms' lists."""

    contracts: list[tuple[str, str]]
    ports: list[tuple[str, str]]
    products: list[tuple[str, str]]
    depots: list[tuple[str, str]]
    regions: list[tuple[str, str]]
    corridors: list[tuple[str, str]]
    convoys: list[tuple[str, str]]
    events: list[tuple[str, str]]


def choices(network: Network, on_road: list[ConvoyStatus], kit: Kit) -> Choices:
    return Choices(
        contracts=[(c.contract, c.contract) for c in network.contracts],
        ports=[(p.port, p.name) for p in network.ports],
        products=[(p.product, p.name) for p in network.products],
        depots=[(d.depot, d.name) for d in network.depots],
        regions=[(r.region, r.name) for r in network.regions],
        corridors=[(c.corridor, f"{c.corridor} — {c.name}") for c in network.corridors],
        convoys=[(s.convoy, f"{s.convoy} ({s.corridor})") for s in on_road],
        events=[(e.value, code_label(e, kit._)) for e in ConvoyEventKind],
    )


def pending_compartments(ledger: Ledger, convoy: str) -> list[dict[str, Any]]:
    """The compartments of `convoy` still on board (dispatched, not yet received or lost)."""
    if not convoy:
        return []
    return [
        {
            "truck": c.truck,
            "compartment": c.compartment,
            "product": c.product,
            "quantity_t": c.quantity_t,
        }
        for c in Journal(ledger.engine).on_board(convoy)
    ]


def recorded(ledger: Ledger, tab: str, offset: int) -> tuple[list[Any], int]:
    kind = TAB_KIND[tab]
    kinds = (
        ("dip_loss", "dip_gain")
        if tab == "dips"
        else ("truck_lost",)
        if tab == "events"
        else (kind,)
    )
    rows: list[Any] = []
    total = 0
    for k in kinds:
        total += ledger.count_entries(kind=k)
        rows += ledger.entries(kind=k, newest_first=True, limit=offset + PAGE)
    rows.sort(key=lambda e: -e.seq)
    return rows[offset : offset + PAGE], total


def _now_local() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M")


def _page_context(
    request: Request,
    tab: str,
    network: Network,
    ledger: Ledger,
    kit: Kit,
    values: Mapping[str, Any] | None = None,
    errors: FormErrors | None = None,
) -> dict[str, Any]:
    values = dict(values or {})
    for moment in ("lifted_at", "dispatched_at", "at", "received_at", "withdrawn_at", "dipped_at"):
        values.setdefault(moment, _now_local())
    convoy = str(values.get("convoy", "")) if tab == "receipts" else ""
    found = together(
        recorded=lambda: recorded(ledger, tab, 0),
        on_road=lambda: convoy_statuses(ledger, network),
        pending=lambda: pending_compartments(ledger, convoy),
    )
    rows, total = found["recorded"]
    on_road = found["on_road"]
    return {
        "tab": tab,
        "tabs": TABS,
        "values": values,
        "errors": errors or FormErrors(),
        "choices": choices(network, on_road, kit),
        "rows": rows,
        "total": total,
        "offset": 0,
        "page_size": PAGE,
        "compartment_rows": range(1, COMPARTMENT_ROWS + 1),
        "pending": found["pending"],
        "statuses": on_road if tab == "convoys" else [],
        "now": datetime.now(UTC),
    }


@router.get("/fuel/operations", response_class=HTMLResponse, name="web_operations")
def operations_page(
    request: Request,
    user: Viewer,
    kit: KitDep,
    ledger: LedgerDep,
    network: NetworkDep,
    tab: str = "receipts",
) -> HTMLResponse:
    tab = tab if tab in TABS else "receipts"
    values = {k: v for k, v in request.query_params.items() if k != "tab"}
    return render(
        request, "fuel/operations.html", _page_context(request, tab, network, ledger, kit, values)
    )


@router.get("/fuel/operations/{tab}/list", response_class=HTMLResponse)
def operations_list(
    request: Request, user: Viewer, kit: KitDep, ledger: LedgerDep, tab: str, offset: int = 0
) -> HTMLResponse:
    """A page of recorded operations (htmx partial)."""
    if tab not in TABS:
        return render(request, "not_found.html", {}, status_code=404)
    rows, total = recorded(ledger, tab, max(offset, 0))
    context = {
        "tab": tab,
        "rows": rows,
        "total": total,
        "offset": max(offset, 0),
        "page_size": PAGE,
    }
    return render(request, "fuel/operations_list.html", context)


@router.get("/fuel/operations/receipts/pending", response_class=HTMLResponse)
def receipts_pending(
    request: Request, user: Viewer, kit: KitDep, ledger: LedgerDep, convoy: str = ""
) -> HTMLResponse:
    """The compartments of a convoy still on board (htmx partial beside the receipt form)."""
    context = {"pending": pending_compartments(ledger, convoy), "values": {"convoy": convoy}}
    return render(request, "fuel/pending.html", context)


# ---- building operations from forms ------------------------------------------------------------


def _load(reader: Reader, prefix: str = "") -> dict[str, Any]:
    return {f: reader.decimal(prefix + f) for f in LOAD_FIELDS}


def _lifting(r: Reader, actor: str) -> dict[str, Any]:
    return {
        "document_ref": r.text("document_ref"),
        "contract": r.text("contract"),
        "port": r.text("port"),
        "product": r.text("product"),
        "lifted_at": r.moment("lifted_at"),
        "quantity_t": r.decimal("quantity_t"),
        "actor": actor,
    }


def _dispatch(r: Reader, actor: str) -> dict[str, Any]:
    compartments = []
    for n in range(1, COMPARTMENT_ROWS + 1):
        p = f"c{n}_"
        if not str(r.data.get(p + "truck", "")).strip():
            continue
        compartments.append(
            {
                "truck": r.text(p + "truck"),
                "compartment": r.integer(p + "compartment", low=1, high=20),
                "product": r.text(p + "product"),
                "carrier": r.text(p + "carrier", required=False),
                "load": _load(r, p),
            }
        )
    if not compartments:
        r.errors.add("c1_truck", r.messages["required"])
    return {
        "document_ref": r.text("document_ref"),
        "convoy": r.text("convoy"),
        "corridor": r.text("corridor"),
        "contract": r.text("contract"),
        "dispatched_at": r.moment("dispatched_at"),
        "escorted": r.flag("escorted"),
        "compartments": compartments,
        "actor": actor,
    }


def _event(r: Reader, actor: str) -> dict[str, Any]:
    return {
        "document_ref": r.text("document_ref"),
        "convoy": r.text("convoy"),
        "event": r.choice("event", [e.value for e in ConvoyEventKind]),
        "at": r.moment("at"),
        "truck": r.text("truck", required=False) or None,
        "delay_days": r.decimal("delay_days", required=False),
        "note": r.text("note", required=False),
        "actor": actor,
    }


def _receipt(r: Reader, actor: str) -> dict[str, Any]:
    return {
        "document_ref": r.text("document_ref"),
        "convoy": r.text("convoy"),
        "truck": r.text("truck"),
        "compartment": r.integer("compartment", low=1, high=20),
        "depot": r.text("depot"),
        "received_at": r.moment("received_at"),
        "load": _load(r),
        "actor": actor,
    }


def _withdrawal(r: Reader, actor: str) -> dict[str, Any]:
    return {
        "document_ref": r.text("document_ref"),
        "depot": r.text("depot"),
        "region": r.text("region"),
        "product": r.text("product"),
        "withdrawn_at": r.moment("withdrawn_at"),
        "quantity_t": r.decimal("quantity_t"),
        "actor": actor,
    }


def _dip(r: Reader, actor: str) -> dict[str, Any]:
    return {
        "document_ref": r.text("document_ref"),
        "depot": r.text("depot"),
        "product": r.text("product"),
        "dipped_at": r.moment("dipped_at"),
        "load": _load(r),
        "actor": actor,
    }


@dataclass(frozen=True)
class FormSpec:
    model: type[BaseModel]
    build: Callable[[Reader, str], dict[str, Any]]
    record: Callable[[FuelOperations, Any], OperationResult]
    done: str  # English source of the success message


FORMS: dict[str, FormSpec] = {
    "liftings": FormSpec(
        Lifting, _lifting, lambda s, op: s.record_lifting(op), "Lifting recorded."
    ),
    "convoys": FormSpec(
        ConvoyDispatch, _dispatch, lambda s, op: s.dispatch_convoy(op), "Convoy dispatched."
    ),
    "events": FormSpec(
        ConvoyEvent, _event, lambda s, op: s.record_convoy_event(op), "Convoy event recorded."
    ),
    "receipts": FormSpec(
        Receipt, _receipt, lambda s, op: s.record_receipt(op), "Receipt recorded."
    ),
    "withdrawals": FormSpec(
        Withdrawal, _withdrawal, lambda s, op: s.record_withdrawal(op), "Withdrawal recorded."
    ),
    "dips": FormSpec(Dip, _dip, lambda s, op: s.record_dip(op), "Dip recorded."),
}


def _aliases(values: Mapping[str, Any]) -> dict[str, str]:
    """API field paths → form fields: load.volume_l → volume_l, compartments.0.truck → c1_truck."""
    aliases = {f"load.{f}": f for f in LOAD_FIELDS}
    for n in range(COMPARTMENT_ROWS):
        for f in ("truck", "compartment", "product", "carrier"):
            aliases[f"compartments.{n}.{f}"] = f"c{n + 1}_{f}"
        for f in LOAD_FIELDS:
            aliases[f"compartments.{n}.load.{f}"] = f"c{n + 1}_{f}"
    return aliases


def _record(
    state: AppState, spec: FormSpec, reader: Reader, actor: str
) -> tuple[OperationResult | None, FormErrors]:
    data = spec.build(reader, actor)
    if reader.errors:
        return None, reader.errors
    names = list(reader.data.keys())
    try:
        operation = spec.model.model_validate(data)
    except ValidationError as error:
        return None, field_errors(validation_problems(error), names, _aliases(reader.data))
    try:
        return spec.record(state.fuel_operations(), operation), FormErrors()
    except OperationRefusedError as error:
        return None, field_errors(refusal_problems(error), names, _aliases(reader.data))


@router.post("/fuel/operations/{tab}", response_class=HTMLResponse, name="web_operations_record")
async def record_operation(
    request: Request,
    tab: str,
    user: Operator,
    kit: KitDep,
    state: StateDep,
    ledger: LedgerDep,
    network: NetworkDep,
) -> Response:
    """Record the posted operation; back to the tab with a message, or the form with its errors."""
    spec = FORMS.get(tab)
    if spec is None:
        return render(request, "not_found.html", {}, status_code=404)
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    reader = Reader(values, form_messages(kit._))
    result, errors = _record(state, spec, reader, user.username)
    if result is None:
        context = _page_context(request, tab, network, ledger, kit, values, errors)
        htmx = request.headers.get("hx-request") == "true"
        template = "fuel/operation_form.html" if htmx else "fuel/operations.html"
        return render(request, template, context, status_code=422)
    message = kit._(spec.done)
    if result.replayed:
        message = kit._("Already recorded: nothing new was written.")
    variance = result.variance
    if variance is not None and variance.above_tolerance:
        message += " " + kit._("Variance above tolerance: {difference} ({percent}).").format(
            difference=kit.formats.quantity(variance.difference_t, "t", 3),
            percent=kit.formats.percent(variance.variance_pct, 2),
        )
    target = f"/fuel/operations?tab={tab}"
    if tab in ("receipts", "events") and values.get("convoy"):
        target += f"&convoy={values['convoy']}"
    response: Response
    if request.headers.get("hx-request") == "true":
        response = Response(status_code=204, headers={"HX-Redirect": target})
    else:
        response = RedirectResponse(target, status_code=303)
    flash(request, response, message)
    return response
