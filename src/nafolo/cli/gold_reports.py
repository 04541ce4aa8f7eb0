"""`nafolo gold import | template | statement | report production | report origin-annex`:
lots and assays from a workbook (all or nothing, row-level errors), and the refinery's reports
as tables, .xlsx files or JSON."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nafolo.cli.db import DbOption
from nafolo.cli.gold import gold_app
from nafolo.cli.gold_common import (
    ActorOption,
    JsonOption,
    cell,
    console,
    fail,
    migrated,
    print_json,
    refinery,
    table,
)

if TYPE_CHECKING:
    from nafolo.gold.reports import Period, ReportTable

report_app = typer.Typer(help="Refinery reports.", no_args_is_help=True)
gold_app.add_typer(report_app, name="report")

PeriodOption = Annotated[str | None, typer.Option("--period", help="A month, YYYY-MM.")]
YearOption = Annotated[int | None, typer.Option("--year", help="A calendar year, YYYY.")]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", help="Write the report: .xlsx, otherwise a folder of CSV files."),
]


def _period(
    period: str | None, year: int | None, start: datetime | None = None, end: datetime | None = None
) -> Period:
    from nafolo.gold.reports import Period

    given = [v for v in (period, year, start) if v is not None]
    if len(given) != 1:
        raise fail("give exactly one of --period YYYY-MM, --year YYYY or --from/--to", 2)
    try:
        if period is not None:
            return Period.month(period)
        if year is not None:
            return Period.year(year)
        assert start is not None
        return Period.between(start.date(), (end or start).date())
    except ValueError as error:
        raise fail(str(error), 2) from None


def _emit(report: ReportTable, out: Path | None, as_json: bool) -> None:
    """The report as JSON, written to a file, or shown as a table with units in the headers."""
    if as_json:
        print_json(report)
        return
    if out is not None:
        from nafolo.gold.reports.output import write_report

        write_report(report, out)
        typer.echo(f"wrote {report.report} {report.period_label} to {out}")
        return
    headers = [f"{c.label} [{c.unit}]" if c.unit else c.label for c in report.columns]
    shown = table(report.title, headers)
    for row in report.rows:
        shown.add_row(*(cell(row.get(c.key)) for c in report.columns))
    if report.totals:
        shown.add_section()
        for row in report.totals:
            shown.add_row(*(cell(row.get(c.key)) for c in report.columns), style="bold")
    console().print(shown)
    for note in report.notes:
        typer.echo(f"  {note}")


@gold_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="Lots workbook (.xlsx) or CSV folder.")],
    db: DbOption = None,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the good rows; report the bad ones.")
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Rejection report CSV (default: <FILE>.rejected.csv)."),
    ] = None,
    actor: ActorOption = "import",
) -> None:
    """Register lots (sheet lots) and record their samples and assays, all or nothing: any bad
    row and nothing is stored (exit 2, every bad row listed by sheet, row and column)."""
    from nafolo.gold.service import import_gold, write_rejections

    with migrated(db) as engine:
        typer.echo(f"checking {file}…", err=True)
        result = import_gold(engine, file, actor=actor, skip_invalid=skip_invalid)
    typer.echo(
        f"lots: {result.lots}; received: {result.received}; sample sets: {result.samples}; "
        f"assays: {result.assays}; exchanges: {result.exchanged}"
    )
    if result.awaiting_umpire:
        typer.echo("awaiting the umpire: " + ", ".join(result.awaiting_umpire))
    if result.rejected:
        target = report or file.with_name(file.name + ".rejected.csv")
        write_rejections(result.rejected, target)
        typer.echo(f"rejected: {len(result.rejected)} problem(s) → {target}", err=True)


@gold_app.command("template")
def template_command(
    out: Annotated[Path, typer.Argument(help="Where to write: .xlsx, or a folder for CSV.")],
    example: Annotated[
        bool, typer.Option("--example", help="Write the filled example instead of a blank.")
    ] = False,
) -> None:
    """Write the lots/assays import template (headers, units, an example row, a README)."""
    from nafolo.gold.service import write_gold_example, write_gold_template

    (write_gold_example if example else write_gold_template)(out)
    typer.echo(f"wrote the gold {'example' if example else 'template'} {out}")


@gold_app.command("statement")
def statement_command(
    depositor_id: str,
    period: PeriodOption = None,
    year: YearOption = None,
    start: Annotated[
        datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="First day.")
    ] = None,
    end: Annotated[
        datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day (inclusive).")
    ] = None,
    out: OutOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A depositor's metal-account statement: opening, credits, debits, closing (fine oz)."""
    from nafolo.gold.reports.sources import build_statement

    chosen = _period(period, year, start, end)
    with refinery(db) as gold:
        report = build_statement(gold, depositor_id, chosen)
    _emit(report, out, as_json)


@report_app.command("production")
def production_command(
    period: PeriodOption = None,
    year: YearOption = None,
    out: OutOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Production by origin country and region, LSM / ASM / recycled, for a month (or year)."""
    from nafolo.gold.reports.sources import build_production

    chosen = _period(period, year)
    with refinery(db) as gold:
        report = build_production(gold, chosen)
    _emit(report, out, as_json)


@report_app.command("origin-annex")
def origin_annex_command(
    year: Annotated[int, typer.Option("--year", help="The report's year.")],
    out: OutOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The country-of-origin annex of the annual responsible-gold report."""
    from nafolo.gold.reports.sources import build_origin_annex

    chosen = _period(None, year)
    with refinery(db) as gold:
        report = build_origin_annex(gold, chosen)
    _emit(report, out, as_json)
