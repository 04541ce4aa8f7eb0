"""`nafolo fuel plan`: the weekly supply plan."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from nafolo.cli.fuel import fuel_app, start_day
from nafolo.workbook import InputError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3


@fuel_app.command("plan")
def plan_command(
    network: Path | None = typer.Option(
        None, "--network", help="Network workbook (.xlsx) or CSV folder; default: bundled Mali."
    ),
    weeks: int = typer.Option(26, "--weeks", min=1, help="Plan horizon in weeks."),
    start: str | None = typer.Option(
        None, "--start", help="First day of week 1 (YYYY-MM-DD); default: next Monday."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Folder for the plan's CSV files and plan.xlsx."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
    integer_trucks: bool = typer.Option(
        False, "--integer-trucks", help="Whole truckloads (mixed-integer programme)."
    ),
    time_limit: float | None = typer.Option(
        None, "--time-limit", min=0.0, help="Solver time limit in s (MIP default: network's)."
    ),
    gap: float | None = typer.Option(
        None, "--gap", min=0.0, help="Relative MIP gap (default: the network's mip_gap)."
    ),
) -> None:
    """Plan liftings, truckloads, depot stocks and deliveries week by week at least cost.

    Exit codes: 0 plan found, 1 failure, 2 input refused, 3 requirements conflict (infeasible).
    """
    err = Console(stderr=True)
    first_day = start_day(start)
    started = time.perf_counter()
    with err.status("loading the network…") as status:
        from nafolo.fuel.network.io import load_network
        from nafolo.fuel.planning import (
            InfeasiblePlanError,
            PlanningError,
            plan,
            summary,
            write_plan,
        )
        from nafolo.fuel.planning.results import ConservationError

        try:
            loaded = load_network(network)
            loaded_at = time.perf_counter()
        except InputError as exc:
            status.stop()
            _report_problems(err, exc, as_json)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        try:
            result = plan(
                loaded,
                weeks,
                first_day,
                integer_trucks=integer_trucks,
                time_limit_s=time_limit,
                mip_gap=gap,
                progress=lambda step: status.update(f"{step}…"),
            )
            result.timings_s["load_seconds"] = loaded_at - started
            if out is not None:
                status.update(f"writing {out}…")
                written_at = time.perf_counter()
                write_plan(result, out)
                result.timings_s["write_seconds"] = time.perf_counter() - written_at
            result.timings_s["total_seconds"] = time.perf_counter() - started
        except InputError as exc:
            status.stop()
            _report_problems(err, _in_file_rows(exc, network), as_json)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except InfeasiblePlanError as exc:
            status.stop()
            err.print(f"[bold red]Infeasible.[/bold red] {exc}")
            if as_json:
                payload = {"status": "infeasible", "conflicts": exc.conflicts, "tight": exc.tight}
                typer.echo(json.dumps(payload, ensure_ascii=False))
            raise typer.Exit(EXIT_INFEASIBLE) from None
        except (PlanningError, ConservationError) as exc:
            status.stop()
            err.print(f"[bold red]Planning failed:[/bold red] {exc}")
            if as_json:
                typer.echo(json.dumps({"status": "failed", "message": str(exc)}))
            raise typer.Exit(EXIT_FAILED) from None
    headline = summary(result)
    if as_json:
        typer.echo(json.dumps(headline, ensure_ascii=False))
    else:
        console = Console()
        console.print(summary_table(headline))
        if headline["binding"]:
            console.print("[bold]Binding limits[/bold] (value of one more unit of each):")
            for sentence in headline["binding"]:
                console.print(f" • {sentence}")
    if out is not None:
        err.print(f"Wrote the plan's CSV files and {out / 'plan.xlsx'}")


def _in_file_rows(error: InputError, network: Path | None) -> InputError:
    """The planner's problems (rows as `Network.from_rows` numbers them) at the file's rows."""
    from nafolo.fuel.network.io import bundled_network_path
    from nafolo.fuel.network.schema import SHEETS
    from nafolo.workbook import Problem, read_sheet_rows

    source = bundled_network_path() if network is None else network
    sheets = read_sheet_rows(source, SHEETS)
    located = []
    for p in error.problems:
        numbers = sheets[p.sheet].row_numbers if p.sheet in sheets else []
        if p.row is not None and 0 <= p.row - 2 < len(numbers):
            p = Problem(p.sheet, numbers[p.row - 2], p.column, p.message)
        located.append(p)
    return InputError(located, source=str(source))


def _report_problems(err: Console, exc: InputError, as_json: bool) -> None:
    from nafolo.cli.fuel_network import problems_table

    err.print(problems_table(exc))
    if as_json:
        problems = [
            {"sheet": p.sheet, "row": p.row, "column": p.column, "message": p.message}
            for p in exc.problems
        ]
        typer.echo(json.dumps({"status": "input_error", "problems": problems}, ensure_ascii=False))


def _t(value: Any) -> str:
    return "—" if value is None else f"{float(value):,.0f} t".replace(",", " ")


def summary_table(s: dict[str, Any]) -> Table:
    """The plan's headline figures, each with its unit."""
    table = Table(
        title=f"Plan {s['network']}: {s['weeks']} weeks from {s['start']} — {s['status']}",
        title_style="bold green",
    )
    table.add_column("item")
    table.add_column("value", justify="right", overflow="fold")
    objective = f"{s['objective'] / 1e9:,.2f} bn XOF".replace(",", " ")
    table.add_row("total cost (objective)", objective)
    table.add_row("lifted", _t(s["lifted_t"]))
    table.add_row("demand", _t(s["demand_t"]))
    table.add_row("delivered to regions", _t(s["delivered_t"]))
    table.add_row("shortage", _t(s["shortage_t"]))
    table.add_row("truckloads", f"{s['truckloads']:,.0f} truck".replace(",", " "))
    cover = s["min_days_of_cover"]
    table.add_row("lowest days of cover", "∞ d" if cover is None else f"{cover:.1f} d")
    table.add_section()
    for depot, stock in s["closing_stock_t"].items():
        table.add_row(f"closing stock {depot}", _t(stock))
    table.add_section()
    table.add_row("model", f"{s['variables']:,} variables, {s['constraints']:,} constraints")
    if s["integer_trucks"]:
        gap = s["mip_gap"]
        table.add_row("MIP gap", "—" if gap is None else f"{100 * gap:.2f} %")
    table.add_row("time", f"build {s['build_seconds']:.2f} s, solve {s['solve_seconds']:.2f} s")
    return table
