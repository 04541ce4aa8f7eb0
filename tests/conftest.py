"""Shared store fixtures: a fresh, migrated store per test on SQLite and, when
NAFOLO_TEST_POSTGRES_URL is set, on PostgreSQL (each store in its own schema, dropped after)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from nafolo.store import create_engine, upgrade

POSTGRES_URL = os.environ.get("NAFOLO_TEST_POSTGRES_URL")
_SESSION = uuid.uuid4().hex[:8]

ENGINES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(
                not POSTGRES_URL,
                reason="PostgreSQL tests skipped: NAFOLO_TEST_POSTGRES_URL is not set",
            ),
        ],
    ),
]

StoreFactory = Callable[[], str]


@pytest.fixture(params=ENGINES)
def engine_kind(request: pytest.FixtureRequest) -> str:
    """Which engine the test runs on: 'sqlite' or 'postgresql'."""
    return str(request.param)


@pytest.fixture
def make_store(engine_kind: str, tmp_path: Path) -> Iterator[StoreFactory]:
    """A factory of fresh migrated stores (URLs) on the test's engine; all dropped afterwards."""
    schemas: list[str] = []
    admin = create_engine(POSTGRES_URL) if engine_kind == "postgresql" else None

    def make() -> str:
        if admin is None:
            url = f"sqlite:///{tmp_path / f'store-{uuid.uuid4().hex[:8]}.sqlite'}"
        else:
            assert POSTGRES_URL is not None
            schema = f"test_{_SESSION}_{uuid.uuid4().hex[:8]}"
            with admin.begin() as connection:
                connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
            schemas.append(schema)
            separator = "&" if "?" in POSTGRES_URL else "?"
            url = f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
        upgrade(url)
        return url

    yield make
    if admin is not None:
        with admin.begin() as connection:
            for schema in schemas:
                connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.dispose()


@pytest.fixture
def store_url(make_store: StoreFactory) -> str:
    """URL of a fresh, migrated, empty store."""
    return make_store()


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    """An engine on a fresh, migrated, empty store (SQLite, and PostgreSQL when configured)."""
    engine = create_engine(store_url)
    yield engine
    engine.dispose()
