"""The refinery's pages, read through `nafolo.gold.service`: depositors and their due-diligence
status, lots (intake status), batches, the bar register and metal accounts; a lot's custody
timeline, assays, settlement and forward genealogy; a bar's backward genealogy to its origins.

While the gold services are not installed the page says so (the rest of the dashboard works)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from nafolo.api.deps import StateDep
from nafolo.web.deps import KitDep, Viewer
from nafolo.web.gold_status import gold_figures, gold_service
from nafolo.web.templates import render

router = APIRouter()
_log = logging.getLogger(__name__)

TABS = ("depositors", "lots", "batches", "bars", "accounts")


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


def _listing(obj: Any, *names: str) -> Any:
    for name in names:
        if hasattr(obj, name):
            return getattr(obj, name)
    raise AttributeError(names[0])


@router.get("/gold", response_class=HTMLResponse, name="web_gold")
def gold_page(
    request: Request, user: Viewer, kit: KitDep, state: StateDep, tab: str = "lots"
) -> HTMLResponse:
    refinery = _refinery(state)
    tab = tab if tab in TABS else "lots"
    context: dict[str, Any] = {"installed": refinery is not None, "tab": tab, "tabs": TABS}
    if refinery is None:
        return render(request, "gold.html", {**context, "gold": None})
    context["gold"] = gold_figures(state.engine)
    depositors = _or_empty(_listing(refinery.depositors, "all", "list"))
    context["depositors"] = depositors
    if tab == "lots":
        context["lots"] = _or_empty(_listing(refinery.lots, "all", "list"))
    elif tab == "batches":
        context["batches"] = _or_empty(_listing(refinery.refining, "all", "list"))
    elif tab == "bars":
        context["bars"] = _or_empty(refinery.vault.bars)
    elif tab == "accounts":
        context["balances"] = [
            b
            for d in depositors
            for b in _or_empty(lambda d=d: [refinery.settlements.balance(d.depositor_id)])
        ]
    return render(request, "gold.html", context)


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
        "lots": _or_empty(_listing(refinery.lots, "all", "list"), depositor_id=depositor_id),
    }
    return render(request, "gold_depositor.html", context)


@router.get("/gold/lots/{lot_id}", response_class=HTMLResponse)
def lot_page(
    request: Request, user: Viewer, kit: KitDep, state: StateDep, lot_id: str
) -> HTMLResponse:
    """A lot: what was declared and found, its custody timeline, assays, settlement and where
    its gold went (forward genealogy)."""
    refinery = _refinery(state)
    if refinery is None:
        return _not_found(request)
    service = gold_service()
    try:
        lot = refinery.lots.get(lot_id)
    except service.GoldNotFoundError:  # type: ignore[union-attr]
        return _not_found(request)
    settlement = next(iter(_or_empty(lambda: [refinery.settlements.get(lot_id)])), None)
    trace = next(iter(_or_empty(lambda: [refinery.genealogy.forward(lot_id)])), None)
    context = {
        "lot": lot,
        "custody": _or_empty(refinery.lots.custody, lot_id),
        "assays": _or_empty(refinery.lab.assays, lot_id),
        "settlement": settlement,
        "trace": trace,
    }
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
