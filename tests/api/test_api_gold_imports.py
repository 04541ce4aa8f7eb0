"""/api/gold/imports: lots, samples and assays from a workbook, all or nothing, with row errors."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from fastapi.testclient import TestClient
from gold_api_steps import approve, ok, register_depositor
from httpx import Response

from nafolo.gold.service import write_gold_example


def _example_depositor(client: TestClient) -> None:
    """DEP-EXAMPLE with origin OR-EXAMPLE and scale SC-1, as the shipped example expects."""
    register_depositor(client, "DEP-EXAMPLE", "OR-EXAMPLE")
    approve(client, "DEP-EXAMPLE", on="2026-01-02")
    scale = {
        "scale_id": "SC-1",
        "calibrated_on": "2026-01-01",
        "calibration_valid_until": "2026-12-31",
    }
    ok(client.post("/api/gold/scales", json=scale))


def _upload(client: TestClient, folder: Path, **form: str) -> Response:
    """The example's sheets as CSV files (the .xlsx example writer is not usable yet)."""
    files = [
        ("files", (p.name, p.read_bytes(), "text/csv"))
        for p in sorted(folder.glob("*.csv"))
        if p.stem != "README"
    ]
    return client.post("/api/gold/imports", files=files, data=form)


def test_the_template_downloads_as_a_workbook(client: TestClient) -> None:
    answer = client.get("/api/gold/imports/template")
    assert answer.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert {"lots", "samples", "assays"} <= set(book.sheetnames)


def test_the_example_imports_lots_samples_and_assays(client: TestClient, tmp_path: Path) -> None:
    _example_depositor(client)
    write_gold_example(tmp_path)
    out = ok(_upload(client, tmp_path))
    assert (out["lots"], out["received"], out["exchanged"], out["rejected"]) == (3, 3, 3, [])
    assert ok(client.get("/api/gold/lots"), 200)["total"] == 3


def test_a_bad_row_refuses_the_whole_file_naming_sheet_row_and_column(
    client: TestClient, tmp_path: Path
) -> None:
    _example_depositor(client)
    write_gold_example(tmp_path)
    lots = tmp_path / "lots.csv"
    lines = lots.read_text(encoding="utf-8-sig").splitlines()
    lines[3] = lines[3].replace(",11000,", ",heavy,", 1)
    lots.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused = _upload(client, tmp_path)
    assert refused.status_code == 422
    (error,) = [e for e in refused.json()["errors"] if e["sheet"] == "lots"]
    assert (error["row"], error["column"]) == (4, "declared_gross_g")
    assert ok(client.get("/api/gold/lots"), 200)["total"] == 0
    skipped = ok(_upload(client, tmp_path, skip_invalid="true"))
    assert skipped["lots"] == 2 and skipped["rejected_rows"] >= 1


def test_only_workbooks_or_csv_files_are_accepted(client: TestClient) -> None:
    files = {"files": ("lots.txt", b"hello", "text/plain")}
    refused = client.post("/api/gold/imports", files=files)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "files"
