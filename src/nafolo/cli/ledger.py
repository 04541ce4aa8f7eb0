"""`nafolo ledger …`: audit the hash-chained journal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from nafolo.cli.db import DbOption

ledger_app = typer.Typer(help="The ledger: verify and export the hash chain.", no_args_is_help=True)


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    console = Console(stderr=True)
    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=max(total, done))

        yield update


@ledger_app.command("verify")
def verify_command(
    db: DbOption = None,
    verifier: Annotated[
        str | None,
        typer.Option(
            "--verifier",
            help="auto (compiled when built, else Python), compiled or python "
            "(default: NAFOLO_LEDGER_VERIFIER or auto).",
        ),
    ] = None,
) -> None:
    """Recompute the chain and the balances; exit 1 naming the first bad entry."""
    from nafolo.ledger import Ledger
    from nafolo.ledger.chain import CompiledVerifierError, verifier_choice
    from nafolo.store import create_engine

    try:
        choice = verifier_choice(verifier)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--verifier") from error
    engine = create_engine(db)
    try:
        with _progress("verifying") as progress:
            report = Ledger(engine).verify(progress, choice)
    except CompiledVerifierError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    finally:
        engine.dispose()
    head = report.recorded_head
    if report.chain_problem is not None:
        typer.echo(f"FAILED: {report.chain_problem}", err=True)
    for problem in report.balance_problems:
        typer.echo(f"FAILED: {problem}", err=True)
    if not report.ok:
        raise typer.Exit(1)
    typer.echo(
        f"OK: {report.entries_checked:,} entries, head {head.seq} {head.hash} "
        f"({report.entries_per_second:,.0f} entries/s, {report.verifier} verifier)"
    )


@ledger_app.command("export")
def export_command(
    db: DbOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="JSON Lines file (default: standard output).")
    ] = None,
) -> None:
    """Write the chain as JSON Lines for third-party verification (tools/verify_ledger.py)."""
    from nafolo.ledger import Ledger
    from nafolo.store import create_engine

    engine = create_engine(db)
    try:
        ledger = Ledger(engine)
        if out is None:
            head = ledger.export(typer.get_text_stream("stdout"))
        else:
            with _progress("exporting") as progress:
                head = ledger.export(out, progress)
    finally:
        engine.dispose()
    typer.echo(f"exported entries 1–{head.seq}, head hash {head.hash}", err=True)


@ledger_app.command("head")
def head_command(db: DbOption = None) -> None:
    """Print the recorded chain head (seq and hash) to publish as an anchor."""
    from nafolo.ledger import Ledger
    from nafolo.store import create_engine

    engine = create_engine(db)
    try:
        head = Ledger(engine).head()
    finally:
        engine.dispose()
    typer.echo(f"{head.seq} {head.hash}")
