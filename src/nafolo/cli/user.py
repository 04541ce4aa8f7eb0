"""`nafolo user …`: create users, list them, change a role, issue an API token.

Whoever runs these commands has the store's credentials, so they act as an administrator; the
audit log records them as the operating-system user (`cli:<login>`).
"""

from __future__ import annotations

import getpass
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from nafolo.cli.db import DbOption

if TYPE_CHECKING:
    from nafolo.auth.users import UserStore

user_app = typer.Typer(help="Users, roles and API tokens.", no_args_is_help=True)

ROLE_HELP = (
    "viewer, planner, depot_operator, lab_analyst, refinery_operator, compliance_officer, "
    "vault_keeper or admin (docs/users-and-roles.md)."
)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _store(db: str | None) -> UserStore:
    from nafolo.auth.users import UserStore
    from nafolo.store import create_engine, current_revision

    engine = create_engine(db)
    if current_revision(engine) is None:
        typer.echo("the store has no schema yet: run `nafolo db upgrade` first", err=True)
        raise typer.Exit(2)
    return UserStore(engine)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("Password", hide_input=True)
    second = typer.prompt("Password (again)", hide_input=True)
    if first != second:
        raise _fail("the two passwords differ; nothing was created")
    return str(first)


@user_app.command("create")
def create_command(
    username: Annotated[str, typer.Argument(help="Letters, digits, '.', '_' or '-'.")],
    role: Annotated[str, typer.Option("--role", help=ROLE_HELP)],
    full_name: Annotated[str, typer.Option("--full-name", help="Shown on the pages.")] = "",
    language: Annotated[str, typer.Option("--language", help="fr or en.")] = "fr",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Create a user; the password is asked twice (or read from standard input)."""
    from nafolo.auth.roles import Role
    from nafolo.auth.users import UserError, check_role

    try:
        checked = check_role(role)
    except UserError as error:
        raise _fail(str(error)) from None
    store = _store(db)
    password = _password(password_stdin)
    try:
        user = store.create_user(
            username,
            password,
            Role(checked),
            full_name=full_name,
            language=language,
            actor=_actor(),
        )
    except UserError as error:
        raise _fail(f"{error}; nothing was created") from None
    finally:
        store.engine.dispose()
    typer.echo(f"created {user.username} ({user.role.value})")


@user_app.command("list")
def list_command(db: DbOption = None) -> None:
    """List users: username, role, language, active, full name."""
    store = _store(db)
    try:
        users = store.list_users()
    finally:
        store.engine.dispose()
    if not users:
        typer.echo("no users yet: `nafolo user create NAME --role admin` creates the first")
        return
    width = max(len(u.username) for u in users)
    for user in users:
        state = "active" if user.active else "inactive"
        typer.echo(
            f"{user.username:<{width}}  {user.role.value:<18}  {user.language}  {state:<8}  "
            f"{user.full_name}".rstrip()
        )


@user_app.command("set-role")
def set_role_command(
    username: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Option("--role", help=ROLE_HELP)],
    db: DbOption = None,
) -> None:
    """Change a user's role (effective on their next request)."""
    from nafolo.auth.users import UserError, check_role

    store = _store(db)
    try:
        user = store.set_role(username, check_role(role), actor=_actor())
    except UserError as error:
        raise _fail(str(error)) from None
    finally:
        store.engine.dispose()
    typer.echo(f"{user.username} is now {user.role.value}")


@user_app.command("set-active")
def set_active_command(
    username: Annotated[str, typer.Argument()],
    active: Annotated[bool, typer.Option("--active/--inactive", help="Allow or stop sign-in.")],
    db: DbOption = None,
) -> None:
    """Deactivate (or reactivate) a user: their sessions and tokens stop working at once."""
    from nafolo.auth.users import UserError

    store = _store(db)
    try:
        user = store.set_active(username, active, actor=_actor())
    except UserError as error:
        raise _fail(str(error)) from None
    finally:
        store.engine.dispose()
    typer.echo(f"{user.username} is now {'active' if user.active else 'inactive'}")


@user_app.command("token")
def token_command(
    username: Annotated[str, typer.Argument()],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")],
    expires_days: Annotated[
        int | None, typer.Option("--expires-days", min=1, max=3660, help="Default: never.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Issue an API token for USERNAME; it is printed once and cannot be shown again."""
    from nafolo.auth.users import UserError

    store = _store(db)
    try:
        user = store.by_username(username)
        if user is None:
            raise _fail(f"no user {username!r}")
        token = store.create_token(user.id, name, expires_days=expires_days, actor=_actor())
    except UserError as error:
        raise _fail(str(error)) from None
    finally:
        store.engine.dispose()
    typer.echo(token)
    typer.echo(
        "Keep it secret: send it as `Authorization: Bearer <token>`. It is not shown again.",
        err=True,
    )
