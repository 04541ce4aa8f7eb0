"""Web fixtures: the app (API + dashboard) over a store holding the example operations, with
sign-in disabled (`client`: the local workstation user) or enabled (`signed_in`: a user who signed
in through the login form), on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_support import PASSWORD, SECRET, copy_sqlite, fast_hasher, fill_with_example, sign_in

from nafolo.api import create_app
from nafolo.auth.roles import Role
from nafolo.auth.users import UserStore
from nafolo.fuel.network.io import load_network
from nafolo.fuel.network.model import Network
from nafolo.settings import Settings
from nafolo.store import create_engine

POSTGRES_URL = os.environ.get("NAFOLO_TEST_POSTGRES_URL")


@pytest.fixture(scope="session")
def example_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite store holding the example operations, built once per session."""
    path = tmp_path_factory.mktemp("web-template") / "example.sqlite"
    fill_with_example(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def mali() -> Network:
    return load_network()


@pytest.fixture(scope="session")
def example_postgres() -> Iterator[str]:
    """A PostgreSQL schema holding the example operations, filled once per session (importing
    them takes long there): the web tests share it, writing only documents of their own."""
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests skipped: NAFOLO_TEST_POSTGRES_URL is not set")
    schema = f"test_web_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    try:
        fill_with_example(url)
        yield url
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.dispose()


@pytest.fixture
def web_store(engine_kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store with the example operations: a fresh copy of the template on SQLite, the
    session's shared schema on PostgreSQL."""
    if engine_kind == "sqlite":
        return copy_sqlite(request.getfixturevalue("example_sqlite"), tmp_path)
    return str(request.getfixturevalue("example_postgres"))


AppFactory = Callable[..., FastAPI]


@pytest.fixture
def make_app(web_store: str, tmp_path: Path, mali: Network) -> Iterator[AppFactory]:
    """`make_app(auth_enabled=...)`: the app over the example store, data in tmp_path."""
    apps: list[FastAPI] = []

    def make(*, auth_enabled: bool = False) -> FastAPI:
        settings = Settings(
            database_url=web_store,
            data_dir=tmp_path / "data",
            auth_enabled=auth_enabled,
            secret_key=SECRET,  # type: ignore[arg-type]
        )
        app = create_app(settings, network=mali)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.state.nafolo_jobs.shutdown()
        app.state.nafolo.engine.dispose()


@pytest.fixture
def client(make_app: AppFactory) -> Iterator[TestClient]:
    """The dashboard with sign-in disabled (a single-user workstation)."""
    with TestClient(make_app(auth_enabled=False)) as client:
        yield client


RoleClient = Callable[..., TestClient]


@pytest.fixture
def signed_in_as(make_app: AppFactory) -> RoleClient:
    """`signed_in_as(role, language="fr")`: a browser signed in as a new user with that role."""
    app = make_app(auth_enabled=True)
    clients: list[TestClient] = []
    users = UserStore(app.state.nafolo.engine, hasher=fast_hasher())

    def make(role: Role = Role.ADMIN, language: str = "fr") -> TestClient:
        username = f"{role.value}.{uuid.uuid4().hex[:8]}"
        users.create_user(username, PASSWORD, role, full_name="Awa Diarra", language=language)
        client = TestClient(app)
        clients.append(client)
        sign_in(client, username)
        return client

    return make


@pytest.fixture
def signed_in(signed_in_as: RoleClient) -> TestClient:
    """A browser signed in as an administrator whose language setting is French."""
    return signed_in_as(Role.ADMIN)
