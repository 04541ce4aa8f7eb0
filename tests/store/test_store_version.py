"""The store's version token: changes with every commit, from this process or another."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from nafolo.store import create_engine
from nafolo.store.version import StoreVersion


def test_an_in_memory_store_has_no_version() -> None:
    assert StoreVersion(create_engine("sqlite://")).current() is None


def test_the_version_is_steady_without_writes(make_store: Callable[[], str]) -> None:
    version = StoreVersion(create_engine(make_store()))
    assert version.current() == version.current() is not None


def test_a_commit_changes_the_version(make_store: Callable[[], str]) -> None:
    engine = create_engine(make_store())
    version = StoreVersion(engine)
    before = version.current()
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO commodities (code, domain, unit, scale) VALUES ('X', 'fuel', 't', 3)"
            )
        )
    assert version.current() != before


def test_a_commit_by_another_program_changes_the_sqlite_version(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    version = StoreVersion(create_engine(f"sqlite:///{path}"))
    before = version.current()
    other = sqlite3.connect(path)
    other.execute("INSERT INTO t VALUES (1)")
    other.commit()
    assert version.current() != before
