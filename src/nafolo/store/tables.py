"""The store's tables (SQLAlchemy Core). Migrations in `migrations/versions/` create them.

Quantities are stored as integers of the commodity's smallest unit (`quantity_minor`, i.e.
quantity × 10^scale) so that sums are exact on every engine. Timestamps are stored as fixed-width
UTC text `YYYY-MM-DDTHH:MM:SS.ffffffZ`: exactly the bytes that are hashed, and ordered as text.
"""

from __future__ import annotations

import sqlalchemy as sa

DOMAINS = ("fuel", "gold")
ACCOUNT_KINDS = (
    "port",
    "depot",
    "transit",
    "region",
    "supplier",
    "depositor",
    "vault",
    "process",
    "loss",
    "gain",
    "external",
)
TIMESTAMP_WIDTH = 27
HASH_WIDTH = 64
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
"""64-bit on both engines; on SQLite exactly INTEGER: seq is the rowid, the journal in seq order."""


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


metadata = sa.MetaData()

commodities = sa.Table(
    "commodities",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("domain", sa.String(8), nullable=False),
    sa.Column("unit", sa.String(16), nullable=False),
    sa.Column("scale", sa.Integer, nullable=False),
    sa.CheckConstraint(_in("domain", DOMAINS), name="ck_commodities_domain"),
    sa.CheckConstraint("scale BETWEEN 0 AND 9", name="ck_commodities_scale"),
)

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("domain", sa.String(8), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.CheckConstraint(_in("kind", ACCOUNT_KINDS), name="ck_accounts_kind"),
    sa.CheckConstraint(_in("domain", DOMAINS), name="ck_accounts_domain"),
    sa.Index("ix_accounts_kind", "kind"),
)

ledger_entries = sa.Table(
    "ledger_entries",
    metadata,
    sa.Column("seq", SEQ, primary_key=True, autoincrement=False),
    sa.Column("entry_id", sa.String(36), nullable=False, unique=True),
    sa.Column("commodity", sa.String(16), sa.ForeignKey("commodities.code"), nullable=False),
    sa.Column("quantity_minor", sa.BigInteger, nullable=False),
    sa.Column("from_account", sa.String(64), sa.ForeignKey("accounts.code"), nullable=False),
    sa.Column("to_account", sa.String(64), sa.ForeignKey("accounts.code"), nullable=False),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("recorded_at", sa.String(TIMESTAMP_WIDTH), nullable=False),
    sa.Column("effective_at", sa.String(TIMESTAMP_WIDTH), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("document_ref", sa.String(200), nullable=True),
    sa.Column("idempotency_key", sa.String(200), nullable=True, unique=True),
    sa.Column("attributes", sa.Text, nullable=False),
    sa.Column("corrects", sa.BigInteger, sa.ForeignKey("ledger_entries.seq"), unique=True),
    sa.Column("prev_hash", sa.String(HASH_WIDTH), nullable=False),
    sa.Column("hash", sa.String(HASH_WIDTH), nullable=False),
    sa.CheckConstraint("quantity_minor > 0", name="ck_ledger_entries_quantity_positive"),
    sa.CheckConstraint("from_account <> to_account", name="ck_ledger_entries_distinct_accounts"),
    sa.Index("ix_ledger_entries_from_account", "from_account"),
    sa.Index("ix_ledger_entries_to_account", "to_account"),
    sa.Index("ix_ledger_entries_effective_at", "effective_at"),
)

ledger_head = sa.Table(
    "ledger_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("hash", sa.String(HASH_WIDTH), nullable=False),
    sa.CheckConstraint("id = 1", name="ck_ledger_head_single_row"),
)
"""The chain head (last seq and hash), one row: writers lock it; verify catches a dropped tail."""

ledger_balances = sa.Table(
    "ledger_balances",
    metadata,
    sa.Column("account", sa.String(64), sa.ForeignKey("accounts.code"), primary_key=True),
    sa.Column("commodity", sa.String(16), sa.ForeignKey("commodities.code"), primary_key=True),
    sa.Column("quantity_minor", sa.BigInteger, nullable=False),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
)
"""Projection of the journal: balance (in − out) per account and commodity, rebuilt by verify."""
