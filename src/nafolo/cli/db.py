"""`nafolo db …`: the store's schema."""

from __future__ import annotations

from typing import Annotated

import typer

db_app = typer.Typer(help="The store: create or migrate its schema.", no_args_is_help=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Store URL (default: NAFOLO_DATABASE_URL or ./data/nafolo.sqlite)."),
]


@db_app.command("upgrade")
def upgrade_command(db: DbOption = None) -> None:
    """Create or migrate the store's schema to the latest revision."""
    from nafolo.store import database_url, upgrade

    revision = upgrade(db)
    typer.echo(f"{database_url(db).render_as_string(hide_password=True)}: at revision {revision}")


@db_app.command("current")
def current_command(db: DbOption = None) -> None:
    """Print the store's schema revision (none for an empty database)."""
    from nafolo.store import current_revision

    typer.echo(current_revision(db) or "none")
