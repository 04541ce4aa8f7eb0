"""`nafolo gold assay seal | record | exchange`, `nafolo gold settle` and `nafolo gold sell`:
sealed samples, each party's assay, the assay exchange, and the toll settlement crediting the
depositor's metal account (fineness in ‰, metal in fine troy oz)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated

import typer

from nafolo.cli.db import DbOption
from nafolo.cli.gold import gold_app
from nafolo.cli.gold_common import (
    DEFAULT_ACTOR,
    ActorOption,
    JsonOption,
    WhenOption,
    cell,
    console,
    fail,
    moment,
    print_json,
    refinery,
    table,
)

assay_app = typer.Typer(help="Samples, assays and the assay exchange.", no_args_is_help=True)
gold_app.add_typer(assay_app, name="assay")


class Role(StrEnum):
    REFINER = "refiner"
    DEPOSITOR = "depositor"
    UMPIRE = "umpire"


class Method(StrEnum):
    FIRE = "fire"
    ICP = "icp"
    OTHER = "other"


def _sample(text: str, option: str) -> tuple[str, str]:
    sample, _, seal = text.partition(":")
    if not sample or not seal:
        raise fail(f"{option} {text!r}: give SAMPLE_ID:SEAL_NUMBER", 2)
    return sample, seal


def _replicates(text: str, option: str) -> list[Decimal]:
    try:
        return [Decimal(v) for v in text.split(",")]
    except InvalidOperation:
        raise fail(f"{option} {text!r}: give replicates in ‰ separated by commas", 2) from None


@assay_app.command("seal")
def assay_seal(
    lot_id: str,
    refiner: Annotated[str, typer.Option("--refiner", help="SAMPLE_ID:SEAL.")],
    depositor: Annotated[str, typer.Option("--depositor", help="SAMPLE_ID:SEAL.")],
    umpire: Annotated[str, typer.Option("--umpire", help="SAMPLE_ID:SEAL.")],
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
    at: WhenOption = None,
) -> None:
    """Seal the lot's three samples: refiner, depositor, umpire."""
    from nafolo.gold.service.laboratory import SampleIn, SampleSetIn

    parts = {
        role: _sample(text, f"--{role}")
        for role, text in (("refiner", refiner), ("depositor", depositor), ("umpire", umpire))
    }
    with refinery(db) as gold:
        samples = gold.lab.seal_samples(
            SampleSetIn(
                lot_id=lot_id,
                **{r: SampleIn(sample_id=s, seal_number=n) for r, (s, n) in parts.items()},
            ),
            actor=actor,
            at=moment(at),
        )
    typer.echo(f"lot {lot_id}: {len(samples)} samples sealed")


@assay_app.command("record")
def assay_record(
    lot_id: str,
    role: Annotated[Role, typer.Option("--role", help="Whose result.")],
    laboratory: Annotated[str, typer.Option("--lab", help="Laboratory name.")],
    au: Annotated[str, typer.Option("--au", help="Au replicates [‰], e.g. 912.20,912.25.")],
    ag: Annotated[str, typer.Option("--ag", help="Ag replicates [‰], e.g. 80.0,80.1.")],
    method: Annotated[Method, typer.Option("--method", help="fire (ISO 11426) or icp.")] = (
        Method.FIRE
    ),
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
    at: WhenOption = None,
) -> None:
    """Record one party's assay result (entered by --actor)."""
    from nafolo.gold.assays import AssayMethod, SampleRole
    from nafolo.gold.service.laboratory import AssayIn

    methods = {
        Method.FIRE: AssayMethod.FIRE_ASSAY,
        Method.ICP: AssayMethod.ICP_OES_BY_DIFFERENCE,
        Method.OTHER: AssayMethod.OTHER,
    }
    assay = AssayIn(
        lot_id=lot_id,
        role=SampleRole(role.value),
        laboratory=laboratory,
        method=methods[method],
        au_replicates_per_mille=_replicates(au, "--au"),
        ag_replicates_per_mille=_replicates(ag, "--ag"),
    )
    with refinery(db) as gold:
        out = gold.lab.record_assay(assay, actor=actor, at=moment(at))
    agree = "" if out.replicates_agree else " — REPLICATES DISAGREE"
    typer.echo(
        f"lot {lot_id} {role.value}: Au {cell(out.au_per_mille)} ‰, "
        f"Ag {cell(out.ag_per_mille)} ‰{agree}"
    )


@assay_app.command("exchange")
def assay_exchange(
    lot_id: str,
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
    as_json: JsonOption = False,
    at: WhenOption = None,
) -> None:
    """Refiner against depositor: the splitting limit, or the umpire, settles each metal."""
    with refinery(db) as gold:
        out = gold.lab.exchange(lot_id, actor=actor, at=moment(at))
    if as_json:
        print_json(out)
        return
    shown = table(
        f"Assay exchange — lot {lot_id}",
        (
            "metal",
            "refiner [‰]",
            "depositor [‰]",
            "difference [‰]",
            "limit [‰]",
            "umpire [‰]",
            "settled [‰]",
            "how",
        ),
    )
    for o in (out.au, out.ag):
        shown.add_row(
            o.metal,
            cell(o.refiner_per_mille),
            cell(o.depositor_per_mille),
            cell(o.difference_per_mille),
            cell(o.splitting_limit_per_mille),
            cell(o.umpire_per_mille),
            cell(o.settled_per_mille),
            o.branch,
        )
    console().print(shown)
    typer.echo(f"fine content: {cell(out.fine_au_oz)} oz Au, {cell(out.fine_ag_oz)} oz Ag")


@gold_app.command("settle")
def settle_command(
    lot_id: str,
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
    as_json: JsonOption = False,
    at: WhenOption = None,
) -> None:
    """Approve the lot's settlement (approver = --actor, who must not have entered the refiner's
    assay) and credit the depositor's metal account; prints every step."""
    with refinery(db) as gold:
        out = gold.settlements.settle(lot_id, actor=actor, at=moment(at))
    if as_json:
        print_json(out)
        return
    shown = table(
        f"Settlement — lot {lot_id} ({out.contract_id})", ("step", "value", "unit", "rounding")
    )
    for line in out.lines:
        shown.add_row(line.step, cell(line.value), line.unit, line.rounding)
    console().print(shown)
    typer.echo(
        f"credited to {out.depositor_id}: {cell(out.credited_au_oz)} fine oz Au, "
        f"{cell(out.credited_ag_oz)} fine oz Ag; charges {cell(out.charges)} {out.charge_unit}; "
        f"return by {out.return_on}"
    )


@gold_app.command("sell")
def sell_command(
    sale_id: str,
    depositor_id: Annotated[str, typer.Option("--depositor")],
    au_oz: Annotated[Decimal, typer.Option("--au-oz", help="Fine Au sold [oz].")],
    au_price: Annotated[Decimal, typer.Option("--au-price", help="Au price [currency/oz].")],
    ag_oz: Annotated[Decimal, typer.Option("--ag-oz", help="Fine Ag sold [oz].")] = Decimal(0),
    ag_price: Annotated[Decimal, typer.Option("--ag-price")] = Decimal(0),
    at: Annotated[datetime | None, typer.Option("--at")] = None,
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
) -> None:
    """Sell metal from a depositor's account at the given prices."""
    from nafolo.gold.service.settlements import SaleIn

    with refinery(db) as gold:
        out = gold.settlements.sell(
            SaleIn(
                sale_id=sale_id,
                depositor_id=depositor_id,
                fine_au_oz=au_oz,
                fine_ag_oz=ag_oz,
                au_price_per_oz=au_price,
                ag_price_per_oz=ag_price,
                sold_at=moment(at),
            ),
            actor=actor,
        )
    typer.echo(f"sale {sale_id}: net payable {cell(out.net_payable)} {out.currency}")
