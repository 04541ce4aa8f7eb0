"""The store: URLs, SQLite settings, migrations run from code."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from nafolo.settings import Settings
from nafolo.store import create_engine, current_revision, database_url, upgrade


def test_default_store_is_a_sqlite_file_in_the_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NAFOLO_DATABASE_URL", raising=False)
    monkeypatch.setenv("NAFOLO_DATA_DIR", "/srv/nafolo")
    assert Settings().database_url == "sqlite:////srv/nafolo/nafolo.sqlite"


def test_database_url_setting_overrides_the_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NAFOLO_DATABASE_URL", "postgresql://nafolo@db/nafolo")
    assert database_url().drivername == "postgresql+psycopg"


def test_sqlite_store_uses_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'new' / 'store.sqlite'}")
    with engine.connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        }
    engine.dispose()
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 60000,
                       "synchronous": 2}  # fmt: skip


def test_upgrade_is_repeatable_and_creates_the_ledger(engine: Engine) -> None:
    revision = current_revision(engine)
    assert revision is not None
    assert upgrade(engine) == revision
    with engine.connect() as connection:
        head = connection.exec_driver_sql("SELECT id, seq FROM ledger_head").all()
    assert head == [(1, 0)]


def test_empty_database_has_no_revision(tmp_path: Path) -> None:
    assert current_revision(f"sqlite:///{tmp_path / 'empty.sqlite'}") is None
