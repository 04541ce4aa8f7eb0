"""/api/gold/imports: register lots (and their sealed samples and assays) from an uploaded .xlsx
workbook or its sheets as CSV files, all or nothing: any bad row and nothing is recorded, every
bad row is listed (sheet, row, column, reason) in the problem+json body. `skip_invalid` records
the good rows instead. The template to fill in is at /api/gold/imports/template."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Response

from nafolo.api.deps import ActorDep, EngineDep
from nafolo.api.problems import PROBLEM_MEDIA_TYPE, Problem
from nafolo.api.routes.gold_common import XLSX_MEDIA_TYPE, gold_call
from nafolo.api.schemas.gold import GoldImportOut, RowProblemOut
from nafolo.api.uploads import SkipInvalid, UploadedFiles, saved_workbook

router = APIRouter(prefix="/gold/imports", tags=["gold lots"])


@router.post(
    "",
    status_code=201,
    summary="Import lots, samples and assays",
    responses={422: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}}},
)
def import_file(
    engine: EngineDep,
    actor: ActorDep,
    response: Response,
    files: UploadedFiles,
    skip_invalid: SkipInvalid = False,
) -> GoldImportOut:
    from nafolo.gold.service import import_gold

    with saved_workbook(files, "nafolo-gold-import-") as upload, gold_call():
        report = import_gold(engine, upload.path, actor=actor, skip_invalid=skip_invalid)
    if report.lots + report.samples + report.assays == 0:
        response.status_code = 200
    return GoldImportOut(
        source=upload.source,
        lots=report.lots,
        received=report.received,
        samples=report.samples,
        assays=report.assays,
        exchanged=report.exchanged,
        awaiting_umpire=list(report.awaiting_umpire),
        rejected_rows=len({(p.sheet, p.row) for p in report.rejected}),
        rejected=[
            RowProblemOut(sheet=p.sheet, row=p.row, column=p.column, message=p.message)
            for p in report.rejected
        ],
    )


@router.get(
    "/template",
    summary="Blank lots/assays workbook",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}},
)
def template() -> Response:
    """Headers, units row, an example row per sheet and a README sheet explaining each column."""
    from nafolo.gold.service import write_gold_template

    with tempfile.TemporaryDirectory(prefix="nafolo-gold-template-") as folder:
        path = Path(folder) / "gold-lots-template.xlsx"
        write_gold_template(path)
        content = path.read_bytes()
    return Response(
        content,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": 'attachment; filename="gold-lots-template.xlsx"'},
    )
