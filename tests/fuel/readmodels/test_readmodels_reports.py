"""Programme compliance against the contract band, and plan versus actual by week."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from nafolo.fuel.operations import FuelOperations, Lifting
from nafolo.fuel.readmodels import compliance
from nafolo.fuel.readmodels.plan_vs_actual import plan_vs_actual, read_plan
from nafolo.ledger import Ledger
from nafolo.workbook import InputError


def lift(ops: FuelOperations, ref: str, port: str, product: str, at: datetime, t: int) -> None:
    ops.record_lifting(
        Lifting(
            document_ref=ref,
            contract="SUPPLY-2026",
            port=port,
            product=product,
            lifted_at=at,
            quantity_t=Decimal(t),
        )
    )


def test_a_month_inside_the_band_is_within(ops: FuelOperations, ledger: Ledger) -> None:
    lift(ops, "BL-1", "DAKAR", "GASOIL", datetime(2026, 1, 3, tzinfo=UTC), 100_000)
    lift(ops, "BL-2", "ABIDJAN", "SUPER", datetime(2026, 1, 31, 23, tzinfo=UTC), 70_000)
    lift(ops, "BL-3", "ABIDJAN", "SUPER", datetime(2026, 2, 1, tzinfo=UTC), 9_000)
    report = compliance(ledger, ops.network, "2026-01")
    [contract] = report.contracts
    assert (contract.lifted_t, contract.status) == (Decimal(170_000), "within")
    assert [(r.port, r.product, r.lifted_t) for r in report.by_port_product] == [
        ("ABIDJAN", "SUPER", Decimal(70_000)),
        ("DAKAR", "GASOIL", Decimal(100_000)),
    ]


def test_a_month_under_the_minimum_shows_its_shortfall(ops: FuelOperations, ledger: Ledger) -> None:
    lift(ops, "BL-1", "DAKAR", "GASOIL", datetime(2026, 2, 10, tzinfo=UTC), 150_000)
    [contract] = compliance(ledger, ops.network, "2026-02").contracts
    assert (contract.status, contract.shortfall_t) == ("below", Decimal(10_000))


def test_a_bad_month_is_refused(ops: FuelOperations, ledger: Ledger) -> None:
    with pytest.raises(ValueError, match="month"):
        compliance(ledger, ops.network, "2026-13")


def write_plan(folder: Path) -> Path:
    folder.mkdir()
    (folder / "lifts.csv").write_text(
        "contract,port,product,week,lifted_t,week_start\n"
        "SUPPLY-2026,DAKAR,GASOIL,1,5000.0,2026-01-05\n"
        "SUPPLY-2026,DAKAR,GASOIL,2,6000.0,2026-01-12\n"
    )
    (folder / "shipments.csv").write_text("corridor,product,week,truckloads,shipped_t,week_start\n")
    (folder / "depot_stocks.csv").write_text(
        "depot,product,week,stock_t,received_t,week_start\n"
        "BKO-SENOU,GASOIL,1,2700.0,0.0,2026-01-05\n"
    )
    (folder / "deliveries.csv").write_text("region,depot,product,week,delivered_t,week_start\n")
    return folder


def test_plan_versus_actual_by_week(ops: FuelOperations, ledger: Ledger, tmp_path: Path) -> None:
    lift(ops, "BL-1", "DAKAR", "GASOIL", datetime(2026, 1, 6, tzinfo=UTC), 4_800)
    lift(ops, "BL-2", "DAKAR", "GASOIL", datetime(2026, 1, 19, tzinfo=UTC), 999)  # after week 2
    rows = plan_vs_actual(ledger, read_plan(write_plan(tmp_path / "plan")))
    lifted = {r.week: r for r in rows if r.measure == "lifted"}
    assert lifted[1].week_start == date(2026, 1, 5)
    assert (lifted[1].planned_t, lifted[1].actual_t) == (5000.0, Decimal(4800))
    assert lifted[1].difference_t == pytest.approx(-200.0)
    assert (lifted[2].planned_t, lifted[2].actual_t) == (6000.0, Decimal(0))


def test_a_plan_folder_without_its_files_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as refused:
        read_plan(tmp_path)
    assert {p.sheet for p in refused.value.problems} == {
        "lifts.csv",
        "shipments.csv",
        "depot_stocks.csv",
        "deliveries.csv",
    }
