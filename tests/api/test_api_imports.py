"""Operations imported from uploaded files: all or nothing, every bad row named."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import Workbook

HEADER = "document_ref,contract,port,product,lifted_at,quantity_t\n"
GOOD = (
    "BL-1,SUPPLY-2026,DAKAR,GASOIL,2026-06-01 08:00,1000\n"
    "BL-2,SUPPLY-2026,DAKAR,SUPER,2026-06-02 08:00,500\n"
)
BAD = (
    "BL-3,SUPPLY-2026,DAKARR,GASOIL,2026-06-03 08:00,700\n"  # row 4: unknown port
    "BL-4,SUPPLY-2026,DAKAR,GASOIL,2026-06-04 08:00,-5\n"  # row 5: negative quantity
)


def upload(client: TestClient, text: str, **form: str) -> tuple[int, Any]:
    files = {"files": ("liftings.csv", text.encode(), "text/csv")}
    response = client.post("/api/fuel/imports", files=files, data=form)
    return response.status_code, response.json()


def test_a_good_file_is_imported(client: TestClient) -> None:
    status, body = upload(client, HEADER + GOOD)
    assert status == 201
    assert (body["operations"], body["entries_written"], body["rejected"]) == (
        {"liftings": 2},
        2,
        [],
    )


def test_a_file_with_bad_rows_imports_nothing_and_names_each_row(
    client: TestClient, stored: Callable[[], object]
) -> None:
    before = stored()
    status, problem = upload(client, HEADER + GOOD + BAD)
    assert status == 422
    assert problem["type"] == "/problems/input-refused"
    where = {(e["sheet"], e["row"], e.get("column")) for e in problem["errors"]}
    assert {row for _, row, _ in where} == {4, 5}
    assert all(sheet == "liftings" for sheet, _, _ in where)
    assert stored() == before


def test_skip_invalid_imports_the_good_rows_and_lists_the_others(client: TestClient) -> None:
    status, body = upload(client, HEADER + GOOD + BAD, skip_invalid="true")
    assert status == 201
    assert (body["entries_written"], body["rejected_rows"]) == (2, 2)
    assert {r["row"] for r in body["rejected"]} == {4, 5}


def test_reimporting_the_same_file_writes_nothing(client: TestClient) -> None:
    upload(client, HEADER + GOOD)
    status, body = upload(client, HEADER + GOOD)
    assert status == 200
    assert (body["entries_written"], body["entries_replayed"]) == (0, 2)


def test_a_workbook_is_imported(client: TestClient) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "liftings"
    for line in (HEADER + GOOD).splitlines():
        cells: list[object] = line.split(",")
        sheet.append([float(c) if i == 5 and c != "quantity_t" else c for i, c in enumerate(cells)])
    content = io.BytesIO()
    book.save(content)
    files = {"files": ("operations.xlsx", content.getvalue(), "application/octet-stream")}
    response = client.post("/api/fuel/imports", files=files)
    assert response.status_code == 201, response.text
    assert response.json()["entries_written"] == 2


def test_a_file_of_another_kind_is_refused(client: TestClient) -> None:
    files = {"files": ("liftings.txt", b"hello", "text/plain")}
    response = client.post("/api/fuel/imports", files=files)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "files"]
