"""A small demo built once per engine for the tests/demo files (imported, not a conftest)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import Engine

from nafolo.store import create_engine

POSTGRES_URL = os.environ.get("NAFOLO_TEST_POSTGRES_URL")
SMALL_WEEKS = 2


@contextmanager
def empty_store(kind: str, folder: Path) -> Iterator[Engine]:
    """An engine on an empty database (no schema) on SQLite or, for 'postgresql', in a fresh
    schema of NAFOLO_TEST_POSTGRES_URL dropped afterwards."""
    if kind == "sqlite":
        engine = create_engine(f"sqlite:///{folder / f'demo-{uuid.uuid4().hex[:8]}.sqlite'}")
        try:
            yield engine
        finally:
            engine.dispose()
        return
    assert POSTGRES_URL is not None
    admin = create_engine(POSTGRES_URL)
    schema = f"demo_{uuid.uuid4().hex[:10]}"
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in POSTGRES_URL else "?"
    engine = create_engine(f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.dispose()
