"""Importing an operations workbook: all or nothing, --skip-invalid, idempotent re-import."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import BaseModel

from nafolo.fuel.network.model import Network
from nafolo.fuel.operations import import_operations, write_rejections
from nafolo.fuel.operations.sheets import (
    CompartmentRow,
    ConvoyRow,
    DipRow,
    LiftingRow,
    ReceiptRow,
    WithdrawalRow,
)
from nafolo.fuel.operations.workbook import write_operations, write_operations_template
from nafolo.ledger import Ledger
from nafolo.workbook import InputError

T0 = datetime(2026, 1, 5, 6, tzinfo=UTC)


def rows() -> dict[str, list[BaseModel]]:
    """A lifting, a one-truck convoy received 1 % short on one compartment, a withdrawal, a dip."""
    arrival = T0 + timedelta(days=8)
    return {
        "liftings": [
            LiftingRow(
                document_ref="BL-1",
                contract="SUPPLY-2026",
                port="DAKAR",
                product="GASOIL",
                lifted_at=T0 - timedelta(days=2),
                quantity_t=5000.0,
            )
        ],
        "convoys": [
            ConvoyRow(
                convoy="CV-1",
                corridor="DKR-KAYES-SENOU",
                contract="SUPPLY-2026",
                dispatched_at=T0,
                escorted=True,
                document_ref="MAN-1",
            )
        ],
        "compartments": [
            CompartmentRow(
                convoy="CV-1",
                truck="T1",
                compartment=c,
                product="GASOIL",
                volume_l=15000.0,
                temperature_c=30.0,
                density_kg_m3=834.5,
            )
            for c in (1, 2)
        ],
        "receipts": [
            ReceiptRow(
                document_ref=f"REC-{c}",
                convoy="CV-1",
                truck="T1",
                compartment=c,
                depot="BKO-SENOU",
                received_at=arrival,
                volume_l=volume,
                temperature_c=30.0,
                density_kg_m3=834.5,
            )
            for c, volume in ((1, 15000.0), (2, 14850.0))
        ],
        "withdrawals": [
            WithdrawalRow(
                document_ref="WD-1",
                depot="BKO-SENOU",
                region="BAMAKO",
                product="GASOIL",
                withdrawn_at=arrival + timedelta(hours=4),
                quantity_t=10.0,
            )
        ],
        "dips": [
            DipRow(
                document_ref="DIP-1",
                depot="BKO-SENOU",
                product="GASOIL",
                dipped_at=arrival + timedelta(hours=8),
                volume_l=17800.0,
                temperature_c=30.0,
                density_kg_m3=834.5,
            )
        ],
    }


def workbook(tmp_path: Path, extra: dict[str, list[BaseModel]] | None = None) -> Path:
    sheets = rows()
    for name, more in (extra or {}).items():
        sheets[name] = sheets.get(name, []) + more
    path = tmp_path / "ops"
    write_operations(path, sheets)
    return path


def bad_rows() -> dict[str, list[BaseModel]]:
    """Row 4 of withdrawals names an unknown depot; row 5 of compartments has no number."""
    return {
        "withdrawals": [
            WithdrawalRow.model_construct(
                document_ref="WD-2",
                depot="NOWHERE",
                region="BAMAKO",
                product="GASOIL",
                withdrawn_at=T0 + timedelta(days=9),
                quantity_t=5.0,
            )
        ],
        "compartments": [
            CompartmentRow.model_construct(
                convoy="CV-1",
                truck="T2",
                compartment=1,
                product="GASOIL",
                carrier="",
                volume_l="lots",
                temperature_c=30.0,
                density_kg_m3=834.5,
                density_temperature_c=None,
            )
        ],
    }


def test_import_records_every_operation(tmp_path: Path, ledger: Ledger, mali: Network) -> None:
    report = import_operations(workbook(tmp_path), ledger, mali)
    assert report.operations == {
        "liftings": 1,
        "convoys": 1,
        "receipts": 2,
        "withdrawals": 1,
        "dips": 1,
    }
    kinds = [e.kind for e in ledger.entries(limit=100)]
    assert kinds.count("dispatch") == 2
    assert kinds.count("transit_loss") == 1
    assert kinds.count("dip_gain") + kinds.count("dip_loss") == 1
    assert ledger.balance("TRANSIT:DKR-KAYES-SENOU/CV-1", "GASOIL") == 0
    assert ledger.verify().ok


def test_a_file_with_bad_rows_imports_nothing_and_names_every_bad_row(
    tmp_path: Path, ledger: Ledger, mali: Network
) -> None:
    with pytest.raises(InputError) as refused:
        import_operations(workbook(tmp_path, bad_rows()), ledger, mali)
    where = {(p.sheet, p.row, p.column) for p in refused.value.problems}
    assert ("withdrawals", 4, "depot") in where
    assert ("compartments", 5, "volume_l") in where
    assert ("convoys", 3, "convoy") in where  # its convoy is refused with the bad compartment
    assert ledger.head().seq == 0
    assert ledger.balances() == []


def test_skip_invalid_imports_the_good_rows_and_reports_the_bad(
    tmp_path: Path, ledger: Ledger, mali: Network
) -> None:
    report = import_operations(workbook(tmp_path, bad_rows()), ledger, mali, skip_invalid=True)
    assert report.operations == {"liftings": 1, "dips": 1}  # the dip finds stock off the book
    rejected = {(p.sheet, p.row, p.column) for p in report.rejected}
    assert ("withdrawals", 4, "depot") in rejected
    # rows that depend on the refused convoy are refused with it
    assert ("receipts", 3, "compartment") in rejected
    assert ("withdrawals", 3, "quantity_t") in rejected
    out = tmp_path / "rejected.csv"
    write_rejections(report.rejected, out)
    with out.open(encoding="utf-8-sig") as stream:
        lines = list(csv.reader(stream))
    assert lines[0] == ["sheet", "row", "column", "reason"]
    assert any(line[:3] == ["withdrawals", "4", "depot"] for line in lines[1:])


def test_re_import_writes_nothing(tmp_path: Path, ledger: Ledger, mali: Network) -> None:
    path = workbook(tmp_path)
    import_operations(path, ledger, mali)
    head = ledger.head()
    balances = ledger.balances()
    again = import_operations(path, ledger, mali)
    assert again.entries_written == 0
    assert again.entries_replayed > 0
    assert ledger.head() == head
    assert ledger.balances() == balances


def test_a_changed_row_under_a_recorded_reference_is_a_row_error(
    tmp_path: Path, ledger: Ledger, mali: Network
) -> None:
    import_operations(workbook(tmp_path), ledger, mali)
    changed = rows()
    changed["liftings"] = [changed["liftings"][0].model_copy(update={"quantity_t": 5001.0})]
    path = tmp_path / "changed"
    write_operations(path, changed)
    with pytest.raises(InputError) as refused:
        import_operations(path, ledger, mali)
    [problem] = refused.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("liftings", 3, "document_ref")


def test_an_empty_template_imports_nothing(tmp_path: Path, ledger: Ledger, mali: Network) -> None:
    path = tmp_path / "template.xlsx"
    write_operations_template(path)
    report = import_operations(path, ledger, mali)
    assert report.entries_written == 0
    assert ledger.head().seq == 0
