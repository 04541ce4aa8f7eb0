"""The operations workbook's sheets, one row model per sheet (same conventions as the network's).

Times are Bamako time (UTC); write them as `2026-01-05 08:30` or a spreadsheet date-time.
Every sheet names the document each row comes from (`document_ref`); re-importing a row with the
same reference and content writes nothing.
"""

from __future__ import annotations

from datetime import datetime

from nafolo.fuel.network.schema import Row, SheetSpec, column
from nafolo.fuel.operations.inputs import ConvoyEventKind, Moment

TIME_EXAMPLE = "2026-01-05 08:00"


class OpeningStockRow(Row):
    document_ref: str = column("Stock statement number, unique.", example="OPEN-SEN-GO")
    depot: str = column("Depot (network depots sheet).", example="BKO-SENOU")
    product: str = column("Product of the tank.", example="GASOIL")
    at: Moment = column("When the stock was taken (Bamako time = UTC).", example="2026-01-05 00:00")
    quantity_t: float = column("Stock, weight in air.", unit="t", example=2700.0, gt=0)


class LiftingRow(Row):
    document_ref: str = column(
        "Bill of lading or lifting note number, unique.", example="BL-DKR-0001"
    )
    contract: str = column("Supply contract (network contracts sheet).", example="SUPPLY-2026")
    port: str = column("Port of lifting (network ports sheet).", example="DAKAR")
    product: str = column("Product code (network products sheet).", example="GASOIL")
    lifted_at: Moment = column(
        "When the product was lifted (Bamako time = UTC).", example=TIME_EXAMPLE
    )
    quantity_t: float = column(
        "Quantity lifted, weight in air (bill of lading).", unit="t", example=5000.0, gt=0
    )


class ConvoyRow(Row):
    convoy: str = column("Convoy code, unique.", example="CV-2026-001")
    corridor: str = column("Corridor (network corridors sheet).", example="DKR-KAYES-SENOU")
    contract: str = column("Contract the load is lifted under.", example="SUPPLY-2026")
    dispatched_at: Moment = column(
        "When the convoy was loaded and dispatched.", example=TIME_EXAMPLE
    )
    escorted: bool = column("Travels under military escort.", example=True, default=False)
    document_ref: str = column("Convoy manifest number.", example="MAN-0001")


class CompartmentRow(Row):
    convoy: str = column("Convoy code (convoys sheet).", example="CV-2026-001")
    truck: str = column("Truck registration.", example="AA-1234-MD")
    compartment: int = column("Compartment number on the truck, 1 = front.", example=1, ge=1, le=20)
    product: str = column("Product code (network products sheet).", example="GASOIL")
    carrier: str = column("Transport company.", example="Transports Diarra", default="")
    volume_l: float = column(
        "Volume loaded at the observed temperature.", unit="L", example=11500.0, gt=0
    )
    temperature_c: float = column("Product temperature at loading.", unit="°C", example=31.0)
    density_kg_m3: float = column(
        "Hydrometer reading (observed density).", unit="kg/m³", example=836.4, gt=0
    )
    density_temperature_c: float | None = column(
        "Temperature of the hydrometer reading (blank = temperature_c).",
        unit="°C",
        example=31.0,
        default=None,
    )


class ConvoyEventRow(Row):
    document_ref: str = column("Report number of the event, unique.", example="EV-0001")
    convoy: str = column("Convoy code (convoys sheet or already recorded).", example="CV-2026-001")
    event: ConvoyEventKind = column("What happened.", example="departed")
    at: Moment = column("When it happened (Bamako time = UTC).", example=TIME_EXAMPLE)
    truck: str | None = column("Truck lost (truck_lost only).", example="", default=None)
    delay_days: float | None = column(
        "Expected delay (delayed only).", unit="d", example=None, default=None, ge=0
    )
    note: str = column("What happened.", example="", default="")


class ReceiptRow(Row):
    document_ref: str = column("Receipt note number.", example="REC-SEN-0001")
    convoy: str = column("Convoy code.", example="CV-2026-001")
    truck: str = column("Truck registration.", example="AA-1234-MD")
    compartment: int = column("Compartment number.", example=1, ge=1, le=20)
    depot: str = column("Receiving depot (network depots sheet).", example="BKO-SENOU")
    received_at: Moment = column("When the compartment was discharged.", example="2026-01-12 10:00")
    volume_l: float = column(
        "Volume received at the observed temperature.", unit="L", example=11480.0, gt=0
    )
    temperature_c: float = column("Product temperature at receipt.", unit="°C", example=33.0)
    density_kg_m3: float = column("Hydrometer reading.", unit="kg/m³", example=835.1, gt=0)
    density_temperature_c: float | None = column(
        "Temperature of the hydrometer reading (blank = temperature_c).",
        unit="°C",
        example=33.0,
        default=None,
    )


class WithdrawalRow(Row):
    document_ref: str = column("Loading order number, unique.", example="WD-SEN-0001")
    depot: str = column("Depot loaded out of (network depots sheet).", example="BKO-SENOU")
    region: str = column("Region served (network region_supply sheet).", example="BAMAKO")
    product: str = column("Product code.", example="GASOIL")
    withdrawn_at: Moment = column("When the product left the depot.", example="2026-01-13 07:00")
    quantity_t: float = column("Quantity, weight in air.", unit="t", example=38.5, gt=0)


class DipRow(Row):
    document_ref: str = column("Dip sheet number, unique.", example="DIP-SEN-0001")
    depot: str = column("Depot (network depots sheet).", example="BKO-SENOU")
    product: str = column("Product of the tank.", example="GASOIL")
    dipped_at: Moment = column("When the tank was dipped.", example="2026-01-31 18:00")
    volume_l: float = column(
        "Tank content at the observed temperature.", unit="L", example=3_200_000.0, gt=0
    )
    temperature_c: float = column("Product temperature in the tank.", unit="°C", example=30.0)
    density_kg_m3: float = column("Hydrometer reading.", unit="kg/m³", example=836.0, gt=0)
    density_temperature_c: float | None = column(
        "Temperature of the hydrometer reading (blank = temperature_c).",
        unit="°C",
        example=30.0,
        default=None,
    )


class ToleranceRow(Row):
    contract: str = column("Contract (network contracts sheet).", example="SUPPLY-2026")
    transit_loss_tolerance_pct: float = column(
        "Transit loss tolerated before an alert, of the dispatched weight.",
        unit="%",
        example=0.5,
        ge=0,
        le=100,
    )


SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "opening_stocks", OpeningStockRow, ("document_ref",), False, "Depot stocks at the start."
    ),
    SheetSpec("liftings", LiftingRow, ("document_ref",), False, "Product lifted at ports."),
    SheetSpec("convoys", ConvoyRow, ("convoy",), False, "Convoys dispatched from ports."),
    SheetSpec(
        "compartments",
        CompartmentRow,
        ("convoy", "truck", "compartment"),
        False,
        "Each truck compartment of a convoy as loaded.",
    ),
    SheetSpec(
        "convoy_events", ConvoyEventRow, ("document_ref",), False, "What happened on the road."
    ),
    SheetSpec(
        "receipts",
        ReceiptRow,
        ("convoy", "truck", "compartment"),
        False,
        "Compartments received at depots, measured again.",
    ),
    SheetSpec("withdrawals", WithdrawalRow, ("document_ref",), False, "Loadings out to regions."),
    SheetSpec("dips", DipRow, ("document_ref",), False, "Tank dips: physical stock."),
    SheetSpec(
        "tolerances",
        ToleranceRow,
        ("contract",),
        False,
        "Transit loss tolerance per contract (default 0.5 %).",
    ),
)

ROW_TIME_FIELD: dict[str, str] = {
    "opening_stocks": "at",
    "liftings": "lifted_at",
    "convoys": "dispatched_at",
    "convoy_events": "at",
    "receipts": "received_at",
    "withdrawals": "withdrawn_at",
    "dips": "dipped_at",
}


def row_time(sheet: str, row: Row) -> datetime:
    """When a row's operation happened (the order an import checks and writes operations in)."""
    moment = getattr(row, ROW_TIME_FIELD[sheet])
    assert isinstance(moment, datetime)
    return moment
