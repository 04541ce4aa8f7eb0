"""Reports to download: the fuel-monthly and refinery-monthly reports (PDF for the committee,
Excel for analysts) in French or English, served by the reports API
(`GET /api/reports/<kind>?period=YYYY-MM&lang=fr&format=pdf`), and the ledger's chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from nafolo.api.deps import LedgerDep
from nafolo.web.deps import KitDep, Viewer
from nafolo.web.labels import N_
from nafolo.web.routes.overview import latest_month
from nafolo.web.templates import render

router = APIRouter()


@dataclass(frozen=True)
class Report:
    kind: str
    title: str  # English source, translated in the template
    summary: str

    @property
    def url(self) -> str:
        return f"/api/reports/{self.kind}"


REPORTS = (
    Report(
        "fuel-monthly",
        N_("Fuel supply — monthly report"),
        N_(
            "Liftings against the contract band, deliveries by corridor, stocks and days of "
            "cover at month end, incidents and losses."
        ),
    ),
    Report(
        "refinery-monthly",
        N_("Refinery — monthly report"),
        N_(
            "Receipts by origin, production, metal balance, metal accounts and due-diligence "
            "decisions."
        ),
    ),
)


def served(path: str) -> bool:
    """Whether the reports API serves `path` (its module is installed)."""
    try:
        from nafolo.api.routes import reports
    except ImportError:
        return False
    return any(f"/api{getattr(r, 'path', '')}" == path for r in reports.router.routes)


@router.get("/reports", response_class=HTMLResponse, name="web_reports")
def reports_page(request: Request, user: Viewer, kit: KitDep, ledger: LedgerDep) -> HTMLResponse:
    context = {
        "month": latest_month(ledger),
        "max_month": f"{datetime.now(UTC):%Y-%m}",
        "reports": [(r, served(r.url)) for r in REPORTS],
    }
    return render(request, "reports.html", context)
