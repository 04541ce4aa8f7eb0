"""What every `nafolo gold …` command shares: the refinery over `--db`, the actor, refusals as
messages with exit codes, and Rich tables whose headers carry units.

Exit codes: 0 done; 1 refused by a refinery rule or not found (nothing stored); 2 bad input
(a value or file the command cannot use). Heavy modules are imported when a command runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from pydantic import BaseModel
    from sqlalchemy.engine import Engine

    from nafolo.gold.service import Refinery
    from nafolo.gold.service.genealogy import ShareOut

ActorOption = Annotated[
    str,
    typer.Option(
        "--actor",
        envvar="NAFOLO_ACTOR",
        help="Who acts (recorded with every change; env NAFOLO_ACTOR).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
DEFAULT_ACTOR = "cli"

EXIT_REFUSED = 1
EXIT_INPUT = 2


def fail(message: str, code: int = EXIT_REFUSED) -> typer.Exit:
    """Print `message` to standard error; the caller raises the returned Exit."""
    typer.echo(message, err=True)
    return typer.Exit(code)


@contextmanager
def migrated(db: str | None) -> Iterator[Engine]:
    """The store at `db`, migrated first; refusals become messages and exit codes, and the
    engine is disposed of."""
    from nafolo.store import create_engine, upgrade

    engine = create_engine(db)
    try:
        with refusals():
            upgrade(engine)
            yield engine
    finally:
        engine.dispose()


@contextmanager
def refinery(db: str | None) -> Iterator[Refinery]:
    """The refinery services over the store at `db`, as `migrated` gives it."""
    from nafolo.gold.service import Refinery

    with migrated(db) as engine:
        yield Refinery(engine)


@contextmanager
def refusals() -> Iterator[None]:
    """Refinery refusals → exit 1 naming field and rule; malformed values and files → exit 2."""
    from pydantic import ValidationError

    from nafolo.gold.service.errors import GoldNotFoundError, GoldRefusedError
    from nafolo.workbook import InputError

    try:
        yield
    except GoldRefusedError as error:
        lines = "\n".join(f"  - {p}" for p in error.problems)
        raise fail(f"refused, nothing recorded:\n{lines}") from None
    except GoldNotFoundError as error:
        raise fail(f"not found: {error}") from None
    except ValidationError as error:
        lines = "\n".join(
            f"  - {'.'.join(str(p) for p in e['loc']) or 'input'}: {e['msg']}"
            for e in error.errors()
        )
        raise fail(f"invalid input, nothing recorded:\n{lines}", EXIT_INPUT) from None
    except InputError as error:
        raise fail(str(error), EXIT_INPUT) from None
    except ValueError as error:
        raise fail(f"invalid input: {error}", EXIT_INPUT) from None


WhenOption = Annotated[
    datetime | None,
    typer.Option(
        "--at",
        help="When it happened, dating its ledger entries and reports "
        "(naive = UTC, Bamako time; default now).",
    ),
]


def moment(value: datetime | None) -> datetime:
    """A moment given on the command line (naive = Bamako time = UTC); default now."""
    if value is None:
        return datetime.now(UTC)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def console() -> Console:
    """Standard output; wide when it is not a terminal, so piped tables are never truncated."""
    out = Console()
    return out if out.is_terminal else Console(width=200)


def table(title: str, columns: Sequence[str]) -> Table:
    """A table whose columns are named with their unit in brackets; numbers right-aligned."""
    shown = Table(title=title)
    for name in columns:
        shown.add_column(Text(name), justify="right" if "[" in name else "left")
    return shown


def cell(value: Any) -> str:
    """A value as shown: decimals exact (never through float), blanks for none."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value.value if hasattr(value, "value") else value)


def print_json(value: BaseModel | Sequence[BaseModel] | dict[str, Any]) -> None:
    """JSON on standard output: decimals as strings, as the API sends them."""
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        data: Any = value.model_dump(mode="json")
    elif isinstance(value, dict):
        data = value
    else:
        data = [v.model_dump(mode="json") for v in value]
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def show_model(title: str, value: BaseModel, skip: Sequence[str] = ("entries",)) -> None:
    """A record as a two-column table (field, value); units are in the field names."""
    shown = table(title, ("field", "value"))
    for name, item in value:
        if name in skip:
            continue
        if isinstance(item, list):
            item = (
                ", ".join(cell(i) for i in item)
                if all(not hasattr(i, "model_dump") for i in item)
                else f"{len(item)} item(s)"
            )
        elif hasattr(item, "model_dump"):
            item = "; ".join(f"{k}={cell(v)}" for k, v in item)
        shown.add_row(name, cell(item))
    console().print(shown)


def show_trace(title: str, shares: Iterable[ShareOut]) -> None:
    """A genealogy trace as a table: kind, id, exact share and fine gold of every node."""
    shown = table(title, ("kind", "id", "share", "fine Au [oz]"))
    for share in shares:
        shown.add_row(cell(share.kind), share.id, share.share, cell(share.fine_au_oz))
    console().print(shown)
