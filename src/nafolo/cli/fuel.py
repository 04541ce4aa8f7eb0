"""`nafolo fuel …`: the fuel programme's commands. Each command lives in its own module."""

from __future__ import annotations

from datetime import date, datetime

import typer

fuel_app = typer.Typer(
    help="Fuel supply: network, planning, simulation, operations.", no_args_is_help=True
)


def start_day(value: str | None) -> date:
    """The first day of a plan or simulation: `value` (YYYY-MM-DD), else the next Monday."""
    from nafolo.fuel.planning.data import next_monday

    if value is None:
        return next_monday(date.today())
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from None


# Command modules register themselves on fuel_app when imported.
from nafolo.cli import fuel_network as _fuel_network  # noqa: E402,F401
from nafolo.cli import fuel_ops as _fuel_ops  # noqa: E402,F401
from nafolo.cli import fuel_plan as _fuel_plan  # noqa: E402,F401
from nafolo.cli import fuel_simulate as _fuel_simulate  # noqa: E402,F401
