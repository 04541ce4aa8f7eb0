"""A period's inputs from the refinery's records (services' public reads + stocktakes) and from
a workbook (row-level errors)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from metal_balance_steps import refined_lot
from sqlalchemy.engine import Engine

from nafolo.gold.metal_balance import OutputKind, Unit
from nafolo.gold.metal_balance.assemble import (
    inputs_from_refinery,
    inputs_from_workbook,
    previous_period,
)
from nafolo.gold.metal_balance.store import MetalBalanceStore
from nafolo.gold.service import Refinery
from nafolo.workbook import InputError

D = Decimal


def _write(folder: Path, sheets: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in sheets.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


GOOD = {
    "check_in": "lot_id,fine_oz,sd_oz,unit\nL1,1000,0.3,melting\nL2,500,0.4,melting\n",
    "check_out": "item_id,kind,fine_oz,sd_oz,unit\nB1,bar,1200,0,electrolysis\n",
    "stocktakes": "when,unit,fine_oz,sd_oz\nopening,electrolysis,200,0.5\n"
    "closing,electrolysis,499,0.5\n",
}


def test_previous_period_crosses_the_year() -> None:
    assert (previous_period("2026-01"), previous_period("2026-07")) == ("2025-12", "2026-06")


def test_inputs_from_a_workbook(tmp_path: Path) -> None:
    inputs = inputs_from_workbook(_write(tmp_path / "wb", GOOD), "2026-01")
    assert [r.lot_id for r in inputs.receipts] == ["L1", "L2"]
    assert inputs.outputs[0].kind is OutputKind.BAR
    assert (inputs.opening[0].fine_oz, inputs.closing[0].fine_oz) == (D("200"), D("499"))


def test_workbook_errors_name_sheet_row_and_column(tmp_path: Path) -> None:
    bad = dict(GOOD)
    bad["check_in"] = "lot_id,fine_oz,sd_oz,unit\nL1,-5,0.3,melting\nL2,500,0.4,smelter\n"
    bad["stocktakes"] = "when,unit,fine_oz,sd_oz\nlater,electrolysis,200,0.5\n"
    with pytest.raises(InputError) as refused:
        inputs_from_workbook(_write(tmp_path / "wb", bad), "2026-01")
    text = str(refused.value)
    assert "check_in, row 2, column fine_oz" in text
    assert "check_in, row 3, column unit" in text
    assert "stocktakes, row 2, column when" in text


def test_inputs_from_the_refinery_records(store_url: str, engine: Engine) -> None:
    refined_lot(store_url)
    refinery = Refinery(engine)
    store = MetalBalanceStore(engine)
    period = "2026-06"  # settled on 8 June, whenever the test runs
    store.record_stocktake(period, Unit.ELECTROLYSIS, D("7.5"), D("0.5"), actor="ops")
    inputs = inputs_from_refinery(refinery, store, period)
    (receipt,) = inputs.receipts
    lot = refinery.lots.get("L1")
    assert (receipt.lot_id, receipt.fine_oz) == ("L1", lot.fine_au_oz)
    assert D(0) < receipt.sd_oz < D("0.1")  # 0.1 g on 14 kg and 0.1 ‰ on 950 ‰
    assert inputs.closing[0].fine_oz == D("7.5")
    assert any("opening stocktake" in n for n in inputs.notes)
    bars = [o for o in inputs.outputs if o.kind is OutputKind.BAR]
    assert [(b.item_id, b.unit) for b in bars] == [("SENOU-2026-A0001", Unit.ELECTROLYSIS)]
    slag = [t for t in inputs.transfers if t.name == "slag R1"]
    assert slag and slag[0].source is Unit.CHLORINATION and slag[0].target is Unit.RECOVERY
    assert inputs_from_refinery(refinery, store, "2026-11").receipts == ()
