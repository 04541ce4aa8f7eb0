"""Ledger: commodities, accounts, the hash-chained journal, its head and the balances projection.

Triggers make the journal append-only on both engines, keep commodities immutable, keep an
account's code, kind and domain fixed, and let the chain head only move forward.

Revision ID: 0001_ledger
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_ledger"
down_revision = None
branch_labels = None
depends_on = None

DOMAINS = "('fuel', 'gold')"
ACCOUNT_KINDS = (
    "('port', 'depot', 'transit', 'region', 'supplier', 'depositor', 'vault', 'process', "
    "'loss', 'gain', 'external')"
)
GENESIS_HASH = "0" * 64
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

SQLITE_TRIGGERS = (
    """CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
       BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
       BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only: DELETE refused'); END""",
    """CREATE TRIGGER commodities_no_update BEFORE UPDATE ON commodities
       BEGIN SELECT RAISE(ABORT, 'commodities are immutable: UPDATE refused'); END""",
    """CREATE TRIGGER commodities_no_delete BEFORE DELETE ON commodities
       BEGIN SELECT RAISE(ABORT, 'commodities are immutable: DELETE refused'); END""",
    """CREATE TRIGGER accounts_fixed_identity BEFORE UPDATE OF code, kind, domain ON accounts
       BEGIN SELECT RAISE(ABORT, 'an account''s code, kind and domain are fixed'); END""",
    """CREATE TRIGGER accounts_no_delete BEFORE DELETE ON accounts
       BEGIN SELECT RAISE(ABORT, 'accounts are permanent: DELETE refused'); END""",
    """CREATE TRIGGER ledger_head_forward_only BEFORE UPDATE ON ledger_head
       WHEN NEW.seq < OLD.seq OR NEW.id <> OLD.id
       BEGIN SELECT RAISE(ABORT, 'the ledger head only moves forward'); END""",
    """CREATE TRIGGER ledger_head_no_delete BEFORE DELETE ON ledger_head
       BEGIN SELECT RAISE(ABORT, 'the ledger head cannot be deleted'); END""",
)

POSTGRES_TRIGGERS = (
    """CREATE FUNCTION nafolo_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION '% is protected: % refused (%)', TG_TABLE_NAME, TG_OP, TG_ARGV[0];
       END $$""",
    """CREATE FUNCTION nafolo_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.seq < OLD.seq OR NEW.id <> OLD.id THEN
           RAISE EXCEPTION 'the ledger head only moves forward';
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
       FOR EACH ROW EXECUTE FUNCTION nafolo_refuse_change('append-only')""",
    """CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
       FOR EACH STATEMENT EXECUTE FUNCTION nafolo_refuse_change('append-only')""",
    """CREATE TRIGGER commodities_immutable BEFORE UPDATE OR DELETE ON commodities
       FOR EACH ROW EXECUTE FUNCTION nafolo_refuse_change('immutable')""",
    """CREATE TRIGGER accounts_fixed_identity BEFORE UPDATE OF code, kind, domain ON accounts
       FOR EACH ROW EXECUTE FUNCTION nafolo_refuse_change('fixed code, kind and domain')""",
    """CREATE TRIGGER accounts_no_delete BEFORE DELETE ON accounts
       FOR EACH ROW EXECUTE FUNCTION nafolo_refuse_change('permanent')""",
    """CREATE TRIGGER ledger_head_forward_only BEFORE UPDATE ON ledger_head
       FOR EACH ROW EXECUTE FUNCTION nafolo_head_forward_only()""",
    """CREATE TRIGGER ledger_head_no_delete BEFORE DELETE ON ledger_head
       FOR EACH ROW EXECUTE FUNCTION nafolo_refuse_change('single row')""",
    """CREATE TRIGGER ledger_head_no_truncate BEFORE TRUNCATE ON ledger_head
       FOR EACH STATEMENT EXECUTE FUNCTION nafolo_refuse_change('single row')""",
)


def upgrade() -> None:
    op.create_table(
        "commodities",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("domain", sa.String(8), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("scale", sa.Integer, nullable=False),
        sa.CheckConstraint(f"domain IN {DOMAINS}", name="ck_commodities_domain"),
        sa.CheckConstraint("scale BETWEEN 0 AND 9", name="ck_commodities_scale"),
    )
    op.create_table(
        "accounts",
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("domain", sa.String(8), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.CheckConstraint(f"kind IN {ACCOUNT_KINDS}", name="ck_accounts_kind"),
        sa.CheckConstraint(f"domain IN {DOMAINS}", name="ck_accounts_domain"),
    )
    op.create_index("ix_accounts_kind", "accounts", ["kind"])
    op.create_table(
        "ledger_entries",
        # On SQLite, an INTEGER primary key is the rowid: the journal is stored in seq order.
        sa.Column("seq", SEQ, primary_key=True, autoincrement=False),
        sa.Column("entry_id", sa.String(36), nullable=False, unique=True),
        sa.Column("commodity", sa.String(16), sa.ForeignKey("commodities.code"), nullable=False),
        sa.Column("quantity_minor", sa.BigInteger, nullable=False),
        sa.Column("from_account", sa.String(64), sa.ForeignKey("accounts.code"), nullable=False),
        sa.Column("to_account", sa.String(64), sa.ForeignKey("accounts.code"), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.String(27), nullable=False),
        sa.Column("effective_at", sa.String(27), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("document_ref", sa.String(200), nullable=True),
        sa.Column("idempotency_key", sa.String(200), nullable=True, unique=True),
        sa.Column("attributes", sa.Text, nullable=False),
        sa.Column("corrects", sa.BigInteger, sa.ForeignKey("ledger_entries.seq"), unique=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.CheckConstraint("quantity_minor > 0", name="ck_ledger_entries_quantity_positive"),
        sa.CheckConstraint(
            "from_account <> to_account", name="ck_ledger_entries_distinct_accounts"
        ),
    )
    op.create_index("ix_ledger_entries_from_account", "ledger_entries", ["from_account"])
    op.create_index("ix_ledger_entries_to_account", "ledger_entries", ["to_account"])
    op.create_index("ix_ledger_entries_effective_at", "ledger_entries", ["effective_at"])
    head = op.create_table(
        "ledger_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_ledger_head_single_row"),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": GENESIS_HASH}])
    op.create_table(
        "ledger_balances",
        sa.Column("account", sa.String(64), sa.ForeignKey("accounts.code"), primary_key=True),
        sa.Column("commodity", sa.String(16), sa.ForeignKey("commodities.code"), primary_key=True),
        sa.Column("quantity_minor", sa.BigInteger, nullable=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
    )
    triggers = SQLITE_TRIGGERS if op.get_context().dialect.name == "sqlite" else POSTGRES_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS nafolo_refuse_change() CASCADE")
        op.execute("DROP FUNCTION IF EXISTS nafolo_head_forward_only() CASCADE")
    for table in ("ledger_balances", "ledger_head", "ledger_entries", "accounts", "commodities"):
        op.drop_table(table)
