"""/api/fuel/imports: load operations from an uploaded .xlsx workbook (or its sheets as CSV
files), all or nothing: any bad row and nothing is recorded, every bad row is listed (sheet, row,
column, reason) in the problem+json body. `skip_invalid` records the good rows instead. Every
row is recorded with the signed-in user as its actor."""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePath
from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile

from nafolo.api.deps import ActorDep, LedgerDep, NetworkDep
from nafolo.api.problems import PROBLEM_MEDIA_TYPE, Problem, ProblemError, field_error
from nafolo.api.schemas.fuel import ImportOut, RowProblem
from nafolo.fuel.operations import import_operations

router = APIRouter(prefix="/fuel/imports", tags=["fuel operations"])

UPLOAD_CHUNK = 1024 * 1024


def _names(files: list[UploadFile]) -> list[str]:
    """Each upload's plain file name; refused unless one .xlsx or one or more .csv files."""
    names = [PurePath(f.filename or "").name for f in files]
    suffixes = {PurePath(n).suffix.lower() for n in names}
    workbook = len(names) == 1 and suffixes == {".xlsx"}
    sheets = suffixes == {".csv"} and len(set(names)) == len(names) and all(n for n in names)
    if not (workbook or sheets):
        message = "send one .xlsx workbook, or one .csv file per sheet named <sheet>.csv"
        raise ProblemError(422, "validation", message, [field_error(["body", "files"], message)])
    return names


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
    files: Annotated[
        list[UploadFile], File(description="One .xlsx workbook or <sheet>.csv files.")
    ],
    skip_invalid: Annotated[
        bool, Form(description="Record the good rows; list the others in `rejected`.")
    ] = False,
    actor: Annotated[
        str, Form(min_length=1, max_length=100, description="Ignored: the signed-in user acts.")
    ] = "import",
) -> ImportOut:
    names = _names(files)
    with tempfile.TemporaryDirectory(prefix="nafolo-import-") as folder:
        for upload, name in zip(files, names, strict=True):
            with (Path(folder) / name).open("wb") as out:
                while chunk := upload.file.read(UPLOAD_CHUNK):
                    out.write(chunk)
        workbook = PurePath(names[0]).suffix.lower() == ".xlsx"
        report = import_operations(
            Path(folder) / names[0] if workbook else Path(folder),
            ledger,
            network,
            skip_invalid=skip_invalid,
            actor=user,
        )
    if report.entries_written == 0:
        response.status_code = 200
    return ImportOut(
        source=", ".join(names),
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
