"""Alerts: depots under their cover target, overdue convoys, transit and dip variances above
tolerance — derived from the ledger when asked, filtered by kind (htmx partial)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from nafolo.api.deps import LedgerDep, NetworkDep
from nafolo.fuel.alerts import AlertKind, alerts
from nafolo.web.deps import KitDep, Viewer
from nafolo.web.templates import render

router = APIRouter()


@router.get("/fuel/alerts", response_class=HTMLResponse, name="web_alerts")
def alerts_page(
    request: Request,
    user: Viewer,
    kit: KitDep,
    ledger: LedgerDep,
    network: NetworkDep,
    kind: str = "",
) -> HTMLResponse:
    found = alerts(ledger, network)
    counts = {k.value: sum(1 for a in found if a.kind == k) for k in AlertKind}
    shown = [a for a in found if not kind or a.kind.value == kind]
    context = {
        "alerts": shown,
        "kind": kind,
        "kinds": [k.value for k in AlertKind],
        "counts": counts,
        "total": len(found),
    }
    partial = request.headers.get("hx-request") == "true"
    return render(request, "fuel/alerts_table.html" if partial else "fuel/alerts.html", context)
