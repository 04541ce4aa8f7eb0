"""Nafolo's store: engines for SQLite and PostgreSQL, the tables, and Alembic migrations."""

from nafolo.store.engine import WRITE_LOCK_OPTION, create_engine, database_url, sqlite_file
from nafolo.store.migrate import current_revision, upgrade
from nafolo.store.tables import (
    ACCOUNT_KINDS,
    DOMAINS,
    accounts,
    commodities,
    ledger_balances,
    ledger_entries,
    ledger_head,
    metadata,
)

__all__ = [
    "ACCOUNT_KINDS",
    "DOMAINS",
    "WRITE_LOCK_OPTION",
    "accounts",
    "commodities",
    "create_engine",
    "current_revision",
    "database_url",
    "ledger_balances",
    "ledger_entries",
    "ledger_head",
    "metadata",
    "sqlite_file",
    "upgrade",
]
