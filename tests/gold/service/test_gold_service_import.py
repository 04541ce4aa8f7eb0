"""Importing lots, samples and assays: the example, bad rows refusing the file, skip_invalid."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from gold_service_support import CLERK, DEPOSITOR, ORIGIN
from sqlalchemy.engine import Engine

from nafolo.gold.service import (
    LotStatus,
    Refinery,
    import_gold,
    write_gold_example,
    write_gold_template,
    write_rejections,
)
from nafolo.workbook import InputError


def _example_refinery(engine: Engine) -> Refinery:
    """The depositor, origin and scale the shipped example refers to (DEP-EXAMPLE, OR-EXAMPLE,
    SC-1), set up with the support module's approved depositor renamed."""
    import gold_service_support as support
    from gold_service_support import refinery_with_depositor

    support_ids = (support.DEPOSITOR, support.ORIGIN)
    support.DEPOSITOR, support.ORIGIN = "DEP-EXAMPLE", "OR-EXAMPLE"
    try:
        return refinery_with_depositor(engine)
    finally:
        support.DEPOSITOR, support.ORIGIN = support_ids


def _break_row(path: Path, sheet: str, row: int, column: str, value: object) -> None:
    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    header = [c.value for c in ws[1]]
    ws.cell(row=row, column=header.index(column) + 1, value=value)
    book.save(path)


def test_gold_service_import_example(engine: Engine, tmp_path: Path) -> None:
    refinery = _example_refinery(engine)
    path = tmp_path / "gold.xlsx"
    write_gold_example(path)
    report = import_gold(engine, path, actor=CLERK)
    assert (report.lots, report.received, report.samples, report.assays, report.exchanged) == (
        3,
        3,
        9,
        6,
        3,
    )
    lot = refinery.lots.get("L-EX-0001")
    assert lot.status is LotStatus.ASSAYED
    assert lot.settled_au_per_mille is not None


def test_gold_service_import_dates_steps_from_the_sheets(engine: Engine, tmp_path: Path) -> None:
    refinery = _example_refinery(engine)
    path = tmp_path / "gold.xlsx"
    write_gold_example(path)
    import_gold(engine, path, actor=CLERK)
    times = {e.event.value: e.at for e in refinery.lots.custody("L-EX-0001")}
    assert times["sampled"].startswith("2026-01-05T11:00")
    assert times["assayed"].startswith("2026-01-07T09:00")
    adjustments = refinery.ledger.entries(account="INTAKE", limit=100)
    assert {
        e.effective_at.date().isoformat() for e in adjustments if e.kind == "assay_adjustment"
    } == {"2026-01-07"}


def test_gold_service_import_bad_rows_store_nothing(engine: Engine, tmp_path: Path) -> None:
    refinery = _example_refinery(engine)
    path = tmp_path / "gold.xlsx"
    write_gold_example(path)
    _break_row(path, "lots", 4, "declared_au_per_mille", 1200)
    _break_row(path, "assays", 3, "method", "guesswork")
    with pytest.raises(InputError) as refused:
        import_gold(engine, path, actor=CLERK)
    where = {(p.sheet, p.row, p.column) for p in refused.value.problems}
    assert ("lots", 4, "declared_au_per_mille") in where
    assert ("assays", 3, "method") in where
    assert refinery.lots.all() == []
    assert refinery.ledger.count_entries() == 0


def test_gold_service_import_unknown_origin_names_row(engine: Engine, tmp_path: Path) -> None:
    _example_refinery(engine)
    path = tmp_path / "gold.xlsx"
    write_gold_example(path)
    _break_row(path, "lots", 3, "origin_id", "OR-NOWHERE")
    with pytest.raises(InputError) as refused:
        import_gold(engine, path, actor=CLERK)
    assert [(p.sheet, p.row) for p in refused.value.problems] == [("lots", 3)]


def test_gold_service_import_skip_invalid_reports(engine: Engine, tmp_path: Path) -> None:
    refinery = _example_refinery(engine)
    path = tmp_path / "gold.xlsx"
    write_gold_example(path)
    _break_row(path, "lots", 3, "declared_gross_g", -5)
    report = import_gold(engine, path, actor=CLERK, skip_invalid=True)
    assert report.lots == 2
    assert report.rejected_rows == 1 + 3 + 2  # the lot, its samples and its assays
    write_rejections(report.rejected, tmp_path / "rejected.csv")
    text = (tmp_path / "rejected.csv").read_text(encoding="utf-8-sig")
    assert text.startswith("sheet,row,column,reason")
    assert {lot.lot_id for lot in refinery.lots.all()} == {"L-EX-0002", "L-EX-0003"}


def test_gold_service_template_has_every_sheet(tmp_path: Path) -> None:
    write_gold_template(tmp_path / "template.xlsx")
    book = openpyxl.load_workbook(tmp_path / "template.xlsx")
    assert book.sheetnames == ["README", "lots", "samples", "assays"]
    assert DEPOSITOR and ORIGIN


def test_gold_service_shipped_example_imports(engine: Engine) -> None:
    import nafolo.gold

    _example_refinery(engine)
    shipped = Path(nafolo.gold.__file__).parent / "data" / "example" / "gold_example.xlsx"
    assert import_gold(engine, shipped, actor=CLERK).exchanged == 3
