"""`nafolo fuel simulate`: a plan followed over many disruption scenarios."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from nafolo.cli.fuel import fuel_app, start_day
from nafolo.workbook import InputError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
POLICIES = ("static", "rolling", "robust")


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
    policy: str = typer.Option(
        "static", "--policy", help="static | rolling | robust | all (the three side by side)."
    ),
    compare: bool = typer.Option(
        False, "--compare", help="The three policies side by side (same as --policy all)."
    ),
    lookahead: int = typer.Option(
        4, "--lookahead", min=1, help="Rolling policy: weeks planned ahead at each re-plan."
    ),
    design_scenarios: int = typer.Option(
        4, "--design-scenarios", min=1, help="Robust policy: sampled scenarios it is designed on."
    ),
    sweep_file: Path | None = typer.Option(
        None,
        "--sweep",
        help="CSV (or workbook) of parameter sets: each set × each policy is simulated.",
    ),
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
    chunk: int | None = typer.Option(
        None,
        "--chunk",
        min=1,
        help="Scenarios per chunk (a multiple of 256); default 2048, 256 when rolling.",
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
    if compare:
        policy = "all"
    if policy not in (*POLICIES, "all"):
        raise typer.BadParameter(f"policy must be one of {', '.join(POLICIES)} or all")
    chosen = list(POLICIES) if policy == "all" else [policy]
    from nafolo.fuel.simulation.disruption import BLOCK
    from nafolo.fuel.simulation.run import CHUNK
    from nafolo.fuel.simulation.sweep import ENGINES

    if engine not in ENGINES:
        raise typer.BadParameter(f"engine must be one of {', '.join(ENGINES)}")
    if chunk is None:
        chunk = BLOCK if "rolling" in chosen else CHUNK
    if chunk % BLOCK:
        raise typer.BadParameter(f"--chunk must be a multiple of {BLOCK}")
    started = time.perf_counter()
    from nafolo.fuel.network.io import load_network
    from nafolo.fuel.planning import PlanningError, plan, prepare
    from nafolo.fuel.simulation import (
        ConservationError,
        DisruptionParameters,
        load_disruption,
        summarise,
        system_from_folder,
        system_from_plan,
    )
    from nafolo.fuel.simulation.grid import (
        ParameterSet,
        describe,
        model_for,
        read_parameter_sets,
    )
    from nafolo.fuel.simulation.policies import PreparedPolicy, prepare_policies
    from nafolo.fuel.simulation.rolling import RollingSettings
    from nafolo.fuel.simulation.sweep import sweep_grid

    try:
        with err.status("loading the network and the plan…"):
            loaded = load_network(network)
            if disruption is not None or network is None:
                params = load_disruption(loaded, disruption)
            else:
                params = (
                    load_disruption(loaded, network)
                    if _has_disruption(network)
                    else DisruptionParameters.none()
                )
            if plan_folder is not None:
                first_day, horizon = _plan_weeks(plan_folder)
                system = system_from_folder(prepare(loaded, horizon, first_day), plan_folder)
                static_cost = _written_plan_cost(plan_folder, loaded.parameters)
            else:
                first_day = start_day(start)
                result = plan(loaded, weeks, first_day)
                system = system_from_plan(prepare(loaded, weeks, first_day), result)
                static_cost = _plan_cost(
                    result.objective_xof, result.kpis.get("shortage_t"), loaded.parameters
                )
            if sweep_file is not None:
                sets = read_parameter_sets(sweep_file)
            else:
                sets = [ParameterSet("BASE", scenario=named, stochastic=stochastic)]
            models = [model_for(system, params, s) for s in sets]
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
    if quiet and all(s.scenario is None for s in sets):
        err.print("[yellow]No disruption parameters: every road stays open.[/yellow]")

    rolling = RollingSettings(
        lookahead_weeks=lookahead, shortage_penalty_xof_per_t=_penalty(loaded)
    )
    prepared: list[tuple[ParameterSet, PreparedPolicy]] = []
    designed_at = time.perf_counter()
    with err.status("preparing the policies (the robust plan solves a two-stage LP)…"):
        for chosen_set, model in zip(sets, models, strict=True):
            for p in prepare_policies(
                system,
                model,
                chosen,
                seed,
                static_cost_xof=static_cost,
                rolling=rolling,
                design_scenarios=design_scenarios,
            ):
                prepared.append((chosen_set, p))
    design_s = time.perf_counter() - designed_at

    simulated_at = time.perf_counter()
    progress = Progress(
        TextColumn("simulating"),
        BarColumn(),
        TextColumn("{task.completed:,} / {task.total:,} scenarios"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
    finished_at: dict[int, float] = {}
    try:
        with progress:
            task = progress.add_task("simulate", total=scenarios * len(prepared))
            outcomes = sweep_grid(
                [p.job for _, p in prepared],
                scenarios,
                seed,
                engine=engine,
                workers=workers,
                scheduler=scheduler,
                chunk=chunk,
                cache=cache,
                progress=lambda n: progress.advance(task, n),
                timings=finished_at,
            )
    except ConservationError as exc:
        err.print(f"[bold red]Simulation failed:[/bold red] {exc}")
        raise typer.Exit(EXIT_FAILED) from None
    simulated_s = time.perf_counter() - simulated_at
    headlines = []
    for j, ((chosen_set, p), outcome) in enumerate(zip(prepared, outcomes, strict=True)):
        summary = summarise(p.job.system, outcome)
        h = _headline(
            summary, system.weeks, system.week_start[0], seed, p.policy, chosen_set.scenario
        )
        h["stochastic"] = chosen_set.stochastic
        h["plan_cost_xof"] = p.plan_cost_xof
        h["parameter_set"] = chosen_set.name
        h["parameter_set_description"] = describe(chosen_set)
        h["engine"] = engine
        h["workers"] = workers
        policy_s = finished_at.get(j, simulated_s)
        if p.robust is not None:
            h["robust_design"] = {
                "design_scenarios": p.robust.design_scenarios,
                "design_seed": p.robust.design_seed,
                "extra_transport_xof": p.robust.extra_transport_xof,
                "lp_variables": p.robust.variables,
                "lp_constraints": p.robust.constraints,
                "lp_seconds": p.robust.seconds,
            }
            policy_s += p.robust.seconds
        if p.policy == "rolling":
            h["lookahead_weeks"] = lookahead
        h["simulation_seconds"] = policy_s
        h["scenario_weeks_per_second"] = scenarios * system.weeks / max(policy_s, 1e-9)
        headlines.append((h, summary))
    total_s = time.perf_counter() - started
    for h, _ in headlines:
        h["seconds"] = total_s if len(headlines) == 1 else h["simulation_seconds"]
    if out is not None:
        _write_out(out, headlines, scenarios)
        err.print(f"Wrote regions.csv, region_weeks.csv, summary.json and fan charts in {out}")
    if len(headlines) == 1:
        h, summary = headlines[0]
        if as_json:
            typer.echo(json.dumps(h, ensure_ascii=False))
        else:
            console = Console()
            console.print(_summary_table(h))
            console.print(_regions_table(summary.regions))
        return
    combined = {
        "scenarios": scenarios,
        "seed": seed,
        "policies": [h["policy"] for h, _ in headlines],
        "parameter_sets": [s.name for s in sets],
        "weeks": system.weeks,
        "start": system.week_start[0].isoformat(),
        "design_seconds": design_s,
        "seconds": total_s,
        "results": [h for h, _ in headlines],
    }
    if as_json:
        typer.echo(json.dumps(combined, ensure_ascii=False))
    else:
        Console().print(_compare_table(combined))


def _penalty(network: Any) -> float:
    return float(network.parameters.shortage_penalty_xof_per_t)


def _plan_cost(objective_xof: float | None, shortage_t: float | None, parameters: Any) -> float:
    """The plan's cost: its planner objective less the shortage penalty on its planned
    shortage (purchases, transport, holding and cover penalties remain)."""
    return float(objective_xof or 0.0) - float(shortage_t or 0.0) * float(
        parameters.shortage_penalty_xof_per_t
    )


def _written_plan_cost(folder: Path, parameters: Any) -> float | None:
    """The cost of a written plan from its summary.json, None when it is not there."""
    path = folder / "summary.json"
    if not path.is_file():
        return None
    written = json.loads(path.read_text())
    if written.get("objective") is None:
        return None
    return _plan_cost(written["objective"], written.get("shortage_t"), parameters)


def _has_disruption(path: Path) -> bool:
    """Whether a network workbook or folder also holds disruption sheets."""
    from nafolo.fuel.simulation.parameters import SHEETS

    names = {s.name for s in SHEETS}
    if path.is_dir():
        return any(p.stem.lower() in names for p in path.glob("*.csv"))
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        try:
            return any(n.lower() in names for n in book.sheetnames)
        finally:
            book.close()
    return False


def _write_out(out: Path, headlines: list[tuple[dict[str, Any], Any]], scenarios: int) -> None:
    from nafolo.fuel.simulation.charts import fan_chart

    out.mkdir(parents=True, exist_ok=True)
    single = len(headlines) == 1
    for h, summary in headlines:
        folder = out if single else out / f"{h['parameter_set']}-{h['policy']}"
        folder.mkdir(parents=True, exist_ok=True)
        summary.regions.to_csv(folder / "regions.csv", index=False)
        summary.region_weeks.to_csv(folder / "region_weeks.csv", index=False)
        title = f"Days of cover by region — {scenarios:,} scenarios, policy {h['policy']}"
        if h["named_scenario"]:
            title += f", scenario {h['named_scenario']}"
        fan_chart(summary.region_weeks, folder, title=title)
        (folder / "summary.json").write_text(json.dumps(h, ensure_ascii=False, indent=2))
    if not single:
        rows = [h for h, _ in headlines]
        (out / "summary.json").write_text(json.dumps(rows, ensure_ascii=False, indent=2))


def _xof(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value / 1e9:,.2f} bn XOF"


def _compare_table(c: dict[str, Any]) -> Table:
    title = (
        f"{c['scenarios']:,} scenarios over {c['weeks']} weeks from {c['start']}, seed "
        f"{c['seed']} (common random numbers)"
    )
    table = Table(title=title, title_style="bold")
    for name in (
        "parameter set",
        "policy",
        "expected shortage",
        "CVaR95",
        "worst region",
        "P(stockout)",
        "plan cost",
        "time",
    ):
        table.add_column(name, justify="left" if name in ("parameter set", "policy") else "right")
    for h in c["results"]:
        worst = h["worst_region"]
        table.add_row(
            str(h["parameter_set"]),
            str(h["policy"]),
            _t(h["expected_shortage_t"]),
            _t(h["cvar95_shortage_t"]),
            str(worst),
            f"{100 * h['stockout_probability'][worst]:.1f} %",
            _xof(h["plan_cost_xof"]),
            f"{h['simulation_seconds']:.1f} s",
        )
    return table


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
