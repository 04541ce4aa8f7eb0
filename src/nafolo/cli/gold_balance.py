"""`nafolo gold balance …`: the period's gold metal balance (AMIRA P754 manner) — record
stocktakes, prepare a balance (from the refinery's records or a workbook), show it with its
uncertainty and per-unit reconciliation, sign it off (a second person), restate a signed one.

Exit codes as every `nafolo gold` command: 0 done, 1 refused (rule named, nothing stored),
2 bad input. Heavy modules are imported when a command runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nafolo.cli.db import DbOption
from nafolo.cli.gold_common import (
    DEFAULT_ACTOR,
    ActorOption,
    JsonOption,
    cell,
    console,
    fail,
    migrated,
    print_json,
    table,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from nafolo.gold.metal_balance.store import BalanceRecord, MetalBalanceStore

balance_app = typer.Typer(
    help="Gold metal balance per period: stocktakes, prepare, show, sign-off.",
    no_args_is_help=True,
)

PeriodOption = Annotated[str, typer.Option("--period", help="Calendar month, YYYY-MM.")]


@contextmanager
def _store(db: str | None) -> Iterator[tuple[Engine, MetalBalanceStore]]:
    """The balance store over `db` (migrated first); refusals become messages and exit codes."""
    from nafolo.gold.metal_balance.errors import BalanceNotFoundError, BalanceRefusedError
    from nafolo.gold.metal_balance.store import MetalBalanceStore

    with migrated(db) as engine:
        try:
            yield engine, MetalBalanceStore(engine)
        except BalanceRefusedError as error:
            raise fail(f"refused, nothing recorded:\n  - {error}") from None
        except BalanceNotFoundError as error:
            raise fail(f"not found: {error}") from None


@balance_app.command("stocktake")
def stocktake(
    period: PeriodOption,
    unit: Annotated[
        str, typer.Option("--unit", help="melting, chlorination, electrolysis or recovery.")
    ],
    fine_oz: Annotated[Decimal, typer.Option("--fine-oz", help="Fine gold counted [oz].")],
    sd_oz: Annotated[Decimal, typer.Option("--sd-oz", help="Its standard uncertainty [oz].")],
    note: Annotated[str, typer.Option("--note")] = "",
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
) -> None:
    """Record a unit's in-process inventory counted at the end of the period."""
    from nafolo.gold.metal_balance.model import Unit

    try:
        chosen = Unit(unit)
    except ValueError:
        raise fail(f"--unit {unit!r}: give one of {', '.join(u.value for u in Unit)}", 2) from None
    with _store(db) as (_, store):
        out = store.record_stocktake(period, chosen, fine_oz, sd_oz, actor=actor, note=note)
    typer.echo(
        f"stocktake {out.period} {out.unit.value}: {cell(out.fine_oz)} ± {cell(out.sd_oz)} fine oz"
    )


@balance_app.command("prepare")
def prepare(
    period: PeriodOption,
    source: Annotated[
        Path | None,
        typer.Option(
            "--from", help="Workbook (.xlsx or CSV folder): check_in, check_out, stocktakes."
        ),
    ] = None,
    restate: Annotated[
        str | None,
        typer.Option("--restate", help="Restate the signed balance; give the reason."),
    ] = None,
    db: DbOption = None,
    actor: ActorOption = DEFAULT_ACTOR,
    as_json: JsonOption = False,
) -> None:
    """Compute the period's balance and save it in quarantine (until a second person signs)."""
    from nafolo.gold.metal_balance.assemble import inputs_from_refinery, inputs_from_workbook
    from nafolo.gold.service import Refinery

    with _store(db) as (engine, store):
        if source is not None:
            inputs = inputs_from_workbook(source, period)
            origin = f"workbook {source.name}"
        else:
            typer.echo(f"reading {period} from the refinery's records…", err=True)
            inputs = inputs_from_refinery(Refinery(engine), store, period)
            origin = "refinery"
        if restate is None:
            record = store.prepare(inputs, actor=actor, source=origin)
        else:
            record = store.restate(inputs, actor=actor, reason=restate, source=origin)
    _show(record, as_json)


@balance_app.command("show")
def show(
    period: PeriodOption,
    version: Annotated[int | None, typer.Option("--version", help="Default: in force.")] = None,
    history: Annotated[bool, typer.Option("--history", help="List every version.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The period's balance (the signed one in force, else the latest) or its version history."""
    with _store(db) as (_, store):
        if history:
            records = store.history(period)
            if as_json:
                print_json(records)
                return
            shown = table(
                f"Metal balance {period} — versions",
                (
                    "version",
                    "kind",
                    "status",
                    "prepared by",
                    "signed by",
                    "unaccounted [oz]",
                    "sha256",
                ),
            )
            for r in records:
                shown.add_row(
                    str(r.version),
                    r.kind + (f" of v{r.restates_version}" if r.restates_version else ""),
                    r.status,
                    r.prepared_by,
                    cell(r.signed_by),
                    cell(r.balance.unaccounted.fine_oz),
                    r.sha256[:16],
                )
            console().print(shown)
            return
        record = store.get(period, version)
    _show(record, as_json)


@balance_app.command("sign-off")
def sign_off(period: PeriodOption, db: DbOption = None, actor: ActorOption = DEFAULT_ACTOR) -> None:
    """Sign the balance in quarantine (not by who prepared it); it is frozen from then on."""
    with _store(db) as (_, store):
        record = store.sign_off(period, actor=actor)
    typer.echo(
        f"{record.period} version {record.version} signed off by {record.signed_by}; frozen "
        f"(sha256 {record.sha256})"
    )


def _show(record: BalanceRecord, as_json: bool) -> None:
    if as_json:
        print_json(record)
        return
    b = record.balance
    head = table(
        f"Metal balance {b.period} — version {record.version} ({record.status})",
        ("item", "fine Au [oz]", "σ [oz]"),
    )
    for label, figure in (
        ("check-in (settled receipts)", b.check_in),
        ("opening in-process inventory", b.opening),
        ("check-out (bars, by-products, residues)", b.check_out),
        ("closing in-process inventory", b.closing),
        ("unaccounted", b.unaccounted),
    ):
        head.add_row(label, cell(figure.fine_oz), cell(figure.sd_oz))
    console().print(head)
    pct = (
        ""
        if b.unaccounted_pct is None
        else (f" = {cell(b.unaccounted_pct)} ± {cell(b.unaccounted_pct_sd)} % of check-in")
    )
    verdict = "SIGNIFICANT" if b.significant else "not significant"
    typer.echo(
        f"unaccounted {cell(b.unaccounted.fine_oz)} ± {cell(b.unaccounted.sd_oz)} oz{pct}; "
        f"{verdict} at k = {cell(b.k)}"
    )
    units = table(
        "Per unit (measured)",
        (
            "unit",
            "in [oz]",
            "opening [oz]",
            "out [oz]",
            "closing [oz]",
            "unaccounted [oz]",
            "σ [oz]",
        ),
    )
    for u in b.units:
        units.add_row(
            u.unit.value,
            cell(u.inputs_oz),
            cell(u.opening_oz),
            cell(u.outputs_oz),
            cell(u.closing_oz),
            "joined by unmeasured transfers"
            if u.unaccounted is None
            else cell(u.unaccounted.fine_oz),
            "" if u.unaccounted is None else cell(u.unaccounted.sd_oz),
        )
    console().print(units)
    rec = b.reconciliation
    streams = table(
        "Reconciled streams",
        (
            "stream",
            "from",
            "to",
            "measured [oz]",
            "σ [oz]",
            "reconciled [oz]",
            "σ rec. [oz]",
            "test |z|",
            "flag",
        ),
    )
    for s in rec.streams:
        streams.add_row(
            s.name,
            s.source,
            s.target,
            cell(s.measured_oz),
            cell(s.measured_sd_oz),
            cell(s.reconciled_oz),
            cell(s.reconciled_sd_oz),
            "" if s.normalised_adjustment is None else f"{s.normalised_adjustment:.2f}",
            "GROSS ERROR?" if s.flagged else "",
        )
    console().print(streams)
    g = rec.global_test
    typer.echo(
        f"global test: χ² = {g.chi_square:.3f} on {g.degrees_of_freedom} degrees of freedom, "
        f"critical {g.critical_value:.3f} (α = {g.alpha}) — "
        + ("REJECTED" if g.rejected else "passed")
        + f"; measurement tests |z| > {rec.measurement_critical_value:.3f} flag a stream"
    )
    for suspect in rec.suspects:
        typer.echo(
            f"suspect: {suspect.stream} (|z| = {suspect.normalised_adjustment:.2f}), estimated "
            f"error {cell(suspect.estimated_error_oz)} oz"
        )
    for note in b.notes:
        typer.echo(f"note: {note}")
    signed = f", signed by {record.signed_by} at {record.signed_at}" if record.signed_by else ""
    typer.echo(
        f"prepared by {record.prepared_by} at {record.prepared_at}{signed}; "
        f"source {record.source}; sha256 {record.sha256}"
    )
