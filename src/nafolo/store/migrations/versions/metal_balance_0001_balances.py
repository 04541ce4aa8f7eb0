"""Gold metal balance: period balances with sign-off (signed rows frozen by triggers), stocktakes.

Revision ID: metal_balance_0001
Revises: fuel_0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "metal_balance_0001"
down_revision = "fuel_0001"
branch_labels = ("metal_balance",)
depends_on = None

SQLITE_TRIGGERS = (
    """CREATE TRIGGER gold_metal_balances_signed_no_update BEFORE UPDATE ON gold_metal_balances
       WHEN OLD.status = 'signed'
       BEGIN SELECT RAISE(ABORT, 'gold_metal_balances: a signed balance is frozen, UPDATE refused');
       END""",
    """CREATE TRIGGER gold_metal_balances_signed_no_delete BEFORE DELETE ON gold_metal_balances
       WHEN OLD.status = 'signed'
       BEGIN SELECT RAISE(ABORT, 'gold_metal_balances: a signed balance is frozen, DELETE refused');
       END""",
    """CREATE TRIGGER gold_stocktakes_no_update BEFORE UPDATE ON gold_stocktakes
       BEGIN SELECT RAISE(ABORT, 'gold_stocktakes is insert-only: UPDATE refused'); END""",
    """CREATE TRIGGER gold_stocktakes_no_delete BEFORE DELETE ON gold_stocktakes
       BEGIN SELECT RAISE(ABORT, 'gold_stocktakes is insert-only: DELETE refused'); END""",
)
POSTGRES_TRIGGERS = (
    """CREATE FUNCTION nafolo_metal_balance_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF OLD.status = 'signed' THEN
           RAISE EXCEPTION 'gold_metal_balances: a signed balance is frozen, % refused', TG_OP;
         END IF;
         IF TG_OP = 'DELETE' THEN
           RETURN OLD;
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE FUNCTION nafolo_metal_balance_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION '% is insert-only: % refused', TG_TABLE_NAME, TG_OP;
       END $$""",
    """CREATE TRIGGER gold_metal_balances_signed_frozen BEFORE UPDATE OR DELETE
       ON gold_metal_balances FOR EACH ROW EXECUTE FUNCTION nafolo_metal_balance_frozen()""",
    """CREATE TRIGGER gold_metal_balances_no_truncate BEFORE TRUNCATE ON gold_metal_balances
       FOR EACH STATEMENT EXECUTE FUNCTION nafolo_metal_balance_insert_only()""",
    """CREATE TRIGGER gold_stocktakes_insert_only BEFORE UPDATE OR DELETE
       ON gold_stocktakes FOR EACH ROW EXECUTE FUNCTION nafolo_metal_balance_insert_only()""",
)


def upgrade() -> None:
    op.create_table(
        "gold_metal_balances",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column(
            "restates_id", sa.Integer, sa.ForeignKey("gold_metal_balances.id"), nullable=True
        ),
        sa.Column("reason", sa.String(500), nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("inputs_json", sa.Text, nullable=False),
        sa.Column("results_json", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("prepared_by", sa.String(200), nullable=False),
        sa.Column("prepared_at", sa.String(27), nullable=False),
        sa.Column("signed_by", sa.String(200), nullable=True),
        sa.Column("signed_at", sa.String(27), nullable=True),
        sa.UniqueConstraint("period", "version", name="uq_gold_metal_balances_period_version"),
        sa.CheckConstraint(
            "status IN ('quarantine', 'signed', 'superseded')",
            name="ck_gold_metal_balances_status",
        ),
        sa.CheckConstraint(
            "kind IN ('balance', 'restatement')", name="ck_gold_metal_balances_kind"
        ),
    )
    op.create_table(
        "gold_stocktakes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("fine_oz", sa.String(40), nullable=False),
        sa.Column("sd_oz", sa.String(40), nullable=False),
        sa.Column("note", sa.String(500), nullable=False, server_default=""),
        sa.Column("recorded_at", sa.String(27), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.UniqueConstraint("period", "unit", name="uq_gold_stocktakes_period_unit"),
    )
    postgres = op.get_context().dialect.name == "postgresql"
    for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS nafolo_metal_balance_frozen() CASCADE")
        op.execute("DROP FUNCTION IF EXISTS nafolo_metal_balance_insert_only() CASCADE")
    op.drop_table("gold_stocktakes")
    op.drop_table("gold_metal_balances")
