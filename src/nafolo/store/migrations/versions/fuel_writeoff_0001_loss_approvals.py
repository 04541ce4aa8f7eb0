"""Fuel: approvals of transit-loss write-offs (separation of duties), insert-only.

Revision ID: fuel_writeoff_0001
Revises: fuel_0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "fuel_writeoff_0001"
down_revision = "fuel_0001"
branch_labels = ("fuel_writeoff",)
depends_on = None

SQLITE_TRIGGERS = (
    """CREATE TRIGGER fuel_loss_approvals_no_update BEFORE UPDATE ON fuel_loss_approvals
       BEGIN SELECT RAISE(ABORT, 'fuel_loss_approvals is insert-only: UPDATE refused'); END""",
    """CREATE TRIGGER fuel_loss_approvals_no_delete BEFORE DELETE ON fuel_loss_approvals
       BEGIN SELECT RAISE(ABORT, 'fuel_loss_approvals is insert-only: DELETE refused'); END""",
)
POSTGRES_TRIGGERS = (
    """CREATE FUNCTION nafolo_fuel_loss_approvals_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'fuel_loss_approvals is insert-only: % refused', TG_OP;
       END $$""",
    """CREATE TRIGGER fuel_loss_approvals_insert_only BEFORE UPDATE OR DELETE
       ON fuel_loss_approvals FOR EACH ROW EXECUTE FUNCTION nafolo_fuel_loss_approvals_refuse()""",
)


def upgrade() -> None:
    op.create_table(
        "fuel_loss_approvals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document_ref", sa.String(200), nullable=False, unique=True),
        sa.Column("approved_at", sa.String(27), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("loss_t", sa.String(40), nullable=False),
        sa.Column("note", sa.String(500), nullable=False, server_default=""),
    )
    postgres = op.get_context().dialect.name == "postgresql"
    for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS nafolo_fuel_loss_approvals_refuse() CASCADE")
    op.drop_table("fuel_loss_approvals")
