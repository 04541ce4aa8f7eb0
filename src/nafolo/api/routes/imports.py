"""/api/fuel/imports: load operations from an uploaded .xlsx workbook (or its sheets as CSV
files), all or nothing: any bad row and nothing is recorded, every bad row is listed (sheet, row,
column, reason) in the problem+json body. `skip_invalid` records the good rows instead. Every
row is recorded with the signed-in user as its actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Response

from nafolo.api.deps import ActorDep, LedgerDep, NetworkDep
from nafolo.api.problems import PROBLEM_MEDIA_TYPE, Problem
from nafolo.api.schemas.fuel import ImportOut, RowProblem
from nafolo.api.uploads import SkipInvalid, UploadedFiles, saved_workbook
from nafolo.fuel.operations import import_operations

router = APIRouter(prefix="/fuel/imports", tags=["fuel operations"])


@router.post(
    "",
    status_code=201,
    summary="Import operations from a workbook",
    responses={422: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}}},
)
def import_file(
    ledger: LedgerDep,
    network: NetworkDep,
    user: ActorDep,
    response: Response,
    files: UploadedFiles,
    skip_invalid: SkipInvalid = False,
    actor: Annotated[
        str, Form(min_length=1, max_length=100, description="Ignored: the signed-in user acts.")
    ] = "import",
) -> ImportOut:
    with saved_workbook(files, "nafolo-import-") as upload:
        report = import_operations(
            upload.path, ledger, network, skip_invalid=skip_invalid, actor=user
        )
    if report.entries_written == 0:
        response.status_code = 200
    return ImportOut(
        source=upload.source,
        operations=report.operations,
        entries_written=report.entries_written,
        entries_replayed=report.entries_replayed,
        events_stored=report.events_stored,
        rejected_rows=report.rejected_rows,
        rejected=[
            RowProblem(sheet=p.sheet, row=p.row, column=p.column, message=p.message)
            for p in report.rejected
        ],
    )
