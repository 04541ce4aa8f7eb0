"""Engines for the store: SQLite (WAL, foreign keys, durable commits) or PostgreSQL (psycopg 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url

from nafolo.settings import Settings

SQLITE_BUSY_TIMEOUT_MS = 60_000
WRITE_LOCK_OPTION = "nafolo_write_lock"
"""Execution option: on SQLite, a transaction begun with it set to True takes the write lock at
BEGIN (BEGIN IMMEDIATE), so that read-then-write transactions cannot deadlock or interleave."""


def database_url(url: str | URL | None = None) -> URL:
    """The store's URL: `url` if given, else the settings' one; `postgresql://` means psycopg 3."""
    parsed = make_url(url if url is not None else Settings().database_url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_engine(url: str | URL | None = None, **kwargs: Any) -> Engine:
    """An engine for the store at `url` (default: the settings' URL), configured for the ledger.

    SQLite: the file's folder is created; WAL journal, foreign keys on, a busy timeout so that
    concurrent writers wait instead of failing, `synchronous=FULL` so that a committed batch
    survives a power cut, and explicit transaction control (see `WRITE_LOCK_OPTION`).
    """
    parsed = database_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, **kwargs)
    return sa.create_engine(parsed, **kwargs)


def _sqlite_engine(url: URL, **kwargs: Any) -> Engine:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _begin)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(WRITE_LOCK_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def sqlite_file(engine: Engine) -> str | None:
    """The database file of a SQLite engine (the path sqlite3 itself opens); None for other
    engines, in-memory and URI databases, and a file that does not exist yet."""
    url = engine.url
    database = url.database or ""
    if engine.dialect.name != "sqlite" or url.query:
        return None
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return database if Path(database).is_file() else None
