"""Bars and vault: LBMA rules, serial uniqueness (service and database), four-eyes releases,
returns against the metal account, weight lists."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from gold_service_support import (
    AT,
    DEPOSITOR,
    MANAGER,
    VAULT,
    assayed_lot,
    batch_of,
    refinery_with_depositor,
)
from sqlalchemy.engine import Engine

from nafolo.gold.service import (
    BarIn,
    CastBars,
    CustodyEvent,
    GoldRefusedError,
    Refinery,
    ReleaseIn,
    Rule,
)

READING = Decimal("400.127")


def _refinery_with_batch(engine: Engine) -> Refinery:
    refinery = refinery_with_depositor(engine)
    assayed_lot(refinery, "L1", gross_g="31103.477")
    batch_of(refinery, "B1", ["L1"])
    return refinery


def _cast(refinery: Refinery, *bars: BarIn) -> list[str]:
    cast = refinery.vault.cast_bars(
        CastBars(batch_id="B1", location=VAULT, cast_at=AT, bars=list(bars)), actor=MANAGER
    )
    return [b.bar_id for b in cast]


def _bar(serial: str, reading: Decimal = READING, fineness: str = "999.9") -> BarIn:
    return BarIn(serial=serial, scale_reading_oz=reading, fineness_per_mille=Decimal(fineness))


def test_gold_service_bar_rule_break_named(engine: Engine) -> None:
    refinery = _refinery_with_batch(engine)
    with pytest.raises(GoldRefusedError) as refused:
        _cast(refinery, _bar("A1"), _bar("A2", Decimal("351.275"), "996.3"))
    assert refused.value.rule is Rule.BAR_FINE_CONTENT
    assert refused.value.problems[0].field == "bars[1]"
    assert refinery.vault.bars() == []


def test_gold_service_bar_low_fineness_refused(engine: Engine) -> None:
    refinery = _refinery_with_batch(engine)
    with pytest.raises(GoldRefusedError) as refused:
        _cast(refinery, _bar("A1", fineness="994.9"))
    assert refused.value.rule is Rule.BAR_MINIMUM_FINENESS


def test_gold_service_duplicate_serial_refused(engine: Engine) -> None:
    refinery = _refinery_with_batch(engine)
    _cast(refinery, _bar("A1"))
    with pytest.raises(GoldRefusedError) as refused:
        _cast(refinery, _bar("a1"))
    assert refused.value.rule is Rule.BAR_SERIAL_UNIQUE


def test_gold_service_duplicate_serial_refused_by_database(engine: Engine) -> None:
    refinery = _refinery_with_batch(engine)
    [bar_id] = _cast(refinery, _bar("A1"))
    with engine.connect() as connection:
        row = dict(
            connection.execute(sa.text(f"SELECT * FROM gold_bars WHERE bar_id = '{bar_id}'"))
            .mappings()
            .one()
        )
    row["bar_id"] = "OTHER-ID"
    columns = ", ".join(row)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.execute(
            sa.text(
                f"INSERT INTO gold_bars ({columns}) VALUES ({', '.join(':' + c for c in row)})"
            ),
            row,
        )


def test_gold_service_single_actor_cannot_release_bars(engine: Engine) -> None:
    refinery = _refinery_with_batch(engine)
    bars = _cast(refinery, _bar("A1"))
    refinery.vault.request_release(
        ReleaseIn(shipment_id="SH1", bar_ids=bars, consignee="ZURICH", at=AT), actor="guard1"
    )
    with pytest.raises(GoldRefusedError) as refused:
        refinery.vault.approve_release("SH1", actor="guard1", at=AT)
    assert refused.value.rule is Rule.FOUR_EYES
    assert refinery.vault.bar(bars[0]).status == "vaulted"
    shipped = refinery.vault.approve_release("SH1", actor="guard2", at=AT)
    assert shipped.status == "shipped" and shipped.approved_by == "guard2"
    assert refinery.ledger.balance(f"VAULT:{VAULT}", "AU") == 0
    assert refinery.ledger.balance("SHIPPED:ZURICH", "AU") == Decimal("400.084")


def test_gold_service_return_as_bars_debits_metal_account(engine: Engine) -> None:
    refinery = _refinery_with_batch(engine)
    refinery.settlements.settle("L1", actor=MANAGER)
    bars = _cast(refinery, _bar("A1"), _bar("A2"))
    refinery.vault.request_release(
        ReleaseIn(
            shipment_id="RET1",
            bar_ids=bars,
            consignee=DEPOSITOR,
            kind="return",
            depositor_id=DEPOSITOR,
            at=AT,
        ),
        actor="guard1",
    )
    refinery.vault.approve_release("RET1", actor="guard2", at=datetime(2026, 3, 3, tzinfo=UTC))
    assert refinery.settlements.balance(DEPOSITOR).au_oz == Decimal("899.299") - Decimal("800.168")


def test_gold_service_return_beyond_metal_account_refused(engine: Engine) -> None:
    refinery = _refinery_with_batch(engine)
    bars = _cast(refinery, _bar("A1"))
    with pytest.raises(GoldRefusedError) as refused:
        refinery.vault.request_release(
            ReleaseIn(
                shipment_id="RET1",
                bar_ids=bars,
                consignee=DEPOSITOR,
                kind="return",
                depositor_id=DEPOSITOR,
                at=AT,
            ),
            actor="guard1",
        )
    assert refused.value.rule is Rule.INSUFFICIENT_METAL


def test_gold_service_weight_list_csv_and_xlsx(engine: Engine, tmp_path: Path) -> None:
    refinery = _refinery_with_batch(engine)
    bars = _cast(refinery, _bar("A1"), _bar("A2"))
    out = refinery.vault.export_weight_list(tmp_path / "wl.csv", bar_ids=bars)
    with out.open(encoding="utf-8-sig") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["serial", "brand", "gross_oz", "fineness", "fine_oz", "year"]
    assert rows[1] == ["A1", "SENOU", "400.125", "999.9", "400.084", "2026"]
    book = openpyxl.load_workbook(refinery.vault.export_weight_list(tmp_path / "wl.xlsx"))
    sheet = book["weight_list"]
    assert [c.value for c in sheet[1]] == [
        "serial",
        "brand",
        "gross_oz",
        "fineness",
        "fine_oz",
        "year",
    ]
    assert sheet.max_row == 4  # header, units, two bars


def test_gold_service_vault_move_on_ledger_and_custody(engine: Engine) -> None:
    refinery = _refinery_with_batch(engine)
    [bar_id] = _cast(refinery, _bar("A1"))
    refinery.vault.add_location("V2", "Chambre forte 2", actor="guard1")
    moved = refinery.vault.move(bar_id, "V2", actor="guard1", at=AT)
    assert moved.location == "V2"
    assert refinery.ledger.balance("VAULT:V2", "AU") == Decimal("400.084")
    vaulted = [e for e in refinery.lots.custody("L1") if e.event is CustodyEvent.VAULTED]
    assert [e.detail for e in vaulted] == [f"bar {bar_id} moved {VAULT} → V2"]
