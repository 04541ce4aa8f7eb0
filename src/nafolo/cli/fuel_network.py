"""`nafolo fuel template` and `nafolo fuel check`: the network workbook."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from nafolo.cli.fuel import fuel_app

if TYPE_CHECKING:
    from nafolo.fuel.network.model import Network
    from nafolo.workbook import InputError

EXIT_BAD_INPUT = 2


@fuel_app.command("template")
def template(
    path: Path = typer.Argument(..., help="Workbook to write (.xlsx), or a folder for CSV files."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Write a blank network workbook: headers, units, an example row per sheet and a README."""
    from nafolo.fuel.network.io import write_template
    from nafolo.fuel.network.schema import SHEETS

    console = Console()
    if path.exists() and not force:
        console.print(f"[red]{path} exists[/red]; use --force to overwrite it.")
        raise typer.Exit(1)
    write_template(path)
    kind = "workbook" if path.suffix.lower() == ".xlsx" else "CSV folder"
    console.print(f"Wrote a blank network {kind} with {len(SHEETS)} sheets: {path}")


@fuel_app.command("check")
def check(
    network: Path | None = typer.Option(
        None, "--network", help="Network workbook (.xlsx) or CSV folder; default: bundled Mali."
    ),
) -> None:
    """Read a network and print its summary, or every problem found (exit code 2)."""
    from nafolo.fuel.network.io import load_network
    from nafolo.workbook import InputError

    console = Console()
    try:
        loaded = load_network(network)
    except InputError as exc:
        console.print(problems_table(exc))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    console.print(summary_table(loaded))


def problems_table(error: InputError) -> Table:
    """Every problem of a refused input, one line each: sheet, row, column, reason."""
    table = Table(
        title=f"{error.source}: {len(error.problems)} problem(s), nothing loaded",
        title_style="bold red",
    )
    for heading in ("sheet", "row", "column", "problem"):
        table.add_column(heading, overflow="fold")
    for p in error.problems:
        table.add_row(p.sheet, "" if p.row is None else str(p.row), p.column or "", p.message)
    return table


def summary_table(network: Network) -> Table:
    """Rows per sheet, total weekly demand and the contract band, each with its unit."""
    from nafolo.fuel.network.schema import SHEETS

    table = Table(title=f"Network {network.name}: valid", title_style="bold green")
    table.add_column("item")
    table.add_column("value", justify="right")
    for spec in SHEETS:
        if spec.name != "parameters":
            count = len(getattr(network, spec.name))
            table.add_row(spec.name, f"{count} row" + ("" if count == 1 else "s"))
    demand_t_per_week = sum(d.t_per_week for d in network.demand)
    min_t_per_month = sum(c.min_t_per_month for c in network.contracts)
    max_t_per_month = sum(c.max_t_per_month for c in network.contracts)
    table.add_section()
    table.add_row("total demand", f"{demand_t_per_week:,.0f} t/week")
    table.add_row("contract band", f"{min_t_per_month:,.0f}–{max_t_per_month:,.0f} t/month")
    return table
