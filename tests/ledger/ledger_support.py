"""Ledger test support: a small fuel and gold network on a fresh store, drafts, raw tampering."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from nafolo.ledger import EntryDraft, Ledger

JUNE_1 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
FUEL_ACCOUNTS = {
    "SUPPLIER:CONTRACT": "supplier",
    "PORT:DAKAR": "port",
    "TRANSIT:DAKAR-BAMAKO": "transit",
    "DEPOT:BAMAKO-SENOU": "depot",
    "DEPOT:KAYES": "depot",
    "REGION:BAMAKO": "region",
    "LOSS:TRANSIT": "loss",
    "GAIN:DIP": "gain",
}
GOLD_ACCOUNTS = {"DEPOSITOR:COOP-SADIOLA": "depositor", "VAULT:REFINERY": "vault"}

Draft = Callable[..., EntryDraft]
Tamper = Callable[[str, dict[str, Any]], None]


def setup_network(ledger: Ledger) -> None:
    """Gasoil and gold, with the accounts above."""
    ledger.ensure_commodity("GO", "fuel", "t", 3)
    ledger.ensure_commodity("XAU", "gold", "ozt", 3)
    for code, kind in FUEL_ACCOUNTS.items():
        ledger.ensure_account(code, kind, "fuel", code.split(":", 1)[1].title())
    for code, kind in GOLD_ACCOUNTS.items():
        ledger.ensure_account(code, kind, "gold", code.split(":", 1)[1].title())


@pytest.fixture
def ledger(engine: Engine) -> Ledger:
    """A ledger on a fresh store with the small network defined."""
    ledger = Ledger(engine)
    setup_network(ledger)
    return ledger


@pytest.fixture
def draft() -> Draft:
    """Drafts of gasoil movements; defaults lift 30.125 t at Dakar, override any field."""

    def make(**fields: Any) -> EntryDraft:
        values: dict[str, Any] = {
            "commodity": "GO",
            "quantity": Decimal("30.125"),
            "from_account": "SUPPLIER:CONTRACT",
            "to_account": "PORT:DAKAR",
            "kind": "lifting",
            "effective_at": JUNE_1,
            "actor": "operator.dakar",
        }
        values.update(fields)
        return EntryDraft(**values)

    return make


DISABLE = {
    "sqlite": (
        "DROP TRIGGER IF EXISTS ledger_entries_no_update",
        "DROP TRIGGER IF EXISTS ledger_entries_no_delete",
        "DROP TRIGGER IF EXISTS ledger_head_forward_only",
    ),
    "postgresql": (
        "ALTER TABLE ledger_entries DISABLE TRIGGER USER",
        "ALTER TABLE ledger_head DISABLE TRIGGER USER",
    ),
}


@pytest.fixture
def tamper(engine: Engine) -> Tamper:
    """Run raw SQL on the store as an intruder would: triggers dropped first."""

    def run(sql: str, params: dict[str, Any]) -> None:
        with engine.begin() as connection:
            for statement in DISABLE[engine.dialect.name]:
                connection.exec_driver_sql(statement)
            connection.exec_driver_sql(sql, params)

    return run
