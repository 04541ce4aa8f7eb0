"""The bar register and the vault: casting bars by LBMA rules, locations, moves, releases.

Casting moves the bars' stated fine content PROCESS:<batch> → VAULT:<location>; the rounding
left by the stated weights stays in process. Serials are unique per brand and year (checked here
and by a unique index). A bar leaves the vault only when a second, different person approves the
release (four eyes): VAULT:<location> → SHIPPED:<consignee>; a return to a depositor also debits
its metal account (METAL:<depositor> → CLEARING:TOLL).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import Field, model_validator
from sqlalchemy.engine import Connection

from nafolo.gold.bars import (
    Bar,
    BarKind,
    BarRuleError,
    gold_good_delivery_bar,
    gold_kilobar,
    silver_good_delivery_bar,
)
from nafolo.gold.service import accounts
from nafolo.gold.service.common import (
    Code,
    Context,
    CustodyEvent,
    Input,
    Output,
    RecordedEntry,
    draft,
    from_moz,
    recorded,
    stamp,
    to_moz,
    ts,
)
from nafolo.gold.service.depositors import read_depositor
from nafolo.gold.service.errors import (
    FieldProblem,
    GoldNotFoundError,
    GoldRefusedError,
    Rule,
    refuse,
)
from nafolo.gold.service.refining import in_process_au
from nafolo.ledger import NotFoundError
from nafolo.store.gold_tables import (
    bar_moves,
    bars,
    batch_inputs,
    batches,
    shipment_bars,
    shipments,
    vault_locations,
)
from nafolo.workbook import write_sheets

CHUNK = 500


class BarIn(Input):
    serial: str = Field(min_length=1, max_length=40)
    kind: BarKind = BarKind.GOLD_GOOD_DELIVERY
    scale_reading_oz: Decimal | None = Field(default=None, gt=0)
    scale_reading_g: Decimal | None = Field(default=None, gt=0)
    fineness_per_mille: Decimal = Field(gt=0, le=1000)
    year: int | None = None

    @model_validator(mode="after")
    def _reading(self) -> BarIn:
        if (self.scale_reading_oz is None) == (self.scale_reading_g is None):
            raise ValueError("scale_reading_oz: give the reading in oz or in g (one of them)")
        return self


class CastBars(Input):
    batch_id: Code
    location: Code
    cast_at: datetime
    bars: list[BarIn] = Field(min_length=1)


class ReleaseIn(Input):
    shipment_id: Code
    bar_ids: list[str] = Field(min_length=1)
    consignee: Code
    kind: Literal["shipment", "return"] = "shipment"
    depositor_id: Code | None = None
    at: datetime

    @model_validator(mode="after")
    def _depositor(self) -> ReleaseIn:
        if (self.kind == "return") != (self.depositor_id is not None):
            raise ValueError("depositor_id: required for a return, and only for a return")
        return self


class LocationOut(Output):
    code: str
    name: str


class BarOut(Output):
    bar_id: str
    serial: str
    brand: str
    year: int
    kind: BarKind
    metal: str
    gross_oz: Decimal
    fineness_per_mille: Decimal
    fine_oz: Decimal
    batch_id: str
    location: str
    status: str
    cast_at: str
    cast_by: str


class ShipmentOut(Output):
    shipment_id: str
    kind: str
    consignee: str
    depositor_id: str | None
    status: str
    bar_ids: list[str]
    fine_au_oz: Decimal
    fine_ag_oz: Decimal
    requested_by: str
    approved_by: str | None
    entries: list[RecordedEntry] = Field(default_factory=list)


class WeightListRowOut(Output):
    serial: str = Field(description="Bar serial number.")
    brand: str = Field(description="Refiner's mark.")
    gross_oz: Decimal = Field(description="Gross weight.", json_schema_extra={"unit": "oz"})
    fineness: Decimal = Field(description="Fineness.", json_schema_extra={"unit": "‰"})
    fine_oz: Decimal = Field(description="Fine weight.", json_schema_extra={"unit": "oz"})
    year: int = Field(description="Year of manufacture.")


class _WeightListSheet:
    name = "weight_list"
    row = WeightListRowOut
    key = ("serial",)
    required = True
    description = "LBMA weight list: serial, brand, gross oz, fineness, fine oz, year."


def bar_id_of(brand: str, year: int, serial: str) -> str:
    return f"{brand}-{year}-{serial}".upper()


def _make(bar: BarIn, brand: str, year: int) -> Bar:
    if bar.kind is BarKind.GOLD_KILOBAR:
        grams = bar.scale_reading_g
        if grams is None:
            assert bar.scale_reading_oz is not None
            return _make(
                bar.model_copy(
                    update={
                        "scale_reading_g": bar.scale_reading_oz * Decimal("31.1034768"),
                        "scale_reading_oz": None,
                    }
                ),
                brand,
                year,
            )
        return gold_kilobar(bar.serial, brand, year, grams, bar.fineness_per_mille)
    reading = bar.scale_reading_oz
    if reading is None:
        assert bar.scale_reading_g is not None
        reading = bar.scale_reading_g / Decimal("31.1034768")
    make = (
        silver_good_delivery_bar
        if bar.kind is BarKind.SILVER_GOOD_DELIVERY
        else gold_good_delivery_bar
    )
    return make(bar.serial, brand, year, reading, bar.fineness_per_mille)


def _bars_where(
    query: sa.Select[Any], location: str | None, status: str | None, batch_id: str | None
) -> sa.Select[Any]:
    for column, value in (
        (bars.c.location, location),
        (bars.c.status, status),
        (bars.c.batch_id, batch_id),
    ):
        if value is not None:
            query = query.where(column == value)
    return query


def _bar_out(row: sa.Row[tuple[object, ...]]) -> BarOut:
    m = row._mapping
    return BarOut(
        bar_id=m["bar_id"],
        serial=m["serial"],
        brand=m["brand"],
        year=m["year"],
        kind=BarKind(m["kind"]),
        metal=m["metal"],
        gross_oz=Decimal(m["gross_oz"]),
        fineness_per_mille=Decimal(m["fineness_per_mille"]),
        fine_oz=from_moz(m["fine_moz"]),
        batch_id=m["batch_id"],
        location=m["location"],
        status=m["status"],
        cast_at=m["cast_at"],
        cast_by=m["actor"],
    )


def read_bars(connection: Connection, bar_ids: Sequence[str]) -> dict[str, BarOut]:
    found: dict[str, BarOut] = {}
    for start in range(0, len(bar_ids), CHUNK):
        part = list(bar_ids[start : start + CHUNK])
        for row in connection.execute(sa.select(bars).where(bars.c.bar_id.in_(part))):
            found[row.bar_id] = _bar_out(row)
    return found


def _lots_of_batches(connection: Connection, batch_ids: Sequence[str]) -> list[str]:
    return list(
        dict.fromkeys(
            connection.execute(
                sa.select(batch_inputs.c.lot_id)
                .where(batch_inputs.c.batch_id.in_(list(batch_ids)))
                .order_by(batch_inputs.c.id)
            ).scalars()
        )
    )


class Vault:
    """Bars: casting, locations, moves, two-person releases, weight lists."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def add_location(self, code: str, name: str, *, actor: str) -> LocationOut:
        with self.context.engine.begin() as connection:
            if connection.execute(
                sa.select(vault_locations.c.code).where(vault_locations.c.code == code)
            ).first():
                raise refuse("code", f"vault location {code!r} already exists", Rule.DUPLICATE)
            connection.execute(
                vault_locations.insert(),
                [{"code": code, "name": name, "recorded_at": stamp(), "actor": actor}],
            )
        return LocationOut(code=code, name=name)

    def locations(self) -> list[LocationOut]:
        with self.context.engine.connect() as connection:
            rows = connection.execute(sa.select(vault_locations).order_by(vault_locations.c.code))
            return [LocationOut(code=r.code, name=r.name) for r in rows]

    def cast_bars(self, cast: CastBars, *, actor: str) -> list[BarOut]:
        """Cast bars from an open batch into a vault location; every bar rule break is listed
        (`Rule.BAR_*`), and nothing is stored if any bar is refused."""
        brand = self.context.config.brand
        year = cast.cast_at.year
        problems: list[FieldProblem] = []
        made: list[Bar] = []
        for index, bar_in in enumerate(cast.bars):
            try:
                made.append(_make(bar_in, brand, bar_in.year or year))
            except BarRuleError as error:
                problems.append(
                    FieldProblem(
                        f"bars[{index}]",
                        str(error),
                        Rule("bar_" + error.rule.name.lower()),
                    )
                )
        keys = [(b.brand.casefold(), b.year, b.serial.casefold()) for b in made]
        with self.context.engine.connect() as connection:
            batch = connection.execute(
                sa.select(batches).where(batches.c.batch_id == cast.batch_id)
            ).first()
            if batch is None:
                raise GoldNotFoundError("batch", cast.batch_id)
            if batch.status != "open":
                raise refuse("batch_id", f"batch {cast.batch_id} is closed", Rule.STATE)
            if not connection.execute(
                sa.select(vault_locations.c.code).where(vault_locations.c.code == cast.location)
            ).first():
                raise refuse(
                    "location", f"unknown vault location {cast.location!r}", Rule.REFERENCE
                )
            taken: set[tuple[str, int, str]] = set()
            for brand_key, bar_year in {(k[0], k[1]) for k in keys}:
                serials = sorted({k[2] for k in keys if (k[0], k[1]) == (brand_key, bar_year)})
                for start in range(0, len(serials), CHUNK):
                    taken |= {
                        (brand_key, bar_year, serial)
                        for serial in connection.execute(
                            sa.select(bars.c.serial_key).where(
                                bars.c.brand_key == brand_key,
                                bars.c.year == bar_year,
                                bars.c.serial_key.in_(serials[start : start + CHUNK]),
                            )
                        ).scalars()
                    }
            left_au = in_process_au(connection, cast.batch_id)
            left_ag = self._balance(accounts.process(cast.batch_id), accounts.AG)
        seen: set[tuple[str, int, str]] = set()
        for index, (bar, key) in enumerate(zip(made, keys, strict=True)):
            if key in taken or key in seen:
                problems.append(
                    FieldProblem(
                        f"bars[{index}].serial",
                        f"bar {bar.serial}: serial already used for brand {bar.brand} in "
                        f"{bar.year}",
                        Rule.BAR_SERIAL_UNIQUE,
                    )
                )
            seen.add(key)
        au = sum(
            (b.fine_oz for b in made if b.kind is not BarKind.SILVER_GOOD_DELIVERY), Decimal(0)
        )
        ag = sum((b.fine_oz for b in made if b.kind is BarKind.SILVER_GOOD_DELIVERY), Decimal(0))
        if au > left_au:
            problems.append(
                FieldProblem(
                    "bars",
                    f"bars hold {au} fine oz Au; batch {cast.batch_id} has {left_au} oz in process",
                    Rule.BATCH_BALANCE,
                )
            )
        if ag > left_ag:
            problems.append(
                FieldProblem(
                    "bars",
                    f"bars hold {ag} fine oz Ag; batch {cast.batch_id} has {left_ag} oz in process",
                    Rule.BATCH_BALANCE,
                )
            )
        if problems:
            raise GoldRefusedError(problems)
        source = accounts.process(cast.batch_id)
        target = accounts.vault(cast.location)
        drafts = []
        for bar in made:
            metal = accounts.AG if bar.kind is BarKind.SILVER_GOOD_DELIVERY else accounts.AU
            bar_id = bar_id_of(bar.brand, bar.year, bar.serial)
            drafts.append(
                draft(
                    metal,
                    bar.fine_oz,
                    source,
                    target,
                    "bar_cast",
                    cast.cast_at,
                    actor,
                    bar_id,
                    f"gold:bar:{bar_id}",
                    batch=cast.batch_id,
                    gross_oz=bar.gross_oz,
                    fineness=bar.fineness_per_mille,
                )
            )
        entries = self.context.append(drafts)
        seq_of = {e.document_ref: e.seq for e in entries}
        now = stamp()
        rows = []
        moves = []
        for bar in made:
            bar_id = bar_id_of(bar.brand, bar.year, bar.serial)
            rows.append(
                {
                    "bar_id": bar_id,
                    "serial": bar.serial,
                    "serial_key": bar.serial.casefold(),
                    "brand": bar.brand,
                    "brand_key": bar.brand.casefold(),
                    "year": bar.year,
                    "kind": bar.kind.value,
                    "gross_oz": str(bar.gross_oz),
                    "fineness_per_mille": str(bar.fineness_per_mille),
                    "fine_moz": to_moz(bar.fine_oz),
                    "metal": accounts.AG if bar.kind is BarKind.SILVER_GOOD_DELIVERY else "AU",
                    "batch_id": cast.batch_id,
                    "location": cast.location,
                    "status": "vaulted",
                    "cast_at": ts(cast.cast_at),
                    "recorded_at": now,
                    "actor": actor,
                }
            )
            moves.append(
                {
                    "bar_id": bar_id,
                    "from_location": None,
                    "to_location": cast.location,
                    "at": ts(cast.cast_at),
                    "ledger_seq": seq_of.get(bar_id),
                    "recorded_at": now,
                    "actor": actor,
                }
            )
        with self.context.engine.begin() as connection:
            connection.execute(bars.insert(), rows)
            connection.execute(bar_moves.insert(), moves)
            lots = _lots_of_batches(connection, [cast.batch_id])
            first, last = rows[0]["bar_id"], rows[-1]["bar_id"]
            self.context.custody(
                connection,
                [
                    (
                        lot,
                        CustodyEvent.BAR_CAST,
                        ts(cast.cast_at),
                        None,
                        f"{len(rows)} bars {first}…{last} cast from batch {cast.batch_id}, "
                        f"vaulted at {cast.location}",
                    )
                    for lot in lots
                ],
                actor,
            )
            found = read_bars(connection, [str(r["bar_id"]) for r in rows])
        return [found[str(r["bar_id"])] for r in rows]

    def _balance(self, account: str, commodity: str) -> Decimal:
        try:
            return self.context.ledger.balance(account, commodity)
        except NotFoundError:
            return Decimal(0)

    def move(self, bar_id: str, to_location: str, *, actor: str, at: datetime) -> BarOut:
        """Move a vaulted bar to another vault location (a ledger movement between vaults)."""
        with self.context.engine.connect() as connection:
            bar = read_bars(connection, [bar_id]).get(bar_id)
            if bar is None:
                raise GoldNotFoundError("bar", bar_id)
            if bar.status != "vaulted":
                raise refuse("bar_id", f"bar {bar_id} is {bar.status}", Rule.STATE)
            if not connection.execute(
                sa.select(vault_locations.c.code).where(vault_locations.c.code == to_location)
            ).first():
                raise refuse(
                    "to_location", f"unknown vault location {to_location!r}", Rule.REFERENCE
                )
        if to_location == bar.location:
            return bar
        moved = self.context.append(
            [
                draft(
                    bar.metal,
                    bar.fine_oz,
                    accounts.vault(bar.location),
                    accounts.vault(to_location),
                    "vault_move",
                    at,
                    actor,
                    bar_id,
                    None,
                    bar=bar_id,
                )
            ]
        )
        with self.context.engine.begin() as connection:
            connection.execute(
                bars.update().where(bars.c.bar_id == bar_id).values(location=to_location)
            )
            connection.execute(
                bar_moves.insert(),
                [
                    {
                        "bar_id": bar_id,
                        "from_location": bar.location,
                        "to_location": to_location,
                        "at": ts(at),
                        "ledger_seq": moved[0].seq,
                        "recorded_at": stamp(),
                        "actor": actor,
                    }
                ],
            )
            self.context.custody(
                connection,
                [
                    (
                        lot,
                        CustodyEvent.VAULTED,
                        ts(at),
                        moved[0].seq,
                        f"bar {bar_id} moved {bar.location} → {to_location}",
                    )
                    for lot in _lots_of_batches(connection, [bar.batch_id])
                ],
                actor,
            )
        return self.bar(bar_id)

    def request_release(self, release: ReleaseIn, *, actor: str) -> ShipmentOut:
        """First signature of a release: bars vaulted and not already pending elsewhere."""
        ids = list(dict.fromkeys(i.upper() for i in release.bar_ids))
        with self.context.engine.begin() as connection:
            if connection.execute(
                sa.select(shipments.c.shipment_id).where(
                    shipments.c.shipment_id == release.shipment_id
                )
            ).first():
                raise refuse("shipment_id", f"{release.shipment_id!r} exists", Rule.DUPLICATE)
            if release.depositor_id is not None:
                read_depositor(connection, release.depositor_id)
            found = read_bars(connection, ids)
            pending = set(
                connection.execute(
                    sa.select(shipment_bars.c.bar_id)
                    .join(shipments, shipments.c.shipment_id == shipment_bars.c.shipment_id)
                    .where(shipments.c.status == "pending", shipment_bars.c.bar_id.in_(ids))
                ).scalars()
            )
            problems = []
            for index, bar_id in enumerate(ids):
                bar = found.get(bar_id)
                if bar is None:
                    problems.append(
                        FieldProblem(f"bar_ids[{index}]", f"unknown bar {bar_id}", Rule.REFERENCE)
                    )
                elif bar.status != "vaulted" or bar_id in pending:
                    state = "pending release" if bar_id in pending else bar.status
                    problems.append(
                        FieldProblem(f"bar_ids[{index}]", f"bar {bar_id} is {state}", Rule.STATE)
                    )
            if problems:
                raise GoldRefusedError(problems)
            connection.execute(
                shipments.insert(),
                [
                    {
                        "shipment_id": release.shipment_id,
                        "kind": release.kind,
                        "consignee": release.consignee,
                        "depositor_id": release.depositor_id,
                        "status": "pending",
                        "requested_at": ts(release.at),
                        "approved_by": None,
                        "approved_at": None,
                        "recorded_at": stamp(),
                        "actor": actor,
                    }
                ],
            )
            connection.execute(
                shipment_bars.insert(),
                [{"shipment_id": release.shipment_id, "bar_id": b} for b in ids],
            )
        if release.kind == "return":
            self._check_metal(release.depositor_id or "", found.values())
        return self.shipment(release.shipment_id)

    def _check_metal(self, depositor_id: str, bar_list: Iterable[BarOut]) -> None:
        totals = {accounts.AU: Decimal(0), accounts.AG: Decimal(0)}
        for bar in bar_list:
            totals[bar.metal] += bar.fine_oz
        problems = []
        for metal, wanted in totals.items():
            held = self._balance(accounts.metal(depositor_id), metal)
            if wanted > held:
                problems.append(
                    FieldProblem(
                        "bar_ids",
                        f"bars hold {wanted} fine oz {metal}; {depositor_id} has {held} oz on "
                        "its metal account",
                        Rule.INSUFFICIENT_METAL,
                    )
                )
        if problems:
            raise GoldRefusedError(problems)

    def approve_release(self, shipment_id: str, *, actor: str, at: datetime) -> ShipmentOut:
        """Second signature: a different person approves and the bars leave the vault."""
        pending = self.shipment(shipment_id)
        if pending.status != "pending":
            raise refuse("shipment_id", f"{shipment_id} is {pending.status}", Rule.STATE)
        if pending.requested_by == actor:
            raise refuse(
                "actor",
                f"{actor} requested release {shipment_id}; a second, different person must "
                "approve it (four eyes)",
                Rule.FOUR_EYES,
            )
        with self.context.engine.connect() as connection:
            found = read_bars(connection, pending.bar_ids)
        if pending.kind == "return":
            self._check_metal(pending.depositor_id or "", list(found.values()))
        drafts = [
            draft(
                bar.metal,
                bar.fine_oz,
                accounts.vault(bar.location),
                accounts.shipped(pending.consignee),
                "shipment",
                at,
                actor,
                shipment_id,
                f"gold:ship:{shipment_id}:{bar.bar_id}",
                bar=bar.bar_id,
                requested_by=pending.requested_by,
            )
            for bar in found.values()
        ]
        if pending.kind == "return" and pending.depositor_id is not None:
            for metal, oz in ((accounts.AU, pending.fine_au_oz), (accounts.AG, pending.fine_ag_oz)):
                drafts.append(
                    draft(
                        metal,
                        oz,
                        accounts.metal(pending.depositor_id),
                        accounts.CLEARING,
                        "return",
                        at,
                        actor,
                        shipment_id,
                        f"gold:return:{shipment_id}:{metal}",
                    )
                )
        entries = self.context.append(drafts)
        seq_of = {str(e.attributes.get("bar")): e.seq for e in entries}
        now = stamp()
        with self.context.engine.begin() as connection:
            connection.execute(
                shipments.update()
                .where(shipments.c.shipment_id == shipment_id)
                .values(status="shipped", approved_by=actor, approved_at=ts(at))
            )
            connection.execute(
                bars.update()
                .where(bars.c.bar_id.in_(pending.bar_ids))
                .values(status="shipped", location=pending.consignee)
            )
            connection.execute(
                bar_moves.insert(),
                [
                    {
                        "bar_id": bar.bar_id,
                        "from_location": bar.location,
                        "to_location": pending.consignee,
                        "at": ts(at),
                        "ledger_seq": seq_of.get(bar.bar_id),
                        "recorded_at": now,
                        "actor": actor,
                    }
                    for bar in found.values()
                ],
            )
            lots = _lots_of_batches(connection, sorted({b.batch_id for b in found.values()}))
            self.context.custody(
                connection,
                [
                    (
                        lot,
                        CustodyEvent.SHIPPED,
                        ts(at),
                        None,
                        f"shipment {shipment_id} to {pending.consignee} "
                        f"(requested by {pending.requested_by}, approved by {actor})",
                    )
                    for lot in lots
                ],
                actor,
            )
        return self.shipment(shipment_id).model_copy(
            update={"entries": [recorded(e) for e in entries]}
        )

    def shipment(self, shipment_id: str) -> ShipmentOut:
        with self.context.engine.connect() as connection:
            row = connection.execute(
                sa.select(shipments).where(shipments.c.shipment_id == shipment_id)
            ).first()
            if row is None:
                raise GoldNotFoundError("shipment", shipment_id)
            ids = list(
                connection.execute(
                    sa.select(shipment_bars.c.bar_id)
                    .where(shipment_bars.c.shipment_id == shipment_id)
                    .order_by(shipment_bars.c.bar_id)
                ).scalars()
            )
            found = read_bars(connection, ids)
        return ShipmentOut(
            shipment_id=shipment_id,
            kind=row.kind,
            consignee=row.consignee,
            depositor_id=row.depositor_id,
            status=row.status,
            bar_ids=ids,
            fine_au_oz=sum((b.fine_oz for b in found.values() if b.metal == "AU"), Decimal(0)),
            fine_ag_oz=sum((b.fine_oz for b in found.values() if b.metal == "AG"), Decimal(0)),
            requested_by=row.actor,
            approved_by=row.approved_by,
        )

    def bar(self, bar_id: str) -> BarOut:
        with self.context.engine.connect() as connection:
            found = read_bars(connection, [bar_id.upper()]).get(bar_id.upper())
        if found is None:
            raise GoldNotFoundError("bar", bar_id)
        return found

    def bars(
        self,
        location: str | None = None,
        status: str | None = None,
        batch_id: str | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> list[BarOut]:
        query = _bars_where(sa.select(bars), location, status, batch_id)
        query = query.order_by(bars.c.bar_id).limit(limit).offset(offset)
        with self.context.engine.connect() as connection:
            return [_bar_out(r) for r in connection.execute(query)]

    def count_bars(
        self, location: str | None = None, status: str | None = None, batch_id: str | None = None
    ) -> int:
        """How many bars `bars` would list with these filters and no limit."""
        query = _bars_where(
            sa.select(sa.func.count()).select_from(bars), location, status, batch_id
        )
        with self.context.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def weight_list(
        self, bar_ids: Sequence[str] | None = None, shipment_id: str | None = None
    ) -> list[WeightListRowOut]:
        """LBMA weight list rows of the given bars, a shipment's bars, or every vaulted bar."""
        if shipment_id is not None:
            bar_ids = self.shipment(shipment_id).bar_ids
        with self.context.engine.connect() as connection:
            if bar_ids is None:
                rows = [
                    _bar_out(r)
                    for r in connection.execute(
                        sa.select(bars).where(bars.c.status == "vaulted").order_by(bars.c.bar_id)
                    )
                ]
            else:
                found = read_bars(connection, [b.upper() for b in bar_ids])
                missing = [b for b in bar_ids if b.upper() not in found]
                if missing:
                    raise GoldNotFoundError("bar", missing[0])
                rows = [found[b.upper()] for b in bar_ids]
        return [
            WeightListRowOut(
                serial=b.serial,
                brand=b.brand,
                gross_oz=b.gross_oz,
                fineness=b.fineness_per_mille,
                fine_oz=b.fine_oz,
                year=b.year,
            )
            for b in rows
        ]

    def export_weight_list(
        self, path: Path, bar_ids: Sequence[str] | None = None, shipment_id: str | None = None
    ) -> Path:
        """Write the weight list: `.xlsx` with the workbook writer (header and units rows),
        otherwise one CSV file (UTF-8 with BOM, header row, decimal point)."""
        rows = self.weight_list(bar_ids, shipment_id)
        path = Path(path)
        if path.suffix.lower() == ".xlsx":
            write_sheets(path, [_WeightListSheet()], {"weight_list": rows})
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(["serial", "brand", "gross_oz", "fineness", "fine_oz", "year"])
            for r in rows:
                writer.writerow([r.serial, r.brand, r.gross_oz, r.fineness, r.fine_oz, r.year])
        return path
