"""API fixtures: a TestClient over a fresh migrated store (SQLite, and PostgreSQL when configured),
the ledger behind it, and a small fuel chart seeded straight into the ledger.

Authentication: `client` acts as user "admin" (role admin, every permission) with a Bearer API
token; `client_as(role)` gives a client of a new user with that role (username
"<role>.<n>", or the one given) on the same app; `anonymous_client` sends no credentials;
`api_app` is the app behind them and `api_users` its user store (cheap argon2 parameters)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from fuel_payloads import DISPATCH, LIFTING, post
from sqlalchemy.engine import Engine

from nafolo.api import create_app
from nafolo.auth.roles import Role
from nafolo.auth.users import UserStore
from nafolo.fuel.network.io import load_network
from nafolo.fuel.operations import FuelOperations
from nafolo.ledger import EntryDraft, Ledger
from nafolo.settings import Settings
from nafolo.store import create_engine, upgrade

JUNE_1 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
CHART = {
    "SUPPLIER:SUPPLY-2026": "supplier",
    "PORT:DAKAR": "port",
    "DEPOT:BKO-SENOU": "depot",
    "DEPOT:KAYES": "depot",
    "REGION:BAMAKO": "region",
}


@pytest.fixture(scope="session")
def charted_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite store holding the Mali network's chart of accounts (no entries)."""
    path = tmp_path_factory.mktemp("template") / "charted.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine)
    FuelOperations(Ledger(engine), load_network()).ensure_chart()
    engine.dispose()
    return path


@pytest.fixture
def store_url(
    engine_kind: str, make_store: Callable[[], str], charted_sqlite: Path, tmp_path: Path
) -> str:
    """A fresh store: on SQLite a copy of `charted_sqlite` (one account at a time is slow to
    create with durable commits); on PostgreSQL an empty migrated schema."""
    if engine_kind != "sqlite":
        return make_store()
    path = tmp_path / "store.sqlite"
    shutil.copyfile(charted_sqlite, path)
    return f"sqlite:///{path}"


TEST_PASSWORD = "correct horse battery staple"
ClientAs = Callable[..., TestClient]


def _settings(url: str, folder: Path) -> Settings:
    return Settings(database_url=url, data_dir=folder, secret_key="test-secret-" + "k" * 32)


def _bearer(users: UserStore, username: str, role: Role) -> dict[str, str]:
    user = users.create_user(username, TEST_PASSWORD, role, actor="tests")
    return {"Authorization": f"Bearer {users.create_token(user.id, 'tests')}"}


def fast_user_store(app: FastAPI) -> UserStore:
    """The app's users, hashing passwords with cheap argon2 parameters (tests only)."""
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return UserStore(app.state.nafolo.engine, hasher=hasher)


@pytest.fixture
def api_app(store_url: str, tmp_path: Path) -> FastAPI:
    """The API app over a fresh, migrated, empty store (no user yet)."""
    return create_app(_settings(store_url, tmp_path))


@pytest.fixture
def api_users(api_app: FastAPI) -> UserStore:
    """The store's users (create more with `api_users.create_user(…)`)."""
    return fast_user_store(api_app)


@pytest.fixture
def client(api_app: FastAPI, api_users: UserStore) -> Iterator[TestClient]:
    """The API over a fresh, migrated, empty store, as user "admin" (role admin)."""
    headers = _bearer(api_users, "admin", Role.ADMIN)
    with TestClient(api_app, headers=headers) as client:
        yield client


@pytest.fixture
def client_as(api_app: FastAPI, api_users: UserStore) -> ClientAs:
    """`client_as(role, username=None)`: a client of a new user with `role` (same app)."""
    made: dict[str, int] = {}

    def make(role: str | Role, username: str | None = None) -> TestClient:
        checked = Role(role)
        made[checked.value] = made.get(checked.value, 0) + 1
        name = username or f"{checked.value}.{made[checked.value]}"
        return TestClient(api_app, headers=_bearer(api_users, name, checked))

    return make


@pytest.fixture
def anonymous_client(api_app: FastAPI) -> TestClient:
    """A client sending no credentials."""
    return TestClient(api_app)


Snapshot = tuple[int, list[tuple[str, str, Decimal]]]


@pytest.fixture
def stored(engine: Engine) -> Callable[[], Snapshot]:
    """What the store holds: chain head seq and every balance (a refusal must not change it)."""
    ledger = Ledger(engine)

    def snapshot() -> Snapshot:
        balances = [(b.account, b.commodity, b.quantity) for b in ledger.balances()]
        return ledger.head().seq, balances

    return snapshot


@pytest.fixture
def engine_ledger(engine: Engine) -> Ledger:
    """The ledger of the client's store, as it is."""
    return Ledger(engine)


@pytest.fixture
def offline_client(tmp_path: Path) -> Iterator[TestClient]:
    """The API over a fresh SQLite store, for routes that do not touch the store."""
    url = f"sqlite:///{tmp_path / 'offline.sqlite'}"
    upgrade(url)
    app = create_app(_settings(url, tmp_path))
    headers = _bearer(fast_user_store(app), "admin", Role.ADMIN)
    with TestClient(app, headers=headers) as client:
        yield client


@pytest.fixture
def ledger(engine: Engine) -> Ledger:
    """The ledger the client's store holds, with gasoil and a few fuel accounts defined."""
    ledger = Ledger(engine)
    ledger.ensure_commodity("GASOIL", "fuel", "t", 3)
    ledger.ensure_commodity("SUPER", "fuel", "t", 3)
    for code, kind in CHART.items():
        ledger.ensure_account(code, kind, "fuel", code.split(":", 1)[1])
    return ledger


Movement = Callable[..., EntryDraft]


def movement(
    quantity: str,
    from_account: str,
    to_account: str,
    kind: str,
    day: int,
    commodity: str = "GASOIL",
) -> EntryDraft:
    return EntryDraft(
        commodity=commodity,
        quantity=Decimal(quantity),
        from_account=from_account,
        to_account=to_account,
        kind=kind,
        effective_at=JUNE_1.replace(day=day),
        actor="operator.test",
        document_ref=f"DOC-{kind}-{day}",
    )


@pytest.fixture
def move() -> Movement:
    """`movement(quantity, from_account, to_account, kind, day, commodity="GASOIL")`: a draft."""
    return movement


@pytest.fixture
def five(ledger: Ledger) -> Ledger:
    """Five entries, June 1st to 5th: lifting 1000 t, two deliveries, a withdrawal, super."""
    ledger.append(
        [
            movement("1000.000", "SUPPLIER:SUPPLY-2026", "PORT:DAKAR", "lifting", 1),
            movement("400.250", "PORT:DAKAR", "DEPOT:BKO-SENOU", "receipt", 2),
            movement("300.000", "PORT:DAKAR", "DEPOT:KAYES", "receipt", 3),
            movement("120.125", "DEPOT:BKO-SENOU", "REGION:BAMAKO", "withdrawal", 4),
            movement("50.000", "SUPPLIER:SUPPLY-2026", "PORT:DAKAR", "lifting", 5, "SUPER"),
        ]
    )
    return ledger


@pytest.fixture
def dispatched(client: TestClient) -> dict[str, Any]:
    """1000 t lifted at Dakar on June 1st and a two-truck convoy dispatched to Bamako (Sénou)."""
    post(client, "liftings", LIFTING)
    return dict(post(client, "convoys", DISPATCH))
