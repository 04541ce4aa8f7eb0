"""`nafolo fuel import | ops-template | stock | cover | alerts | compliance | plan-vs-actual`.

Operations recorded on the ledger and what supervisors read from it. Every tonnage is weight in
air (ASTM D1250 Table 56); every figure is printed with its unit.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from nafolo.cli.db import DbOption
from nafolo.cli.fuel import fuel_app

if TYPE_CHECKING:
    from nafolo.fuel.network.model import Network
    from nafolo.ledger import Ledger

# Each command imports the domain, ledger and store modules it uses when it runs, so that loading
# the CLI for another command stays cheap.

NetworkOption = Annotated[
    Path | None,
    typer.Option("--network", help="Network workbook or CSV folder (default: bundled Mali)."),
]
AtOption = Annotated[
    datetime | None,
    typer.Option("--at", help="Moment to report at, Bamako time = UTC (default: now)."),
]
BASIS = "tonnes are weight in air (ASTM D1250 Table 56)"


def _network(path: Path | None) -> Network:
    from nafolo.fuel.network.io import load_network
    from nafolo.workbook import InputError

    try:
        return load_network(path)
    except InputError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None


def _ledger(db: str | None) -> Ledger:
    from nafolo.ledger import Ledger
    from nafolo.store import create_engine

    return Ledger(create_engine(db))


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _console() -> Console:
    """Standard output; wide when it is not a terminal, so piped tables are never truncated."""
    console = Console()
    return console if console.is_terminal else Console(width=200)


def _columns(table: Table, names: tuple[str, ...]) -> None:
    """Columns named with their unit in brackets (plain text, not markup); numbers right-aligned."""
    for name in names:
        table.add_column(Text(name), justify="right" if "[" in name or name == "week" else "left")


def _number(value: object, decimals: int = 3) -> str:
    if value is None:
        return "∞"
    return f"{float(str(value)):,.{decimals}f}"


@fuel_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="Operations workbook (.xlsx) or CSV folder.")],
    db: DbOption = None,
    network: NetworkOption = None,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the good rows; report the bad ones.")
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Rejection report CSV (default: <FILE>.rejected.csv)."),
    ] = None,
) -> None:
    """Load liftings, convoys, receipts, withdrawals and dips onto the ledger, all or nothing."""
    from nafolo.fuel.operations.importer import import_operations, write_rejections
    from nafolo.ledger import Ledger
    from nafolo.store import create_engine, upgrade
    from nafolo.workbook import InputError

    net = _network(network)
    engine = create_engine(db)
    console = Console(stderr=True)
    try:
        upgrade(engine)
        ledger = Ledger(engine)
        with Progress(
            TextColumn("writing entries"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("import", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=max(total, 1))

            console.print(f"checking {file}…")
            result = import_operations(
                file, ledger, net, skip_invalid=skip_invalid, progress=progress
            )
    except InputError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    done = ", ".join(f"{n} {sheet}" for sheet, n in sorted(result.operations.items())) or "none"
    typer.echo(f"operations: {done}")
    typer.echo(
        f"ledger entries written: {result.entries_written}; already recorded: "
        f"{result.entries_replayed}; convoy events stored: {result.events_stored}"
    )
    if result.rejected:
        target = report or file.with_name(file.name + ".rejected.csv")
        write_rejections(result.rejected, target)
        typer.echo(
            f"rejected: {result.rejected_rows} row(s), "
            f"{len(result.rejected)} problem(s) → {target}",
            err=True,
        )


@fuel_app.command("ops-template")
def ops_template_command(
    path: Annotated[Path, typer.Argument(help="Where to write: .xlsx, or a folder for CSV.")],
) -> None:
    """Write a blank operations workbook: headers, units, an example row per sheet, a README."""
    from nafolo.fuel.operations.workbook import write_operations_template

    write_operations_template(path)
    typer.echo(f"wrote the operations template {path}")


@fuel_app.command("stock")
def stock_command(db: DbOption = None, network: NetworkOption = None, at: AtOption = None) -> None:
    """Stock per depot and product, and product in transit per corridor."""
    from nafolo.fuel.readmodels import depot_stocks, in_transit

    net = _network(network)
    ledger = _ledger(db)
    moment = _aware(at)
    table = Table(title=f"Depot stock ({BASIS})")
    _columns(
        table, ("depot", "product", "stock [t]", "tank bottom [t]", "usable [t]", "capacity [t]")
    )
    for s in depot_stocks(ledger, net, as_of=moment):
        table.add_row(
            s.depot,
            s.product,
            _number(s.stock_t),
            _number(s.tank_bottom_t),
            _number(s.usable_t),
            _number(s.capacity_t),
        )
    transit = Table(title="In transit per corridor")
    _columns(transit, ("corridor", "product", "in transit [t]", "convoys"))
    for t in in_transit(ledger, as_of=moment):
        transit.add_row(t.corridor, t.product, _number(t.in_transit_t), str(t.convoys))
    console = _console()
    console.print(table)
    console.print(transit)
    ledger.engine.dispose()


@fuel_app.command("cover")
def cover_command(
    db: DbOption = None,
    network: NetworkOption = None,
    at: AtOption = None,
    horizon_days: Annotated[
        int, typer.Option("--horizon-days", help="Days of forward demand averaged.", min=1)
    ] = 28,
) -> None:
    """Days of cover per depot and per region against forward demand."""
    from nafolo.fuel.readmodels import depot_cover, region_cover

    net = _network(network)
    ledger = _ledger(db)
    moment = _aware(at)
    depots = Table(
        title=f"Days of cover per depot (usable stock ÷ forward demand, {horizon_days} d)"
    )
    _columns(
        depots, ("depot", "product", "usable [t]", "demand [t/d]", "cover [d]", "target [d]", "")
    )
    for c in depot_cover(ledger, net, moment, horizon_days):
        flag = "BELOW TARGET" if c.below_target and c.target_days > 0 else ""
        depots.add_row(
            c.depot,
            c.product,
            _number(c.usable_t),
            _number(c.daily_demand_t, 1),
            _number(c.days_of_cover, 1),
            f"{c.target_days:g}",
            flag,
        )
    regions = Table(title="Days of cover per region")
    _columns(regions, ("region", "product", "usable [t]", "demand [t/d]", "cover [d]"))
    for r in region_cover(ledger, net, moment, horizon_days):
        regions.add_row(
            r.region,
            r.product,
            _number(r.usable_t),
            _number(r.daily_demand_t, 1),
            _number(r.days_of_cover, 1),
        )
    console = _console()
    console.print(depots)
    console.print(regions)
    ledger.engine.dispose()


@fuel_app.command("convoys")
def convoys_command(
    db: DbOption = None,
    network: NetworkOption = None,
    at: AtOption = None,
    all_convoys: Annotated[
        bool, typer.Option("--all", help="Also convoys fully received or lost.")
    ] = False,
) -> None:
    """Convoys on the road: load, departure, expected arrival, days overdue, events."""
    from nafolo.fuel.readmodels import convoy_statuses

    net = _network(network)
    ledger = _ledger(db)
    now = _aware(at) or datetime.now(UTC)
    statuses = convoy_statuses(ledger, net, on_road_only=not all_convoys)
    ledger.engine.dispose()
    table = Table(title=f"Convoys at {now:%Y-%m-%d %H:%M} UTC ({BASIS})")
    _columns(
        table,
        (
            "convoy",
            "corridor",
            "trucks",
            "on board [t]",
            "departed",
            "expected",
            "overdue [d]",
            "events",
        ),
    )
    for c in statuses:
        late = c.overdue_days(now)
        table.add_row(
            c.convoy,
            c.corridor,
            str(c.trucks),
            _number(c.in_transit_t),
            f"{c.departed_at:%Y-%m-%d %H:%M}",
            f"{c.expected_at:%Y-%m-%d %H:%M}",
            "" if late is None else _number(late, 1),
            Text(", ".join(e.event for e in c.events)),
        )
    _console().print(table)


@fuel_app.command("alerts")
def alerts_command(db: DbOption = None, network: NetworkOption = None, at: AtOption = None) -> None:
    """Depots under their cover target, overdue convoys, losses and dip variances beyond tolerance.

    Exits 3 when there is at least one alert.
    """
    from nafolo.fuel.alerts import alerts

    net = _network(network)
    ledger = _ledger(db)
    found = alerts(ledger, net, now=_aware(at))
    ledger.engine.dispose()
    if not found:
        typer.echo("no alerts")
        return
    table = Table(title=f"{len(found)} alert(s)")
    for name in ("kind", "subject", "value", "threshold", "message"):
        table.add_column(name)
    for a in found:
        table.add_row(
            a.kind.value,
            Text(a.subject),
            f"{a.value:g} {a.unit}",
            f"{a.threshold:g} {a.unit}",
            Text(a.message),
        )
    _console().print(table)
    raise typer.Exit(3)


@fuel_app.command("compliance")
def compliance_command(
    month: Annotated[str, typer.Option("--month", help="Calendar month, YYYY-MM.")],
    db: DbOption = None,
    network: NetworkOption = None,
) -> None:
    """Tonnes lifted in a month against each contract's band, by port and product."""
    from nafolo.fuel.readmodels import compliance

    net = _network(network)
    ledger = _ledger(db)
    try:
        report = compliance(ledger, net, month)
    except ValueError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    finally:
        ledger.engine.dispose()
    bands = Table(title=f"Contract band, {report.month} ({BASIS})")
    _columns(
        bands,
        (
            "contract",
            "lifted [t]",
            "min [t]",
            "max [t]",
            "status",
            "shortfall [t]",
            "excess [t]",
        ),
    )
    for c in report.contracts:
        bands.add_row(
            c.contract,
            _number(c.lifted_t),
            _number(c.min_t),
            _number(c.max_t),
            c.status,
            _number(c.shortfall_t),
            _number(c.excess_t),
        )
    detail = Table(title="Lifted by port and product")
    _columns(detail, ("contract", "port", "product", "lifted [t]"))
    for r in report.by_port_product:
        detail.add_row(r.contract, r.port, r.product, _number(r.lifted_t))
    console = _console()
    console.print(bands)
    console.print(detail)


@fuel_app.command("plan-vs-actual")
def plan_vs_actual_command(
    plan: Annotated[
        Path, typer.Option("--plan", help="Folder written by `nafolo fuel plan --out`.")
    ],
    db: DbOption = None,
) -> None:
    """Planned against actual tonnes by week: lifted, dispatched, received, withdrawn."""
    from nafolo.fuel.readmodels.plan_vs_actual import plan_vs_actual, read_plan
    from nafolo.workbook import InputError

    try:
        imported = read_plan(plan)
    except InputError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    ledger = _ledger(db)
    rows = plan_vs_actual(ledger, imported)
    ledger.engine.dispose()
    table = Table(title=f"Plan versus actual by week ({BASIS})")
    _columns(
        table,
        (
            "week",
            "starts",
            "measure",
            "place",
            "product",
            "planned [t]",
            "actual [t]",
            "difference [t]",
        ),
    )
    for r in rows:
        if r.planned_t == 0 and r.actual_t == 0:
            continue
        table.add_row(
            str(r.week),
            r.week_start.isoformat(),
            r.measure,
            r.place,
            r.product,
            _number(r.planned_t),
            _number(r.actual_t),
            _number(r.difference_t),
        )
    _console().print(table)
