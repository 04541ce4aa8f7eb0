"""The ledger: its head, its entries (filtered, paged with htmx), and verification — the hash
chain and every balance recomputed from the journal, with the first problem named."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from nafolo.api.deps import LedgerDep
from nafolo.ledger import Ledger
from nafolo.web.deps import KitDep, Verifier, Viewer
from nafolo.web.templates import render

router = APIRouter()
PAGE = 25


def _entries(ledger: Ledger, commodity: str, kind: str, offset: int) -> dict[str, object]:
    only_commodity, only_kind = commodity or None, kind or None
    return {
        "entries": ledger.entries(
            commodity=only_commodity, kind=only_kind, newest_first=True, limit=PAGE, offset=offset
        ),
        "total": ledger.count_entries(commodity=only_commodity, kind=only_kind),
        "offset": offset,
        "page_size": PAGE,
        "commodity": commodity,
        "kind": kind,
        "units": {c.code: c.unit for c in ledger.commodities()},
    }


@router.get("/ledger", response_class=HTMLResponse, name="web_ledger")
def ledger_page(
    request: Request,
    user: Viewer,
    kit: KitDep,
    ledger: LedgerDep,
    commodity: str = "",
    kind: str = "",
    offset: int = 0,
) -> HTMLResponse:
    context = {
        "head": ledger.head(),
        "commodities": ledger.commodities(),
        **_entries(ledger, commodity, kind, max(offset, 0)),
    }
    partial = request.headers.get("hx-request") == "true"
    return render(request, "ledger_entries.html" if partial else "ledger.html", context)


@router.post("/ledger/verify", response_class=HTMLResponse, name="web_ledger_verify")
async def verify(request: Request, user: Verifier, kit: KitDep, ledger: LedgerDep) -> HTMLResponse:
    """Recompute the chain and the balances (seconds for a large ledger)."""
    report = await run_in_threadpool(ledger.verify)
    template = (
        "ledger_verify.html" if request.headers.get("hx-request") == "true" else "ledger.html"
    )
    context = {
        "report": report,
        "head": ledger.head(),
        "commodities": ledger.commodities(),
        **_entries(ledger, "", "", 0),
    }
    return render(request, template, context)
