"""/api/gold/reports: the metal-account statement of a depositor, monthly production by origin,
and the country-of-origin annex of the annual responsible-gold report — each a typed table
(columns with units, rows, totals, notes) as JSON, or an .xlsx download (`format=xlsx`)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from nafolo.api.problems import ProblemError, field_error
from nafolo.api.routes.gold_common import REFUSED, XLSX_MEDIA_TYPE, RefineryDep, gold_call
from nafolo.gold.reports import Period, ReportTable
from nafolo.gold.reports.output import write_report
from nafolo.gold.reports.sources import build_origin_annex, build_production, build_statement

router = APIRouter(prefix="/gold/reports", tags=["gold reports"])

MonthQuery = Annotated[
    str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="A month, YYYY-MM.")
]
YearQuery = Annotated[int | None, Query(ge=1900, le=9999, description="A calendar year.")]
FormatQuery = Annotated[
    Literal["json", "xlsx"], Query(description="JSON table, or an .xlsx file to download.")
]
_RESPONSES = {
    **REFUSED,
    200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "The table, or an .xlsx file."},
}


def _period(
    period: str | None,
    year: int | None,
    start: date | None = None,
    end: date | None = None,
    default: Literal["period", "year"] = "period",
) -> Period:
    """Exactly one of: a month, a year, or a from–to range (both ends inclusive)."""
    given = [name for name, v in (("period", period), ("year", year), ("from", start)) if v]
    if end is not None and start is None:
        given.append("to")
    if len(given) != 1:
        message = "give exactly one of period (YYYY-MM), year (YYYY) or from and to"
        where = given[1] if len(given) > 1 else default
        raise ProblemError(422, "validation", message, [field_error(["query", where], message)])
    if period is not None:
        return Period.month(period)
    if year is not None:
        return Period.year(year)
    assert start is not None
    if end is None or end < start:
        message = "give `to`, on or after `from`"
        raise ProblemError(422, "validation", message, [field_error(["query", "to"], message)])
    return Period.between(start, end)


def _answer(table: ReportTable, format: str, name: str) -> ReportTable | Response:
    if format == "json":
        return table
    with tempfile.TemporaryDirectory(prefix="nafolo-report-") as folder:
        path = Path(folder) / f"{name}.xlsx"
        write_report(table, path)
        content = path.read_bytes()
    return Response(
        content,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


@router.get(
    "/statement/{depositor_id}",
    responses=_RESPONSES,
    response_model=ReportTable,
    summary="Metal-account statement of a depositor",
)
def statement(
    depositor_id: str,
    refinery: RefineryDep,
    period: MonthQuery = None,
    year: YearQuery = None,
    start: Annotated[date | None, Query(alias="from", description="First day.")] = None,
    end: Annotated[date | None, Query(alias="to", description="Last day (inclusive).")] = None,
    format: FormatQuery = "json",
) -> ReportTable | Response:
    """Opening balance, each credit (settled lot) and debit (bars returned, sales) with date,
    lot or bar and fine oz Au and Ag, running and closing balances."""
    chosen = _period(period, year, start, end)
    with gold_call(depositor_id=depositor_id):
        table = build_statement(refinery, depositor_id, chosen)
    return _answer(table, format, f"statement-{depositor_id}-{chosen.label.replace(' ', '')}")


@router.get(
    "/production",
    responses=_RESPONSES,
    response_model=ReportTable,
    summary="Production by origin country and region",
)
def production(
    refinery: RefineryDep,
    period: MonthQuery = None,
    year: YearQuery = None,
    format: FormatQuery = "json",
) -> ReportTable | Response:
    """Per country, region and scale (large-scale mined, artisanal, recycled): lots received,
    net weight (kg), fine Au settled (oz), bars produced and their fine Au (oz)."""
    chosen = _period(period, year)
    table = build_production(refinery, chosen)
    return _answer(table, format, f"production-{chosen.label}")


@router.get(
    "/origin-annex",
    responses=_RESPONSES,
    response_model=ReportTable,
    summary="Country-of-origin annex of the annual report",
)
def origin_annex(
    refinery: RefineryDep,
    year: Annotated[int, Query(ge=1900, le=9999, description="The report's year.")],
    format: FormatQuery = "json",
) -> ReportTable | Response:
    """Per country: LSM, ASM and recycled fine gold received (kg, % of the year), CAHRA share,
    depositors and due-diligence decisions taken."""
    table = build_origin_annex(refinery, Period.year(year))
    return _answer(table, format, f"origin-annex-{year}")
