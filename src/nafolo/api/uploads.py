"""Uploaded workbooks: one .xlsx file or one CSV file per sheet, saved to a temporary folder so the
workbook readers (which read paths) can take them. Shared by every import endpoint."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Annotated

from fastapi import File, Form, UploadFile

from nafolo.api.problems import ProblemError, field_error

UPLOAD_CHUNK = 1024 * 1024

UploadedFiles = Annotated[
    list[UploadFile], File(description="One .xlsx workbook or <sheet>.csv files.")
]
"""An import endpoint's upload: one .xlsx workbook or one CSV file per sheet."""
SkipInvalid = Annotated[
    bool, Form(description="Record the good rows; list the others in `rejected`.")
]
"""Whether an import records the good rows and lists the bad ones instead of refusing all."""


@dataclass(frozen=True)
class SavedWorkbook:
    """Where the upload was saved (`path`: the .xlsx file or the folder of CSV sheets)."""

    path: Path
    names: list[str]

    @property
    def source(self) -> str:
        return ", ".join(self.names)


def upload_names(files: list[UploadFile]) -> list[str]:
    """Each upload's plain file name; refused unless one .xlsx or one or more .csv files."""
    names = [PurePath(f.filename or "").name for f in files]
    suffixes = {PurePath(n).suffix.lower() for n in names}
    workbook = len(names) == 1 and suffixes == {".xlsx"}
    sheets = suffixes == {".csv"} and len(set(names)) == len(names) and all(n for n in names)
    if not (workbook or sheets):
        message = "send one .xlsx workbook, or one .csv file per sheet named <sheet>.csv"
        raise ProblemError(422, "validation", message, [field_error(["body", "files"], message)])
    return names


@contextmanager
def saved_workbook(files: list[UploadFile], prefix: str) -> Iterator[SavedWorkbook]:
    """The uploads written to a temporary folder, removed when the block ends."""
    names = upload_names(files)
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        for upload, name in zip(files, names, strict=True):
            with (Path(folder) / name).open("wb") as out:
                while chunk := upload.file.read(UPLOAD_CHUNK):
                    out.write(chunk)
        workbook = PurePath(names[0]).suffix.lower() == ".xlsx"
        yield SavedWorkbook(Path(folder) / names[0] if workbook else Path(folder), names)
