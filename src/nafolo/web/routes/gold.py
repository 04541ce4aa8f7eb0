"""The refinery's pages, read through `nafolo.gold.service`: depositors and their due-diligence
status, lots (intake status), batches, the bar register and metal accounts — one page of each at
a time; a lot's custody timeline, assays, settlement and forward genealogy; a bar's backward
genealogy to its origins. The refinery's forms (`nafolo.web.gold_forms`) are posted to
`/gold/forms/<name>`, each behind its own permission.

While the gold services are not installed the page says so (the rest of the dashboard works)."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from nafolo.api.deps import StateDep
from nafolo.auth.users import User
from nafolo.auth.web import require_page
from nafolo.store import gold_tables
from nafolo.web.deps import KitDep, Viewer
from nafolo.web.forms import FormErrors, Reader, field_errors, form_messages, validation_problems
from nafolo.web.gold_forms import BAR_KINDS, FORMS, METHODS, ROLES, ROUTES, GoldForm, accepts
from nafolo.web.gold_status import gold_figures, gold_service
from nafolo.web.reads import together
from nafolo.web.templates import flash, render

router = APIRouter()
_log = logging.getLogger(__name__)

TABS = ("depositors", "lots", "batches", "bars", "accounts")
LOT_FORMS = ("receive", "samples", "assay", "exchange", "settle")
TAB_FORMS = {
    "lots": ("register_lot",),
    "batches": ("plan_batch", "close_batch", "cast_bars"),
    "bars": ("move_bar", "request_release", "approve_release"),
}
PAGE = 25
"""Rows per page of a register."""
BATCH_PAGE = 10
"""Batches per page: each batch's balance (bars, residues, losses) is worked out when shown."""


def _refinery(state: Any) -> Any | None:
    service = gold_service()
    return None if service is None else service.Refinery(state.engine)


def _or_empty(read: Any, *args: Any, **kwargs: Any) -> list[Any]:
    """A listing, or nothing when the refinery's store cannot answer (logged)."""
    try:
        return list(read(*args, **kwargs))
    except LookupError:
        return []
    except Exception:
        _log.exception("gold listing failed")
        return []


def _now_local() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M")


def _form_state(
    name: str | None, values: Mapping[str, Any] | None, errors: FormErrors | None
) -> dict[str, Any]:
    """Values and errors of each refinery form on a page: the posted one keeps what was typed."""
    today = datetime.now(UTC).date().isoformat()
    now = _now_local()
    defaults = {
        "arrived_on": today,
        "planned_on": today,
        "weighed_at": now,
        "cast_at": now,
        "moved_at": now,
        "requested_at": now,
        "approved_at": now,
        "tare_g": "0",
        "loss_au_oz": "0",
        "in_process_au_oz": "0",
        "declared_ag_per_mille": "0",
    }
    forms: dict[str, Any] = {}
    for form in FORMS:
        posted = form == name
        forms[form] = {
            "values": {**defaults, **(values or {})} if posted else dict(defaults),
            "errors": (errors or FormErrors()) if posted else FormErrors(),
        }
    return forms


def _register(refinery: Any, tab: str, offset: int) -> tuple[dict[str, Any], bool]:
    """One page of the tab's register (rows, and whether there is a next page)."""
    if tab == "lots":
        rows = _or_empty(refinery.lots.all, limit=PAGE + 1, offset=offset)
    elif tab == "bars":
        rows = _or_empty(refinery.vault.bars, limit=PAGE + 1, offset=offset)
    elif tab == "batches":
        ids = _page_of_ids(
            refinery, gold_tables.batches, "batch_id", offset, BATCH_PAGE, newest_first=True
        )
        rows = [b for i in ids for b in _or_empty(lambda i=i: [refinery.refining.get(i)])]
        return {"rows": rows[:BATCH_PAGE]}, len(rows) > BATCH_PAGE
    else:
        ids = _page_of_ids(refinery, gold_tables.depositors, "depositor_id", offset, PAGE)
        if tab == "accounts":
            balances = [
                b
                for i in ids[:PAGE]
                for b in _or_empty(lambda i=i: [refinery.settlements.balance(i)])
            ]
            return {"rows": balances, "balances": balances}, len(ids) > PAGE
        rows = [d for i in ids for d in _or_empty(lambda i=i: [refinery.depositors.get(i)])]
    more = len(rows) > PAGE
    return {"rows": rows[:PAGE]}, more


def _page_of_ids(
    refinery: Any, table: sa.Table, key: str, offset: int, size: int, *, newest_first: bool = False
) -> list[str]:
    """One page (plus one, to know whether another follows) of a register's keys, read straight
    from its table: the services list whole registers, and a page shows only 25 rows."""
    order = table.c.planned_on.desc() if newest_first else table.c[key]
    query = sa.select(table.c[key]).order_by(order, table.c[key]).limit(size + 1).offset(offset)
    try:
        with refinery.context.engine.connect() as connection:
            return [str(k) for k in connection.execute(query).scalars()]
    except Exception:
        _log.exception("gold register page failed")
        return []


def _gold_context(
    state: Any,
    tab: str,
    offset: int,
    form: str | None = None,
    values: Mapping[str, Any] | None = None,
    errors: FormErrors | None = None,
) -> dict[str, Any]:
    refinery = _refinery(state)
    tab = tab if tab in TABS else "lots"
    offset = max(offset, 0)
    context: dict[str, Any] = {
        "installed": refinery is not None,
        "tab": tab,
        "tabs": TABS,
        "tab_forms": TAB_FORMS.get(tab, ()),
        "offset": offset,
        "page_size": BATCH_PAGE if tab == "batches" else PAGE,
        "forms": _form_state(form, values, errors),
        **_form_extras(refinery),
    }
    if refinery is None:
        return {**context, "gold": None}
    found = together(
        gold=lambda: gold_figures(state.engine),
        register=lambda: _register(refinery, tab, offset),
    )
    register, more = found["register"]
    return {**context, "gold": found["gold"], **register, "more": more}


def _form_extras(refinery: Any | None) -> dict[str, Any]:
    """What the refinery forms need besides their values: the lists offered, each form's
    permission, and which forms take a business date (the service method accepts it)."""
    choices = {"roles": list(ROLES), "methods": list(METHODS), "routes": list(ROUTES),
               "bar_kinds": list(BAR_KINDS), "release_kinds": ["shipment", "return"]}  # fmt: skip
    dated = {}
    if refinery is not None:
        dated = {
            "exchange": accepts(refinery.lab.exchange, "at"),
            "settle": accepts(refinery.settlements.settle, "settled_at", "at"),
        }
    return {
        "choices": choices,
        "perms": {name: form.permission for name, form in FORMS.items()},
        "dated": dated,
    }


@router.get("/gold", response_class=HTMLResponse, name="web_gold")
def gold_page(
    request: Request,
    user: Viewer,
    kit: KitDep,
    state: StateDep,
    tab: str = "lots",
    offset: int = 0,
) -> HTMLResponse:
    return render(request, "gold.html", _gold_context(state, tab, offset))


def _not_found(request: Request) -> HTMLResponse:
    return render(request, "not_found.html", {}, status_code=404)


@router.get("/gold/depositors/{depositor_id}", response_class=HTMLResponse)
def depositor_page(
    request: Request, user: Viewer, kit: KitDep, state: StateDep, depositor_id: str
) -> HTMLResponse:
    refinery = _refinery(state)
    if refinery is None:
        return _not_found(request)
    service = gold_service()
    try:
        depositor = refinery.depositors.get(depositor_id)
    except service.GoldNotFoundError:  # type: ignore[union-attr]
        return _not_found(request)
    context = {
        "depositor": depositor,
        "history": _or_empty(refinery.depositors.history, depositor_id),
        "balance": next(
            iter(_or_empty(lambda: [refinery.settlements.balance(depositor_id)])), None
        ),
        "lots": _or_empty(refinery.lots.all, depositor_id=depositor_id, limit=PAGE, offset=0),
    }
    return render(request, "gold_depositor.html", context)


def _lot_context(
    refinery: Any,
    lot: Any,
    form: str | None = None,
    values: Mapping[str, Any] | None = None,
    errors: FormErrors | None = None,
) -> dict[str, Any]:
    lot_id = lot.lot_id
    assays = _or_empty(refinery.lab.assays, lot_id)
    refiner_by = next((a.entered_by for a in assays if str(a.role) == "refiner"), None)
    forms = _form_state(form, values, errors)
    for name in LOT_FORMS:
        forms[name]["values"]["lot_id"] = lot_id
    return {
        "lot": lot,
        "custody": _or_empty(refinery.lots.custody, lot_id),
        "assays": assays,
        "refiner_assay_by": refiner_by,
        "settlement": next(iter(_or_empty(lambda: [refinery.settlements.get(lot_id)])), None),
        "trace": next(iter(_or_empty(lambda: [refinery.genealogy.forward(lot_id)])), None),
        "forms": forms,
        **_form_extras(refinery),
    }


@router.get("/gold/lots/{lot_id}", response_class=HTMLResponse)
def lot_page(
    request: Request, user: Viewer, kit: KitDep, state: StateDep, lot_id: str
) -> HTMLResponse:
    """A lot: what was declared and found, its custody timeline, assays, settlement and where
    its gold went (forward genealogy), with the forms of its next steps."""
    refinery = _refinery(state)
    if refinery is None:
        return _not_found(request)
    service = gold_service()
    try:
        lot = refinery.lots.get(lot_id)
    except service.GoldNotFoundError:  # type: ignore[union-attr]
        return _not_found(request)
    context = _lot_context(refinery, lot)
    return render(request, "gold_lot.html", context)


@router.get("/gold/bars/{bar_id}", response_class=HTMLResponse)
def bar_page(
    request: Request, user: Viewer, kit: KitDep, state: StateDep, bar_id: str
) -> HTMLResponse:
    """A bar of the register and the lots and origins its gold came from."""
    refinery = _refinery(state)
    if refinery is None:
        return _not_found(request)
    service = gold_service()
    try:
        bar = refinery.vault.bar(bar_id)
    except service.GoldNotFoundError:  # type: ignore[union-attr]
        return _not_found(request)
    trace = next(iter(_or_empty(lambda: [refinery.genealogy.backward(bar_id)])), None)
    return render(request, "gold_bar.html", {"bar": bar, "trace": trace})


# ---- forms -------------------------------------------------------------------------------------


def refusal_paths(error: Any) -> list[tuple[tuple[str, ...], str]]:
    """A GoldRefusedError's problems as (path, message): `bars[0].serial` → (bars, 0, serial)."""
    problems = []
    for p in error.problems:
        dotted = re.sub(r"\[(\d+)\]", r".\1", p.field)
        dotted = re.sub(r"^(lots|weighings|samples|assays)\.\d+\.", "", dotted)
        problems.append((tuple(dotted.split(".")) if dotted else (), p.message))
    return problems


def _submit(
    spec: GoldForm, refinery: Any, reader: Reader, actor: str
) -> tuple[Any | None, FormErrors]:
    """Run the form's service call; its answer, or the errors placed on the form's fields."""
    service = gold_service()
    names = [*reader.data.keys(), "approver"]
    action = spec.build(reader)
    if reader.errors:
        return None, reader.errors
    try:
        return action(refinery, actor), FormErrors()
    except ValidationError as error:
        return None, field_errors(validation_problems(error), names, spec.aliases)
    except service.GoldRefusedError as error:  # type: ignore[union-attr]
        aliases = {"actor": "approver", **spec.aliases}
        return None, field_errors(refusal_paths(error), names, aliases)
    except service.GoldNotFoundError as error:  # type: ignore[union-attr]
        return None, field_errors([((str(error.kind) + "_id",), str(error))], names, spec.aliases)


def _make_endpoint(name: str, spec: GoldForm) -> Any:
    async def post_form(
        request: Request,
        kit: KitDep,
        state: StateDep,
        user: User = Depends(require_page(spec.permission)),
    ) -> Response:
        refinery = _refinery(state)
        if refinery is None:
            return _not_found(request)
        form = await request.form()
        values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
        reader = Reader(values, form_messages(kit._))
        result, errors = _submit(spec, refinery, reader, user.username)
        htmx = request.headers.get("hx-request") == "true"
        lot_id = str(values.get("lot_id", ""))
        if result is None:
            if spec.home == "lot":
                try:
                    lot = refinery.lots.get(lot_id)
                except LookupError:
                    return _not_found(request)
                context = _lot_context(refinery, lot, name, values, errors)
                page = "gold_lot.html"
            else:
                context = _gold_context(state, spec.home, 0, name, values, errors)
                page = "gold.html"
            context["form_name"] = name
            template = "gold/form.html" if htmx else page
            return render(request, template, context, status_code=422)
        target = f"/gold/lots/{lot_id}" if spec.home == "lot" else f"/gold?tab={spec.home}"
        if name == "register_lot":
            target = f"/gold/lots/{lot_id}"
        response: Response
        if htmx:
            response = Response(status_code=204, headers={"HX-Redirect": target})
        else:
            response = RedirectResponse(target, status_code=303)
        flash(request, response, kit._(spec.done))
        return response

    post_form.__name__ = f"post_gold_{name}"
    return post_form


for _name, _spec in FORMS.items():
    router.add_api_route(
        f"/gold/forms/{_name}",
        _make_endpoint(_name, _spec),
        methods=["POST"],
        response_class=HTMLResponse,
        name=f"web_gold_{_name}",
    )
