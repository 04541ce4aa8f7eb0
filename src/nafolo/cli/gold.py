"""`nafolo gold …`: the gold refinery — depositors and due diligence, lots, assays and
settlement, refining batches, bars and the vault, imports and reports. Commands live in the
`gold_*` modules; every figure is printed with its unit (fine troy oz, g, ‰)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from nafolo.cli.db import DbOption
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
    show_model,
    show_trace,
    table,
)

gold_app = typer.Typer(
    help="Gold refinery: depositors, lots, assays, settlement, refining, vault, reports.",
    no_args_is_help=True,
)
depositor_app = typer.Typer(help="Depositors and their due diligence.", no_args_is_help=True)
origin_app = typer.Typer(help="Mines, sites and collection points.", no_args_is_help=True)
scale_app = typer.Typer(help="Weighing scales and their calibration.", no_args_is_help=True)
lot_app = typer.Typer(help="Lots: register, receive, show, trace.", no_args_is_help=True)
gold_app.add_typer(depositor_app, name="depositor")
gold_app.add_typer(origin_app, name="origin")
gold_app.add_typer(scale_app, name="scale")
gold_app.add_typer(lot_app, name="lot")


class DepositorKind(StrEnum):
    MINE = "mine"
    COOPERATIVE = "cooperative"
    TRADER = "trader"
    RECYCLER = "recycler"


class Scale(StrEnum):
    LSM = "lsm"
    ASM = "asm"
    RECYCLED = "recycled"


_FINDING_CATEGORIES = {
    "abuses": "SERIOUS_ABUSES",
    "armed-groups": "NON_STATE_ARMED_GROUPS",
    "security-forces": "SECURITY_FORCES",
    "bribery": "BRIBERY",
    "origin-fraud": "ORIGIN_MISREPRESENTATION",
    "ml-tf": "MONEY_LAUNDERING_TF",
    "taxes": "TAXES_ROYALTIES",
}
_FINDING_STATUSES = {
    "reasonable": "REASONABLE_SUSPICION",
    "founded": "FOUNDED_SUSPICION",
    "confirmed": "CONFIRMED",
}


# ---- depositors ---------------------------------------------------------------------------------


@depositor_app.command("add")
def depositor_add(
    depositor_id: Annotated[str, typer.Argument(help="Code, e.g. FEKOLA.")],
    name: Annotated[str, typer.Argument(help="Legal name.")],
    kind: Annotated[DepositorKind, typer.Option("--type", help="Kind of depositor.")],
    contract: Annotated[
        Path | None, typer.Option("--contract", help="Toll contract as JSON (default: standard).")
    ] = None,
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
) -> None:
    """Register a depositor (mine, cooperative, trader/comptoir or recycler)."""
    from nafolo.gold.diligence import DepositorType
    from nafolo.gold.service.depositors import NewDepositor
    from nafolo.gold.settlement import Contract

    types = {
        DepositorKind.MINE: DepositorType.INDUSTRIAL_MINE,
        DepositorKind.COOPERATIVE: DepositorType.ARTISANAL_COOPERATIVE,
        DepositorKind.TRADER: DepositorType.TRADER,
        DepositorKind.RECYCLER: DepositorType.RECYCLER,
    }
    with refinery(db) as gold:
        terms = None if contract is None else Contract.model_validate_json(contract.read_text())
        new = NewDepositor(
            depositor_id=depositor_id, name=name, depositor_type=types[kind], contract=terms
        )
        out = gold.depositors.register(new, actor=actor)
    typer.echo(f"registered depositor {out.depositor_id} ({out.depositor_type.value})")


@depositor_app.command("owner")
def depositor_owner(
    depositor_id: str,
    name: str,
    share_pct: Annotated[Decimal, typer.Option("--share-pct", help="Ownership share [%].")],
    verified: Annotated[bool, typer.Option("--verified/--not-verified")] = False,
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
) -> None:
    """Add a beneficial owner (identity verified or not)."""
    from nafolo.gold.service.depositors import OwnerIn

    with refinery(db) as gold:
        gold.depositors.add_owner(
            OwnerIn(
                depositor_id=depositor_id,
                name=name,
                share_pct=share_pct,
                identity_verified=verified,
            ),
            actor=actor,
        )
    typer.echo(f"{depositor_id}: owner {name} ({share_pct} %) added")


@depositor_app.command("licence")
def depositor_licence(
    depositor_id: str,
    number: str,
    kind: Annotated[str, typer.Option("--kind", help="e.g. export, mining, comptoir.")],
    valid_from: Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"])],
    expires_on: Annotated[datetime, typer.Option("--until", formats=["%Y-%m-%d"])],
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
) -> None:
    """Add a licence of the depositor with its validity."""
    from nafolo.gold.service.depositors import LicenceIn

    with refinery(db) as gold:
        gold.depositors.add_licence(
            LicenceIn(
                depositor_id=depositor_id,
                number=number,
                kind=kind,
                valid_from=valid_from.date(),
                expires_on=expires_on.date(),
            ),
            actor=actor,
        )
    typer.echo(
        f"{depositor_id}: licence {number} valid {valid_from:%Y-%m-%d}–{expires_on:%Y-%m-%d}"
    )


@depositor_app.command("screen")
def depositor_screen(
    depositor_id: str,
    screening_list: Annotated[
        Path, typer.Argument(help="CSV: name,list_name,kind (sanctions or pep).")
    ],
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
) -> None:
    """Screen the depositor and its beneficial owners against a sanctions / PEP list."""
    from nafolo.gold.service import load_screening_list

    with refinery(db) as gold:
        entries = load_screening_list(screening_list)
        hits = gold.depositors.screen(depositor_id, entries, actor=actor)
    shown = table(
        f"Screening hits — {depositor_id}",
        ("hit", "name", "listed as", "list", "kind", "confirmed"),
    )
    for h in hits:
        shown.add_row(
            str(h.hit_id), h.name, h.listed_name, h.list_name, cell(h.kind), cell(h.confirmed)
        )
    console().print(shown)


@depositor_app.command("list")
def depositor_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every depositor with its decision, rating, next review and origins."""
    with refinery(db) as gold:
        rows = gold.depositors.all()
    if as_json:
        print_json(rows)
        return
    shown = table(
        "Depositors", ("depositor", "name", "type", "decision", "rating", "next review", "origins")
    )
    for d in rows:
        shown.add_row(
            d.depositor_id,
            d.name,
            cell(d.depositor_type),
            cell(d.decision),
            cell(d.rating),
            cell(d.next_review),
            ", ".join(o.origin_id for o in d.origins),
        )
    console().print(shown)


@depositor_app.command("assess")
def depositor_assess(
    depositor_id: str,
    on: Annotated[datetime, typer.Option("--on", formats=["%Y-%m-%d"], help="Assessment day.")],
    finding: Annotated[
        list[str] | None,
        typer.Option(
            "--finding",
            help="CATEGORY:STATUS:DESCRIPTION[:IDENTIFIED YYYY-MM-DD]; categories "
            + ", ".join(_FINDING_CATEGORIES)
            + "; statuses "
            + ", ".join(_FINDING_STATUSES)
            + ". Repeatable.",
        ),
    ] = None,
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
    as_json: JsonOption = False,
) -> None:
    """Record a risk assessment (reviewer = --actor): red flags and findings give the decision."""
    from nafolo.gold.diligence import FindingStatus, RiskCategory
    from nafolo.gold.service.depositors import AssessmentIn, FindingIn

    findings = []
    for text in finding or []:
        parts = text.split(":", 3)
        if (
            len(parts) < 3
            or parts[0] not in _FINDING_CATEGORIES
            or parts[1] not in _FINDING_STATUSES
        ):
            raise fail(f"--finding {text!r}: give CATEGORY:STATUS:DESCRIPTION", 2)
        identified = date.fromisoformat(parts[3]) if len(parts) == 4 else on.date()
        findings.append(
            FindingIn(
                category=RiskCategory[_FINDING_CATEGORIES[parts[0]]],
                status=FindingStatus[_FINDING_STATUSES[parts[1]]],
                description=parts[2],
                identified_on=identified,
            )
        )
    with refinery(db) as gold:
        out = gold.depositors.assess(
            AssessmentIn(depositor_id=depositor_id, assessed_on=on.date(), findings=findings),
            actor=actor,
        )
    if as_json:
        print_json(out)
        return
    typer.echo(
        f"{depositor_id}: {out.decision.value} (rating {out.rating.value}), "
        f"next review {out.next_review}"
    )
    for reason in out.reasons:
        typer.echo(f"  - {reason}")


# ---- origins and scales -------------------------------------------------------------------------


@origin_app.command("add")
def origin_add(
    origin_id: str,
    depositor_id: Annotated[str, typer.Option("--depositor")],
    site: Annotated[str, typer.Option("--site")],
    country: Annotated[str, typer.Option("--country", help="ISO 3166 alpha-2, e.g. ML.")],
    region: Annotated[str, typer.Option("--region", help="e.g. Kayes.")],
    latitude: Annotated[Decimal, typer.Option("--lat", help="Latitude [°].")],
    longitude: Annotated[Decimal, typer.Option("--lon", help="Longitude [°].")],
    scale: Annotated[Scale, typer.Option("--scale", help="lsm, asm or recycled.")],
    licence: Annotated[str | None, typer.Option("--licence", help="Mine or site licence.")] = None,
    licence_until: Annotated[
        datetime | None, typer.Option("--licence-until", formats=["%Y-%m-%d"])
    ] = None,
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
) -> None:
    """Register an origin of a depositor; says whether it lies in a CAHRA."""
    from nafolo.gold.diligence import MiningScale
    from nafolo.gold.service.depositors import OriginIn

    scales = {
        Scale.LSM: MiningScale.LSM,
        Scale.ASM: MiningScale.ASM,
        Scale.RECYCLED: MiningScale.RECYCLED,
    }
    with refinery(db) as gold:
        out = gold.depositors.register_origin(
            OriginIn(
                origin_id=origin_id,
                depositor_id=depositor_id,
                site=site,
                country=country,
                region=region,
                latitude=latitude,
                longitude=longitude,
                scale=scales[scale],
                licence_number=licence,
                licence_expires_on=None if licence_until is None else licence_until.date(),
            ),
            actor=actor,
        )
    flag = " — CAHRA" if out.cahra else ""
    typer.echo(f"registered origin {out.origin_id} ({out.country}, {out.region}){flag}")


@scale_app.command("add")
def scale_add(
    scale_id: str,
    calibrated_on: Annotated[datetime, typer.Option("--calibrated-on", formats=["%Y-%m-%d"])],
    valid_until: Annotated[datetime, typer.Option("--valid-until", formats=["%Y-%m-%d"])],
    description: Annotated[str, typer.Option("--description")] = "scale",
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
) -> None:
    """Register a weighing scale and its calibration validity."""
    from nafolo.gold.service.lots import ScaleIn

    with refinery(db) as gold:
        gold.lots.register_scale(
            ScaleIn(
                scale_id=scale_id,
                description=description,
                calibrated_on=calibrated_on.date(),
                calibration_valid_until=valid_until.date(),
            ),
            actor=actor,
        )
    typer.echo(f"registered scale {scale_id}, calibrated until {valid_until:%Y-%m-%d}")


# ---- lots ---------------------------------------------------------------------------------------


@lot_app.command("register")
def lot_register(
    lot_id: str,
    depositor_id: Annotated[str, typer.Option("--depositor")],
    origin_id: Annotated[str, typer.Option("--origin")],
    arrived_on: Annotated[datetime, typer.Option("--arrived", formats=["%Y-%m-%d"])],
    gross_g: Annotated[Decimal, typer.Option("--gross-g", help="Declared gross weight [g].")],
    au_per_mille: Annotated[Decimal, typer.Option("--au", help="Declared Au [‰].")],
    ag_per_mille: Annotated[Decimal, typer.Option("--ag", help="Declared Ag [‰].")] = Decimal(0),
    seal: Annotated[
        list[str] | None, typer.Option("--seal", help="Seal number (repeatable).")
    ] = None,
    transport_doc: Annotated[list[str] | None, typer.Option("--transport-doc")] = None,
    export_doc: Annotated[list[str] | None, typer.Option("--export-doc")] = None,
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
) -> None:
    """Register a lot announced by a depositor; due diligence admits, quarantines or refuses it."""
    from nafolo.gold.service.lots import NewLot

    with refinery(db) as gold:
        out = gold.lots.register(
            NewLot(
                lot_id=lot_id,
                depositor_id=depositor_id,
                origin_id=origin_id,
                arrived_on=arrived_on.date(),
                declared_gross_g=gross_g,
                declared_au_per_mille=au_per_mille,
                declared_ag_per_mille=ag_per_mille,
                seal_numbers=seal or [],
                transport_documents=transport_doc or [],
                export_documents=export_doc or [],
            ),
            actor=actor,
        )
    typer.echo(f"lot {out.lot_id}: {out.status.value}" + (" (CAHRA)" if out.cahra else ""))
    for reason in out.admission_reasons:
        typer.echo(f"  - {reason}")


@lot_app.command("release")
def lot_release(
    lot_id: str,
    on: Annotated[datetime, typer.Option("--on", formats=["%Y-%m-%d"])],
    reason: Annotated[str, typer.Option("--reason", help="EDD sign-off: why it is released.")],
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
) -> None:
    """Release a quarantined lot (--actor signs off its EDD; admission checked again)."""
    with refinery(db) as gold:
        out = gold.lots.release_quarantine(lot_id, actor=actor, on=on.date(), reason=reason)
    typer.echo(f"lot {out.lot_id}: {out.status.value}")


@lot_app.command("receive")
def lot_receive(
    lot_id: str,
    scale_id: Annotated[str, typer.Option("--scale")],
    gross_g: Annotated[Decimal, typer.Option("--gross-g", help="Gross weight [g].")],
    tare_g: Annotated[Decimal, typer.Option("--tare-g", help="Tare [g].")] = Decimal(0),
    at: Annotated[
        datetime | None, typer.Option("--at", help="Weighed at (default now, UTC).")
    ] = None,
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
) -> None:
    """Weigh a lot in: net weight and variance against the declaration."""
    from nafolo.gold.service.lots import WeighingIn

    with refinery(db) as gold:
        out = gold.lots.receive(
            WeighingIn(
                lot_id=lot_id,
                scale_id=scale_id,
                weighed_at=moment(at),
                gross_g=gross_g,
                tare_g=tare_g,
            ),
            actor=actor,
        )
    warn = " — ABOVE TOLERANCE" if out.above_tolerance else ""
    typer.echo(
        f"lot {lot_id}: net {cell(out.net_g)} g, declared {cell(out.declared_g)} g, variance "
        f"{cell(out.variance_g)} g ({cell(out.variance_pct)} %){warn}"
    )


@lot_app.command("show")
def lot_show(lot_id: str, db: DbOption = None, as_json: JsonOption = False) -> None:
    """A lot and its chain-of-custody timeline."""
    with refinery(db) as gold:
        lot = gold.lots.get(lot_id)
        events = gold.lots.custody(lot_id)
    if as_json:
        print_json(
            {
                "lot": lot.model_dump(mode="json"),
                "custody": [e.model_dump(mode="json") for e in events],
            }
        )
        return
    show_model(f"Lot {lot_id}", lot)
    timeline = table(
        f"Chain of custody — {lot_id}", ("at", "event", "actor", "ledger entry", "detail")
    )
    for e in events:
        timeline.add_row(e.at, cell(e.event), e.actor, cell(e.ledger_seq), e.detail)
    console().print(timeline)


@lot_app.command("trace")
def lot_trace(lot_id: str, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Forward genealogy: the batches, bars, residues and losses the lot's gold reached."""
    with refinery(db) as gold:
        trace = gold.genealogy.forward(lot_id)
    if as_json:
        print_json(trace)
        return
    show_trace(f"Lot {lot_id} — {cell(trace.fine_au_oz)} fine oz Au", [*trace.batches, *trace.ends])


# Command modules register themselves on gold_app when imported.
from nafolo.cli import gold_lab as _gold_lab  # noqa: E402,F401
from nafolo.cli import gold_reports as _gold_reports  # noqa: E402,F401
from nafolo.cli import gold_vault as _gold_vault  # noqa: E402,F401
from nafolo.cli.gold_balance import balance_app  # noqa: E402

gold_app.add_typer(balance_app, name="balance")
