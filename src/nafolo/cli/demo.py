"""`nafolo demo`: build a demo store (a year of fuel and gold history, one user per role) and
serve the dashboard over it."""

from __future__ import annotations

from typing import Annotated

import typer

from nafolo.cli.serve import serve

DEFAULT_DEMO_DB = "sqlite:///data/demo.sqlite"


def demo(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    db: Annotated[
        str, typer.Option("--db", help="Store URL for the demo (rebuilt if it is a demo store).")
    ] = DEFAULT_DEMO_DB,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Build the demo store and exit.")
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same demo).")] = 2026,
    weeks: Annotated[
        int, typer.Option("--weeks", min=1, max=52, help="Weeks of history, ending 28 Nov 2026.")
    ] = 52,
    force: Annotated[
        bool, typer.Option("--force", help="Also wipe a store that is not a demo store.")
    ] = False,
) -> None:
    """Build a fresh demo store — the Mali network, a year of operations, lots, assays and bars
    recorded through the real services, one user per role — then serve it on http://HOST:PORT."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.table import Table

    from nafolo.api.plan_store import plans_folder
    from nafolo.demo import build_demo
    from nafolo.settings import Settings
    from nafolo.store import create_engine, database_url

    console = Console(stderr=True)
    url = database_url(db)
    shown = url.render_as_string(hide_password=True)
    engine = create_engine(url)
    try:
        _clear(engine, force=force, shown=shown)
        engine.dispose()
        engine = create_engine(url)
        labels = {
            "users": "Demo users",
            "fuel": "Fuel operations",
            "gold": "Refinery",
            "plan": "Weekly plan",
        }
        with Progress(
            TextColumn("{task.description:<16}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("weeks"),
            TimeElapsedColumn(),
            console=console,
        ) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(labels.get(stage, stage), total=total)
                bar.update(tasks[stage], completed=done)

            plans = plans_folder(Settings(database_url=url.render_as_string(hide_password=False)))
            summary = build_demo(engine, seed=seed, weeks=weeks, progress=progress, plans_dir=plans)
    finally:
        engine.dispose()
    fuel, gold = summary.fuel, summary.gold
    console.print(
        f"Demo store {shown}: {summary.period.start:%d %b %Y} – 28 Nov 2026, "
        f"{summary.ledger_entries} ledger entries.\n"
        f"Fuel: {fuel.liftings} liftings ({fuel.lifted_t:,.0f} t), {fuel.convoys} convoys, "
        f"{fuel.receipts} receipts ({fuel.losses_above_tolerance} above tolerance), "
        f"{fuel.trucks_lost} trucks lost, {fuel.withdrawals} withdrawals, {fuel.dips} dips.\n"
        f"Gold: {gold.depositors} depositors, {gold.lots} lots ({gold.quarantined} held for "
        f"enhanced due diligence), {gold.batches} batches, {gold.bars} bars, "
        f"{gold.shipments} releases."
    )
    if summary.plan is not None:
        kept = summary.plan
        console.print(
            f"Plan {kept.plan_id} ({kept.weeks} weeks, {kept.status}) kept in {plans}: plan "
            f"versus actual at /api/fuel/plan-vs-actual?plan={kept.plan_id}"
        )
    table = Table(title="Demo users — DEMO ONLY: public passwords, never use in production")
    table.add_column("username")
    table.add_column("role")
    table.add_column("password")
    for user in summary.users:
        table.add_row(user.username, user.role.value, user.password)
    console.print(table)
    if no_serve:
        return
    serve(host=host, port=port, db=url.render_as_string(hide_password=False))


def _clear(engine: object, *, force: bool, shown: str) -> None:
    """Empty the store for a new demo: refused when it holds a schema that is not a demo's,
    unless `force`."""
    import sqlalchemy as sa

    from nafolo.demo import is_demo_store
    from nafolo.store import current_revision

    assert isinstance(engine, sa.Engine)
    if current_revision(engine) is None and not sa.inspect(engine).get_table_names():
        return
    if not is_demo_store(engine) and not force:
        typer.echo(
            f"{shown} holds data that is not a Nafolo demo: refusing to overwrite it "
            "(choose another --db, or add --force to wipe it)",
            err=True,
        )
        raise typer.Exit(2)
    metadata = sa.MetaData()
    metadata.reflect(engine)
    with engine.begin() as connection:
        metadata.drop_all(connection)
