"""`nafolo report fuel-monthly | refinery-monthly`: the monthly reports as PDF or .xlsx.

French by default (`--lang en` for English). The file is written to `--out` (default:
`nafolo-<report>-<period>-<lang>.<format>` in the current folder).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from nafolo.cli.db import DbOption

report_app = typer.Typer(
    help="Monthly reports for the steering committee, the ministries and the refinery's board.",
    no_args_is_help=True,
)


class LangChoice(StrEnum):
    FR = "fr"
    EN = "en"


class FormatChoice(StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"


PeriodOption = Annotated[str, typer.Option("--period", help="Calendar month, YYYY-MM.")]
LangOption = Annotated[LangChoice, typer.Option("--lang", help="Language of the report.")]
FormatOption = Annotated[FormatChoice, typer.Option("--format", help="pdf or xlsx.")]
OutOption = Annotated[Path | None, typer.Option("--out", help="File to write.")]
NetworkOption = Annotated[
    Path | None,
    typer.Option("--network", help="Network workbook or CSV folder (default: bundled Mali)."),
]

UNAVAILABLE_EXIT = 2


def _check_period(period: str) -> None:
    from nafolo.reports.period import PERIOD_PATTERN

    if not PERIOD_PATTERN.match(period):
        typer.echo(f"--period: {period!r} is not a month written YYYY-MM", err=True)
        raise typer.Exit(2)


def _say(step: str) -> None:
    typer.echo(f"… {step}", err=True)


@report_app.command("fuel-monthly")
def fuel_monthly_command(
    period: PeriodOption,
    lang: LangOption = LangChoice.FR,
    fmt: FormatOption = FormatChoice.PDF,
    out: OutOption = None,
    db: DbOption = None,
    network: NetworkOption = None,
) -> None:
    """Fuel report of a month: received against the contract band, stock and days of cover by
    region, incidents and alerts, losses by corridor and carrier."""
    _check_period(period)
    from nafolo.fuel.network.io import load_network
    from nafolo.ledger import Ledger
    from nafolo.reports.fuel_data import assemble_fuel_month
    from nafolo.reports.fuel_monthly import fuel_monthly_document
    from nafolo.reports.render import file_name, render
    from nafolo.store import create_engine
    from nafolo.workbook import InputError

    try:
        fuel_network = load_network(network)
    except InputError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    engine = create_engine(db)
    try:
        month = assemble_fuel_month(Ledger(engine), fuel_network, period, progress=_say)
    finally:
        engine.dispose()
    document = fuel_monthly_document(month, lang.value, datetime.now(UTC))
    _say(f"rendering {fmt.value}")
    target = out or Path(file_name(document, fmt.value))
    target.write_bytes(render(document, fmt.value))
    typer.echo(f"{target}: {document.title}, {period} ({lang.value}, {fmt.value})")


@report_app.command("refinery-monthly")
def refinery_monthly_command(
    period: PeriodOption,
    lang: LangOption = LangChoice.FR,
    fmt: FormatOption = FormatChoice.PDF,
    out: OutOption = None,
    db: DbOption = None,
) -> None:
    """Refinery report of a month: receipts by origin, production, metal balance, metal accounts,
    due diligence decisions, read from the gold services (exit 2 if they cannot be loaded)."""
    _check_period(period)
    from nafolo.reports.refinery_monthly import (
        RefineryReportUnavailableError,
        assemble_refinery_month,
        refinery_monthly_document,
    )
    from nafolo.reports.render import file_name, render
    from nafolo.store import create_engine

    engine = create_engine(db)
    try:
        month = assemble_refinery_month(engine, period)
    except RefineryReportUnavailableError as error:
        typer.echo(f"refinery-monthly: not available yet — {error}", err=True)
        raise typer.Exit(UNAVAILABLE_EXIT) from None
    finally:
        engine.dispose()
    document = refinery_monthly_document(month, lang.value, datetime.now(UTC))
    target = out or Path(file_name(document, fmt.value))
    target.write_bytes(render(document, fmt.value))
    typer.echo(f"{target}: {document.title}, {period} ({lang.value}, {fmt.value})")
