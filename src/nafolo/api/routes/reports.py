"""/api/reports: the monthly reports as files (PDF or .xlsx), French by default.

GET /api/reports/fuel-monthly?period=2026-01&lang=fr&format=pdf answers the file with
`Content-Disposition: attachment`; GET /api/reports/refinery-monthly likewise, or 501
(problem+json) when the gold services cannot be loaded.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from nafolo.api.deps import EngineDep, LedgerDep, NetworkDep
from nafolo.api.problems import ProblemError, field_error

router = APIRouter(prefix="/reports", tags=["reports"])

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
PeriodQuery = Annotated[str, Query(pattern=MONTH, description="Calendar month, YYYY-MM.")]
LangQuery = Annotated[Literal["fr", "en"], Query(description="Language (default French).")]
FormatQuery = Annotated[Literal["pdf", "xlsx"], Query(description="File format.")]

FILE_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "content": {
            "application/pdf": {},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
        },
        "description": "The report file.",
    }
}


@router.get(
    "/fuel-monthly",
    summary="Fuel monthly report (PDF or .xlsx)",
    response_class=Response,
    responses=FILE_RESPONSES,
)
def fuel_monthly(
    ledger: LedgerDep,
    network: NetworkDep,
    period: PeriodQuery,
    lang: LangQuery = "fr",
    format: FormatQuery = "pdf",
) -> Response:
    """Received against the contract band by port, corridor and product; stock and days of cover
    by region at month end; incidents and alerts; losses by corridor and carrier."""
    from nafolo.reports.fuel_data import assemble_fuel_month
    from nafolo.reports.fuel_monthly import fuel_monthly_document
    from nafolo.reports.render import ReportFormat, file_name, render

    month = assemble_fuel_month(ledger, network, period)
    document = fuel_monthly_document(month, lang, datetime.now(UTC))
    chosen = ReportFormat(format)
    return Response(
        render(document, chosen),
        media_type=chosen.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{file_name(document, chosen)}"',
            "Content-Language": lang,
        },
    )


@router.get(
    "/refinery-monthly",
    summary="Refinery monthly report (PDF or .xlsx)",
    response_class=Response,
    responses={**FILE_RESPONSES, 501: {"description": "The gold services cannot be loaded."}},
)
def refinery_monthly(
    engine: EngineDep,
    period: PeriodQuery,
    lang: LangQuery = "fr",
    format: FormatQuery = "pdf",
) -> Response:
    """Receipts by origin, production, metal balance, metal accounts, due diligence decisions."""
    from nafolo.reports.refinery_monthly import (
        RefineryReportUnavailableError,
        assemble_refinery_month,
        refinery_monthly_document,
    )
    from nafolo.reports.render import ReportFormat, file_name, render

    try:
        month = assemble_refinery_month(engine, period)
    except RefineryReportUnavailableError as error:
        raise ProblemError(
            501,
            "report-unavailable",
            f"refinery-monthly: not available yet — {error}",
            [field_error(["path"], "refinery-monthly is not available yet")],
        ) from None
    document = refinery_monthly_document(month, lang, datetime.now(UTC))
    chosen = ReportFormat(format)
    return Response(
        render(document, chosen),
        media_type=chosen.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{file_name(document, chosen)}"',
            "Content-Language": lang,
        },
    )
