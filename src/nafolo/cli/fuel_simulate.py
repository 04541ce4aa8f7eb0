"""`nafolo fuel simulate`: a plan followed over many disruption scenarios."""

from __future__ import annotations

import json
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from nafolo.cli.fuel import fuel_app
from nafolo.workbook import InputError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
POLICIES = ("static", "rolling", "robust")


def _start(value: str | None) -> date:
    from nafolo.fuel.planning.data import next_monday

    if value is None:
        return next_monday(date.today())
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from None


@fuel_app.command("simulate")
def simulate_command(
    network: Path | None = typer.Option(
        None, "--network", help="Network workbook (.xlsx) or CSV folder; default: bundled Mali."
    ),
    disruption: Path | None = typer.Option(
        None,
        "--disruption",
        help="Workbook or CSV folder with the disruption sheets; default: the bundled Mali "
        "parameters with the bundled network, none otherwise.",
    ),
    plan_folder: Path | None = typer.Option(
        None, "--plan", help="Plan folder written by `nafolo fuel plan --out` (else plan now)."
    ),
    weeks: int = typer.Option(26, "--weeks", min=1, help="Horizon in weeks when planning now."),
    start: str | None = typer.Option(
        None, "--start", help="First day of week 1 when planning now; default: next Monday."
    ),
    scenarios: int = typer.Option(10_000, "--scenarios", min=1, help="Scenarios to sample."),
    seed: int = typer.Option(2025, "--seed", min=0, help="Seed of the random scenarios."),
    policy: str = typer.Option("static", "--policy", help="static | rolling | robust."),
    named: str | None = typer.Option(
        None, "--scenario", help="Named scenario of the disruption sheets, e.g. BLOCKADE-2025."
    ),
    stochastic: bool = typer.Option(
        True, "--stochastic/--no-stochastic", help="Sample random disruptions too."
    ),
    engine: str = typer.Option(
        "local", "--engine", help="local (process pool), dask, or serial (this process)."
    ),
    workers: int = typer.Option(
        2, "--workers", min=1, help="Worker processes (local pool or new Dask LocalCluster)."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler address (default: start a LocalCluster)."
    ),
    chunk: int = typer.Option(
        2048, "--chunk", min=1, help="Scenarios evaluated at once (a multiple of 256)."
    ),
    cache: Path | None = typer.Option(
        None, "--cache", help="Folder keeping finished chunks: a killed run resumes from it."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
    out: Path | None = typer.Option(
        None, "--out", help="Folder for the tables (CSV), summary.json and fan charts."
    ),
) -> None:
    """Follow a plan through sampled closures, attacks, port delays and demand noise; report the
    probability that each region runs short and how much.

    Exit codes: 0 done, 1 failure, 2 input refused.
    """
    err = Console(stderr=True)
    if policy not in POLICIES:
        raise typer.BadParameter(f"policy must be one of {', '.join(POLICIES)}")
    if policy != "static":
        err.print(f"[bold red]Policy {policy!r} is not available yet;[/bold red] use static.")
        raise typer.Exit(EXIT_BAD_INPUT)
    from nafolo.fuel.simulation.disruption import BLOCK
    from nafolo.fuel.simulation.sweep import ENGINES

    if engine not in ENGINES:
        raise typer.BadParameter(f"engine must be one of {', '.join(ENGINES)}")
    if chunk % BLOCK:
        raise typer.BadParameter(f"--chunk must be a multiple of {BLOCK}")
    started = time.perf_counter()
    from nafolo.fuel.network.io import load_network
    from nafolo.fuel.planning import PlanningError, plan, prepare
    from nafolo.fuel.simulation import (
        ConservationError,
        DisruptionModel,
        DisruptionParameters,
        load_disruption,
        summarise,
        system_from_folder,
        system_from_plan,
    )
    from nafolo.fuel.simulation.sweep import sweep

    try:
        with err.status("loading the network and the plan…"):
            loaded = load_network(network)
            if disruption is not None or network is None:
                params = load_disruption(loaded, disruption)
            else:
                params = DisruptionParameters.none()
            if plan_folder is not None:
                first_day, horizon = _plan_weeks(plan_folder)
                system = system_from_folder(prepare(loaded, horizon, first_day), plan_folder)
            else:
                first_day = _start(start)
                result = plan(loaded, weeks, first_day)
                system = system_from_plan(prepare(loaded, weeks, first_day), result)
            model = DisruptionModel.build(system, params, scenario=named, stochastic=stochastic)
    except InputError as exc:
        from nafolo.cli.fuel_plan import _report_problems

        _report_problems(err, exc, as_json)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except KeyError as exc:
        err.print(f"[bold red]{exc.args[0]}[/bold red]")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except PlanningError as exc:
        err.print(f"[bold red]Planning failed:[/bold red] {exc}")
        raise typer.Exit(EXIT_FAILED) from None
    quiet = not (params.corridors or params.shocks or params.port_delays or params.demand_cv)
    if quiet and named is None:
        err.print("[yellow]No disruption parameters: every road stays open.[/yellow]")

    simulated_at = time.perf_counter()
    progress = Progress(
        TextColumn("simulating"),
        BarColumn(),
        TextColumn("{task.completed:,} / {task.total:,} scenarios"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
    try:
        with progress:
            task = progress.add_task("simulate", total=scenarios)
            outcome = sweep(
                system,
                model,
                scenarios,
                seed,
                engine=engine,
                workers=workers,
                scheduler=scheduler,
                chunk=chunk,
                cache=cache,
                progress=lambda n: progress.advance(task, n),
            )
    except ConservationError as exc:
        err.print(f"[bold red]Simulation failed:[/bold red] {exc}")
        raise typer.Exit(EXIT_FAILED) from None
    simulated_s = time.perf_counter() - simulated_at
    summary = summarise(system, outcome)
    headline = _headline(summary, system.weeks, system.week_start[0], seed, policy, named)
    headline["stochastic"] = stochastic
    headline["engine"] = engine
    headline["workers"] = workers
    headline["seconds"] = time.perf_counter() - started
    headline["simulation_seconds"] = simulated_s
    headline["scenario_weeks_per_second"] = scenarios * system.weeks / max(simulated_s, 1e-9)
    if out is not None:
        from nafolo.fuel.simulation.charts import fan_chart

        out.mkdir(parents=True, exist_ok=True)
        summary.regions.to_csv(out / "regions.csv", index=False)
        summary.region_weeks.to_csv(out / "region_weeks.csv", index=False)
        title = f"Days of cover by region — {scenarios:,} scenarios, policy {policy}"
        if named:
            title += f", scenario {named}"
        fan_chart(summary.region_weeks, out, title=title)
        (out / "summary.json").write_text(json.dumps(headline, ensure_ascii=False, indent=2))
        err.print(f"Wrote regions.csv, region_weeks.csv, summary.json and fan charts in {out}")
    if as_json:
        typer.echo(json.dumps(headline, ensure_ascii=False))
    else:
        console = Console()
        console.print(_summary_table(headline))
        console.print(_regions_table(summary.regions))


def _plan_weeks(folder: Path) -> tuple[date, int]:
    """First day and number of weeks of a written plan (its weeks.csv)."""
    import pandas as pd

    from nafolo.workbook import Problem

    path = folder / "weeks.csv"
    if not path.is_file():
        raise InputError([Problem("weeks", None, None, f"missing {path}")], source=str(folder))
    table = pd.read_csv(path)
    return date.fromisoformat(str(table["week_start"].iloc[0])), len(table)


def _headline(
    summary: Any, weeks: int, first_day: date, seed: int, policy: str, named: str | None
) -> dict[str, Any]:
    from nafolo.fuel.simulation.stats import UNITS

    return {
        "scenarios": summary.scenarios,
        "seed": seed,
        "policy": policy,
        "named_scenario": named,
        "weeks": weeks,
        "start": first_day.isoformat(),
        "expected_shortage_t": summary.expected_shortage_t,
        "cvar95_shortage_t": summary.cvar95_shortage_t,
        "shortage_quantiles_t": summary.shortage_quantiles_t,
        "stockout_probability": summary.stockout_probability,
        "expected_stockout_weeks": dict(
            zip(summary.regions["region"], summary.regions["stockout_weeks_expected"], strict=True)
        ),
        "worst_region": summary.worst_region,
        "expected_lost_t": summary.expected_lost_t,
        "expected_rerouted_t": summary.expected_rerouted_t,
        "expected_held_at_port_t": summary.expected_held_at_port_t,
        "demand_t": summary.demand_t,
        "units": UNITS,
    }


def _t(value: float) -> str:
    return f"{value:,.0f} t".replace(",", " ")


def _summary_table(h: dict[str, Any]) -> Table:
    title = f"{h['scenarios']:,} scenarios over {h['weeks']} weeks from {h['start']}"
    table = Table(title=f"{title} — policy {h['policy']}, seed {h['seed']}", title_style="bold")
    table.add_column("item")
    table.add_column("value", justify="right")
    if h["named_scenario"]:
        table.add_row("named scenario", str(h["named_scenario"]))
    table.add_row("demand (mean)", _t(h["demand_t"]))
    table.add_row("expected shortage", _t(h["expected_shortage_t"]))
    for name, value in h["shortage_quantiles_t"].items():
        table.add_row(f"shortage {name}", _t(value))
    table.add_row("CVaR95 of shortage", _t(h["cvar95_shortage_t"]))
    table.add_row("worst region", str(h["worst_region"]))
    table.add_row("expected loads destroyed", _t(h["expected_lost_t"]))
    table.add_row("expected tonnes re-routed", _t(h["expected_rerouted_t"]))
    table.add_row("expected tonnes held at ports at the end", _t(h["expected_held_at_port_t"]))
    table.add_row(
        "time", f"{h['seconds']:.1f} s ({h['scenario_weeks_per_second']:,.0f} scenario-weeks/s)"
    )
    return table


def _regions_table(regions: Any) -> Table:
    table = Table(title="By region (over the horizon)")
    for name in ("region", "P(stockout)", "expected shortage", "p90", "p99", "CVaR95"):
        table.add_column(name, justify="left" if name == "region" else "right")
    for row in regions.itertuples(index=False):
        table.add_row(
            str(row.region),
            f"{100 * row.stockout_probability:.1f} %",
            _t(row.expected_shortage_t),
            _t(row.shortage_p90_t),
            _t(row.shortage_p99_t),
            _t(row.cvar95_shortage_t),
        )
    return table
