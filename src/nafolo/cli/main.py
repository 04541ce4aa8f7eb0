"""Entry point of the `nafolo` command: one sub-command group per domain."""

from __future__ import annotations

import typer
from pydantic import ValidationError

from nafolo import __version__
from nafolo.cli.db import db_app
from nafolo.cli.demo import demo
from nafolo.cli.fuel import fuel_app
from nafolo.cli.gold import gold_app
from nafolo.cli.ledger import ledger_app
from nafolo.cli.report import report_app
from nafolo.cli.serve import serve
from nafolo.cli.user import user_app
from nafolo.settings import Settings

app = typer.Typer(
    name="nafolo",
    help="Nafolo — Mali's strategic supply programmes: fuel and gold on one ledger.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(fuel_app, name="fuel")
app.add_typer(gold_app, name="gold")
app.add_typer(db_app, name="db")
app.add_typer(ledger_app, name="ledger")
app.add_typer(report_app, name="report")
app.add_typer(user_app, name="user")
app.command("serve")(serve)
app.command("demo")(demo)


@app.callback()
def check_settings() -> None:
    """Refuse bad NAFOLO_* settings before any command runs, naming each variable."""
    try:
        Settings()
    except ValidationError as error:
        for problem in error.errors():
            name = f"NAFOLO_{str(problem['loc'][0]).upper()}"
            typer.echo(f"Error: {name}: {problem['msg']} (got {problem['input']!r})", err=True)
        raise typer.Exit(2) from None


@app.command()
def version() -> None:
    """Print Nafolo's version."""
    typer.echo(__version__)


if __name__ == "__main__":
    app()
