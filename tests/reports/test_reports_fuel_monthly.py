"""The fuel-monthly report from a store (SQLite, and PostgreSQL when configured): what it reads
for the month and how it shows it."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from reports_support import LOSSY_TRUCK, PERIOD, fill_march, record_short_receipt
from sqlalchemy.engine import Engine

from nafolo.fuel.network.io import load_network
from nafolo.fuel.network.model import Network
from nafolo.ledger import Ledger
from nafolo.reports import Table, render
from nafolo.reports.fuel_data import FuelMonth, assemble_fuel_month
from nafolo.reports.fuel_monthly import fuel_monthly_document

GENERATED = datetime(2026, 4, 1, 6, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def mali() -> Network:
    return load_network()


@pytest.fixture
def march(engine: Engine, mali: Network) -> FuelMonth:
    ledger = Ledger(engine)
    fill_march(ledger, mali)
    return assemble_fuel_month(ledger, mali, PERIOD)


def table(month: FuelMonth, title: str, lang: str = "fr") -> Table:
    [found] = [t for t in fuel_monthly_document(month, lang, GENERATED).tables if t.title == title]
    return found


def test_the_month_is_within_the_contract_band(march: FuelMonth) -> None:
    [contract] = march.contracts
    assert (contract.contract, contract.status) == ("SUPPLY-2026", "within")
    rows = table(march, "Contrats : enlevé dans le mois et fourchette").rows
    assert rows[0][4] == "dans la fourchette"


def test_corridor_flows_balance(march: FuelMonth) -> None:
    [flow] = march.corridors
    assert flow.dispatched_t == flow.received_t + flow.transit_loss_t + flow.lost_t
    assert (flow.corridor, flow.port, flow.product) == ("DKR-KAYES-SENOU", "DAKAR", "GASOIL")


def test_incidents_are_the_delay_and_the_attack(march: FuelMonth) -> None:
    assert [i.event for i in march.incidents] == ["delayed", "attacked"]
    rows = table(march, "Convoy incidents", "en").rows
    assert [r[3] for r in rows] == ["delay", "attack"]


def test_the_transit_loss_above_tolerance_is_an_alert(march: FuelMonth) -> None:
    variance = [a for a in march.alerts if a.kind == "transit_variance_above_tolerance"]
    assert [a.subject for a in variance] == [f"CV-1/{LOSSY_TRUCK}/1"]


def test_losses_by_carrier_are_reported(march: FuelMonth) -> None:
    rows = table(march, "Transit losses by carrier", "en").rows
    assert {r[0] for r in rows} == {"Transports Diarra", "Transports Keita"}
    assert march.losses.legs == 6
    assert len(march.losses.dips) == 2


def test_a_receipt_written_short_is_named_a_suspect(engine: Engine, mali: Network) -> None:
    ledger = Ledger(engine)
    leg = record_short_receipt(fill_march(ledger, mali))
    month = assemble_fuel_month(ledger, mali, PERIOD)
    assert [s.info.subject for s in month.losses.reconciliation.suspects] == [leg]
    rows = table(month, "Suspect measurements", "en").rows
    assert rows[0][1:3] == (leg, "Transports Diarra")


def test_cover_by_region_at_month_end(march: FuelMonth) -> None:
    assert {r.name for r in march.regions} >= {"Kayes", "Ségou"}
    document = fuel_monthly_document(march, "fr", GENERATED)
    assert document.sections[2].title == "Stocks et jours de couverture au 31 mars 2026"


def test_the_report_renders_to_pdf_and_xlsx(march: FuelMonth) -> None:
    document = fuel_monthly_document(march, "en", GENERATED)
    assert render(document, "pdf").startswith(b"%PDF-")
    book = load_workbook(io.BytesIO(render(document, "xlsx")))
    assert book.sheetnames[:3] == ["Summary", "Contracts", "Ports"]
    assert book["Contracts"]["B3"].value == "Lifted (t)"


def test_a_month_without_operations_still_makes_a_report(engine: Engine, mali: Network) -> None:
    month = assemble_fuel_month(Ledger(engine), mali, "2025-12")
    assert (month.corridors, month.incidents, month.losses.legs) == ((), (), 0)
    assert render(fuel_monthly_document(month, "fr", GENERATED), "pdf").startswith(b"%PDF-")


def test_a_bad_period_is_refused(engine: Engine, mali: Network) -> None:
    with pytest.raises(ValueError, match="period: '2026-3' is not a month written YYYY-MM"):
        assemble_fuel_month(Ledger(engine), mali, "2026-3")
