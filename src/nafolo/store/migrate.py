"""Run the store's Alembic migrations (shipped inside the package) from code."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import URL, Engine

from nafolo.store.engine import create_engine

SCRIPT_LOCATION = "nafolo.store:migrations"


def _config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["engine"] = engine
    return config


def _engine(target: str | URL | Engine | None) -> tuple[Engine, bool]:
    if isinstance(target, Engine):
        return target, False
    return create_engine(target), True


def upgrade(target: str | URL | Engine | None = None, revision: str = "heads") -> str | None:
    """Migrate the store at `target` (URL or engine; default: settings) to `revision`.

    Each domain keeps its own branch of migrations from the ledger's (fuel, gold, users…), so the
    default target is every branch's head. Returns the revision(s) the store is at afterwards.
    """
    engine, owned = _engine(target)
    try:
        command.upgrade(_config(engine), revision)
        return current_revision(engine)
    finally:
        if owned:
            engine.dispose()


def current_revision(target: str | URL | Engine | None = None) -> str | None:
    """The migration revision(s) the store is at, comma-separated, or None for an empty database."""
    engine, owned = _engine(target)
    try:
        with engine.connect() as connection:
            heads = MigrationContext.configure(connection).get_current_heads()
            return ",".join(sorted(heads)) or None
    finally:
        if owned:
            engine.dispose()
