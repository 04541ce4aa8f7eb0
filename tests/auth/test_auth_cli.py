"""`nafolo user …`: create, list, set-role, set-active, token."""

from __future__ import annotations

import pytest
from auth_support import PASSWORD
from typer.testing import CliRunner

from nafolo.auth.roles import Role
from nafolo.auth.users import AuthEvent, UserStore
from nafolo.cli.main import app as cli
from nafolo.store import create_engine

runner = CliRunner()


def _run(*args: str, password: str | None = None) -> tuple[int, str]:
    result = runner.invoke(cli, list(args), input=password)
    return result.exit_code, result.output


@pytest.fixture
def users(store_url: str) -> UserStore:
    return UserStore(create_engine(store_url))


def test_the_first_admin_is_created_from_standard_input(store_url: str, users: UserStore) -> None:
    code, output = _run(
        "user", "create", "Fanta", "--role", "admin", "--full-name", "Fanta Keita",
        "--password-stdin", "--db", store_url, password=PASSWORD + "\n",
    )  # fmt: skip
    assert (code, output.strip()) == (0, "created Fanta (admin)")
    user = users.authenticate("fanta", PASSWORD)
    assert user is not None and (user.role, user.full_name) == (Role.ADMIN, "Fanta Keita")
    [event] = users.events(event=AuthEvent.USER_CREATED)
    assert event.actor.startswith("cli")


def test_the_prompted_password_must_be_typed_twice_alike(store_url: str, users: UserStore) -> None:
    code, output = _run(
        "user", "create", "awa", "--role", "viewer", "--db", store_url,
        password=f"{PASSWORD}\n{PASSWORD}x\n",
    )  # fmt: skip
    assert code == 1 and "differ" in output
    assert users.list_users() == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("awa", "--role", "boss"), "not a role"),
        (("a b", "--role", "viewer"), "not a valid username"),
    ],
)
def test_a_bad_user_is_refused_with_the_reason(
    store_url: str, users: UserStore, args: tuple[str, ...], message: str
) -> None:
    code, output = _run(
        "user", "create", *args, "--password-stdin", "--db", store_url, password=PASSWORD + "\n"
    )
    assert code == 1 and message in output
    assert users.list_users() == []


def test_a_weak_password_is_refused(store_url: str) -> None:
    code, output = _run(
        "user", "create", "awa", "--role", "viewer", "--password-stdin", "--db", store_url,
        password="short\n",
    )  # fmt: skip
    assert code == 1 and "at least 12 characters" in output


def test_list_set_role_and_deactivate(store_url: str, users: UserStore) -> None:
    users.create_user("awa", PASSWORD, Role.VIEWER, full_name="Awa Traoré")
    assert _run("user", "set-role", "AWA", "--role", "lab_analyst", "--db", store_url) == (
        0,
        "awa is now lab_analyst\n",
    )
    assert _run("user", "set-active", "awa", "--inactive", "--db", store_url)[0] == 0
    code, output = _run("user", "list", "--db", store_url)
    assert code == 0
    assert output.split() == ["awa", "lab_analyst", "fr", "inactive", "Awa", "Traoré"]


def test_a_token_is_printed_once_and_works(store_url: str, users: UserStore) -> None:
    user = users.create_user("awa", PASSWORD, Role.PLANNER)
    result = runner.invoke(cli, ["user", "token", "awa", "--name", "cron", "--db", store_url])
    assert result.exit_code == 0
    token = result.stdout.strip()
    assert users.user_for_token(token) == user
    assert [t.name for t in users.tokens(user.id)] == ["cron"]


def test_a_token_for_an_unknown_user_is_refused(store_url: str) -> None:
    code, output = _run("user", "token", "nobody", "--name", "cron", "--db", store_url)
    assert code == 1 and "no user 'nobody'" in output


def test_the_cli_refuses_a_store_without_schema(tmp_path: object) -> None:
    code, output = _run("user", "list", "--db", f"sqlite:///{tmp_path}/empty.sqlite")
    assert code == 2 and "nafolo db upgrade" in output
