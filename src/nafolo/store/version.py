"""A cheap token that changes whenever anything is committed to the store.

Read models computed from the store can be kept while the token is unchanged (see
`nafolo.api.cache`). Read the token *before* computing: a commit during the computation then
makes the kept result stale at the next read, never wrong.

- SQLite (a file): `PRAGMA data_version` on a connection of its own that never writes; it
  changes when any other connection, of this process or another, commits.
- PostgreSQL: the current snapshot (`xmin:xmax:in-progress xids`), which changes when a
  transaction anywhere in the cluster starts writing or ends having written. Conservative: a
  write to another database also counts.
- Anything else (an in-memory SQLite database, whose one connection is also the writer's):
  no token, so nothing is kept.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Protocol
from urllib.parse import quote

from sqlalchemy import text
from sqlalchemy.engine import Engine

VersionToken = str | int
"""Compared for equality only."""


class VersionSource(Protocol):
    """Anything telling the store's current version token (None: unknown)."""

    def current(self) -> VersionToken | None: ...


class StoreVersion:
    """`current()`: the store's version token, or None when it cannot be known cheaply."""

    def __init__(self, engine: Engine) -> None:
        self._read: Callable[[], VersionToken | None] = _unknown
        backend = engine.dialect.name
        database = engine.url.database or ""
        if (
            backend == "sqlite"
            and database
            and database != ":memory:"
            and "mode=memory" not in database
        ):
            self._read = _SqliteDataVersion(database).read
        elif backend == "postgresql":
            self._read = _PostgresSnapshot(engine).read

    def current(self) -> VersionToken | None:
        return self._read()


def _unknown() -> None:
    return None


class _SqliteDataVersion:
    def __init__(self, database: str) -> None:
        uri = database if database.startswith("file:") else f"file:{quote(database)}"
        self._uri = uri
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def read(self) -> int | None:
        with self._lock:
            try:
                if self._connection is None:
                    self._connection = sqlite3.connect(
                        self._uri, uri=True, check_same_thread=False, isolation_level=None
                    )
                return int(self._connection.execute("PRAGMA data_version").fetchone()[0])
            except sqlite3.Error:
                self._connection = None
                return None


class _PostgresSnapshot:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def read(self) -> str | None:
        with self._engine.connect() as connection:
            return str(connection.execute(text("SELECT pg_current_snapshot()::text")).scalar_one())
