"""`nafolo gold batch …`, `nafolo gold bar …`, `nafolo gold location add` and
`nafolo gold weight-list`: refining batches and their balance, bars cast to LBMA rules, the
vault, releases with four eyes, and the weight list (CSV or .xlsx by the file's extension)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nafolo.cli.db import DbOption
from nafolo.cli.gold import gold_app
from nafolo.cli.gold_common import (
    DEFAULT_ACTOR,
    ActorOption,
    JsonOption,
    cell,
    console,
    fail,
    moment,
    print_json,
    refinery,
    show_trace,
    table,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nafolo.gold.service.refining import BatchOut
    from nafolo.gold.service.vault import BarOut

batch_app = typer.Typer(help="Refining batches.", no_args_is_help=True)
bar_app = typer.Typer(help="Bars and the vault.", no_args_is_help=True)
location_app = typer.Typer(help="Vault locations.", no_args_is_help=True)
gold_app.add_typer(batch_app, name="batch")
gold_app.add_typer(bar_app, name="bar")
gold_app.add_typer(location_app, name="location")

AtOption = Annotated[
    datetime | None, typer.Option("--at", help="When (naive = UTC, Bamako time; default now).")
]


class BarKindChoice(StrEnum):
    GOOD_DELIVERY = "good-delivery"
    KILOBAR = "kilobar"
    SILVER = "silver"


def _decimal(text: str, what: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise fail(f"{what}: {text!r} is not a number", 2) from None


@location_app.command("add")
def location_add(
    code: str, name: str, db: DbOption = None, actor: ActorOption = DEFAULT_ACTOR
) -> None:
    """Add a vault location."""
    with refinery(db) as gold:
        gold.vault.add_location(code, name, actor=actor)
    typer.echo(f"vault location {code} added")


# ---- batches ------------------------------------------------------------------------------------


@batch_app.command("plan")
def batch_plan(
    batch_id: str,
    on: Annotated[datetime, typer.Option("--on", formats=["%Y-%m-%d"], help="Planned day.")],
    lot: Annotated[
        list[str],
        typer.Option("--lot", help="LOT or LOT=FINE_AU_OZ (part of a lot). Repeatable."),
    ],
    route: Annotated[
        str, typer.Option("--route", help="miller_wohlwill, miller, wohlwill or aqua_regia.")
    ] = "miller_wohlwill",
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
    at: AtOption = None,
) -> None:
    """Plan a batch from assayed lots within the day's capacity."""
    from nafolo.gold.service.refining import BatchInputIn, BatchPlan

    inputs = []
    for text in lot:
        lot_id, _, oz = text.partition("=")
        fine = _decimal(oz, f"--lot {text}") if oz else None
        inputs.append(BatchInputIn(lot_id=lot_id, fine_au_oz=fine))
    with refinery(db) as gold:
        out = gold.refining.plan(
            BatchPlan(batch_id=batch_id, planned_on=on.date(), route=route, inputs=inputs),  # type: ignore[arg-type, unused-ignore]
            actor=actor,
            at=moment(at),
        )
    total = sum((i.fine_au_oz for i in out.inputs), Decimal(0))
    typer.echo(f"batch {batch_id}: {len(out.inputs)} lot(s), {cell(total)} fine oz Au in")


@batch_app.command("residue")
def batch_residue(
    batch_id: str,
    residue_id: str,
    kind: Annotated[str, typer.Option("--kind", help="slag, sludge, sweeps, filters, silver.")],
    gross_g: Annotated[Decimal, typer.Option("--gross-g", help="Weight [g].")],
    au_per_mille: Annotated[Decimal, typer.Option("--au", help="Au [‰].")],
    ag_per_mille: Annotated[Decimal, typer.Option("--ag", help="Ag [‰].")] = Decimal(0),
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
    at: AtOption = None,
) -> None:
    """Record a residue of the batch (recovery inventory, not loss)."""
    from nafolo.gold.service.refining import ResidueIn

    with refinery(db) as gold:
        out = gold.refining.record_residue(
            ResidueIn(
                batch_id=batch_id,
                residue_id=residue_id,
                kind=kind,  # type: ignore[arg-type, unused-ignore]
                gross_g=gross_g,
                au_per_mille=au_per_mille,
                ag_per_mille=ag_per_mille,
            ),
            actor=actor,
            at=moment(at),
        )
    typer.echo(f"residue {residue_id}: {cell(out.fine_au_oz)} fine oz Au")


def _show_batch(batch: BatchOut) -> None:
    b = batch.balance
    shown = table(
        f"Batch {batch.batch_id} ({batch.status}) — fine Au balance", ("term", "fine Au [oz]")
    )
    for label, value in (
        ("in from lots", b.fine_in_oz),
        ("in bars", b.fine_in_bars_oz),
        ("in process", b.in_process_oz),
        ("in residues", b.fine_in_residues_oz),
        ("recorded loss", b.recorded_loss_oz),
        ("unaccounted", b.unaccounted_oz),
    ):
        shown.add_row(label, cell(value))
    console().print(shown)


@batch_app.command("close")
def batch_close(
    batch_id: str,
    in_process_oz: Annotated[
        Decimal, typer.Option("--in-process-oz", help="Stock-taken fine Au in process [oz].")
    ] = Decimal(0),
    loss_oz: Annotated[
        Decimal, typer.Option("--loss-oz", help="Recorded refining loss [fine oz Au].")
    ] = Decimal(0),
    note: Annotated[str, typer.Option("--note")] = "",
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
    at: AtOption = None,
) -> None:
    """Close a batch when its fine-gold balance holds (refused naming the gap otherwise)."""
    from nafolo.gold.service.refining import CloseBatch

    with refinery(db) as gold:
        out = gold.refining.close(
            CloseBatch(
                batch_id=batch_id, in_process_au_oz=in_process_oz, loss_au_oz=loss_oz, note=note
            ),
            actor=actor,
            at=moment(at),
        )
    _show_batch(out)


@batch_app.command("show")
def batch_show(batch_id: str, db: DbOption = None, as_json: JsonOption = False) -> None:
    """A batch: its lots, bars and balance."""
    with refinery(db) as gold:
        out = gold.refining.get(batch_id)
    if as_json:
        print_json(out)
        return
    _show_batch(out)
    typer.echo("lots: " + ", ".join(f"{i.lot_id} ({cell(i.fine_au_oz)} oz)" for i in out.inputs))
    typer.echo("bars: " + (", ".join(out.bar_ids) or "none"))


# ---- bars ---------------------------------------------------------------------------------------


@bar_app.command("cast")
def bar_cast(
    batch_id: str,
    location: Annotated[str, typer.Option("--location", help="Vault location.")],
    bar: Annotated[
        list[str],
        typer.Option(
            "--bar",
            help="SERIAL:READING_OZ:FINENESS_‰ (reading in troy oz; READINGg for grams). "
            "Repeatable.",
        ),
    ],
    kind: Annotated[BarKindChoice, typer.Option("--kind")] = BarKindChoice.GOOD_DELIVERY,
    at: AtOption = None,
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
) -> None:
    """Cast bars from a batch; every bar is checked against its LBMA rules (all or none)."""
    from nafolo.gold.bars import BarKind
    from nafolo.gold.service.vault import BarIn, CastBars

    kinds = {
        BarKindChoice.GOOD_DELIVERY: BarKind.GOLD_GOOD_DELIVERY,
        BarKindChoice.KILOBAR: BarKind.GOLD_KILOBAR,
        BarKindChoice.SILVER: BarKind.SILVER_GOOD_DELIVERY,
    }
    bars = []
    for text in bar:
        parts = text.split(":")
        if len(parts) != 3:
            raise fail(f"--bar {text!r}: give SERIAL:READING_OZ:FINENESS", 2)
        serial, reading, fineness = parts
        grams = reading.lower().endswith("g")
        value = _decimal(reading.rstrip("gG"), f"--bar {text}")
        bars.append(
            BarIn(
                serial=serial,
                kind=kinds[kind],
                scale_reading_g=value if grams else None,
                scale_reading_oz=None if grams else value,
                fineness_per_mille=_decimal(fineness, f"--bar {text}"),
            )
        )
    with refinery(db) as gold:
        out = gold.vault.cast_bars(
            CastBars(batch_id=batch_id, location=location, cast_at=moment(at), bars=bars),
            actor=actor,
        )
    _bars_table(f"Bars cast from {batch_id}", out)


def _bars_table(title: str, bars: Sequence[BarOut]) -> None:
    shown = table(
        title,
        ("bar", "kind", "gross [oz]", "fineness [‰]", "fine [oz]", "location", "status"),
    )
    for b in bars:
        shown.add_row(
            b.bar_id,
            cell(b.kind),
            cell(b.gross_oz),
            cell(b.fineness_per_mille),
            cell(b.fine_oz),
            b.location,
            b.status,
        )
    console().print(shown)


@bar_app.command("list")
def bar_list(
    location: Annotated[str | None, typer.Option("--location")] = None,
    status: Annotated[str | None, typer.Option("--status", help="vaulted or shipped.")] = None,
    batch_id: Annotated[str | None, typer.Option("--batch")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Bars, filtered by location, status or batch."""
    with refinery(db) as gold:
        rows = gold.vault.bars(location=location, status=status, batch_id=batch_id, limit=10**9)
    if as_json:
        print_json(rows)
        return
    _bars_table("Bars", rows)
    total = sum((b.fine_oz for b in rows), Decimal(0))
    typer.echo(f"{len(rows)} bar(s), {cell(total)} fine oz")


@bar_app.command("move")
def bar_move(
    bar_id: str,
    to_location: str,
    at: AtOption = None,
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
) -> None:
    """Move a bar to another vault location."""
    with refinery(db) as gold:
        out = gold.vault.move(bar_id, to_location, actor=actor, at=moment(at))
    typer.echo(f"bar {out.bar_id} now in {out.location}")


@bar_app.command("release")
def bar_release(
    shipment_id: str,
    bar: Annotated[list[str], typer.Option("--bar", help="Bar id BRAND-YEAR-SERIAL. Repeatable.")],
    consignee: Annotated[str, typer.Option("--consignee")],
    return_to: Annotated[
        str | None,
        typer.Option("--return-to", help="Return the bars to this depositor (metal account)."),
    ] = None,
    at: AtOption = None,
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
) -> None:
    """Request a release of bars (a shipment, or a return to a depositor); someone else ships it."""
    from nafolo.gold.service.vault import ReleaseIn

    with refinery(db) as gold:
        out = gold.vault.request_release(
            ReleaseIn(
                shipment_id=shipment_id,
                bar_ids=bar,
                consignee=consignee,
                kind="return" if return_to else "shipment",
                depositor_id=return_to,
                at=moment(at),
            ),
            actor=actor,
        )
    typer.echo(
        f"release {shipment_id}: {len(out.bar_ids)} bar(s), {cell(out.fine_au_oz)} fine oz Au, "
        f"{out.status} (requested by {out.requested_by})"
    )


@bar_app.command("ship")
def bar_ship(
    shipment_id: str, at: AtOption = None, db: DbOption = None, actor: ActorOption = DEFAULT_ACTOR
) -> None:
    """Approve a release (--actor must not be who requested it): the bars leave the vault."""
    with refinery(db) as gold:
        out = gold.vault.approve_release(shipment_id, actor=actor, at=moment(at))
    typer.echo(f"shipment {shipment_id}: {out.status}, approved by {out.approved_by}")


@bar_app.command("trace")
def bar_trace(bar_id: str, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Backward genealogy: the batches, lots and origins of a bar's gold."""
    with refinery(db) as gold:
        trace = gold.genealogy.backward(bar_id)
    if as_json:
        print_json(trace)
        return
    show_trace(f"Bar {bar_id} — {cell(trace.fine_au_oz)} fine oz Au", [*trace.batches, *trace.lots])
    origins = table(
        "Origins",
        ("origin", "site", "country", "region", "scale", "CAHRA", "share", "fine Au [oz]"),
    )
    for o in trace.origins:
        origins.add_row(
            o.origin_id,
            o.site,
            o.country,
            o.region,
            cell(o.scale),
            cell(o.cahra),
            o.share,
            cell(o.fine_au_oz),
        )
    console().print(origins)


@gold_app.command("weight-list")
def weight_list_command(
    out: Annotated[Path, typer.Argument(help="File to write: .xlsx, otherwise CSV.")],
    shipment_id: Annotated[
        str | None, typer.Option("--shipment", help="A shipment's bars.")
    ] = None,
    bar: Annotated[list[str] | None, typer.Option("--bar", help="These bars (repeatable).")] = None,
    db: DbOption = None,
) -> None:
    """Write the LBMA weight list (serial, brand, gross oz, fineness, fine oz, year); default:
    every vaulted bar."""
    if shipment_id and bar:
        raise fail("give --shipment or --bar, not both", 2)
    with refinery(db) as gold:
        rows = gold.vault.weight_list(bar_ids=bar or None, shipment_id=shipment_id)
        gold.vault.export_weight_list(out, bar_ids=bar or None, shipment_id=shipment_id)
    total = sum((r.fine_oz for r in rows), Decimal(0))
    typer.echo(f"wrote {len(rows)} bar(s), {cell(total)} fine oz, to {out}")
