"""Fuel operations: convoy events (departed, escorted, delayed, attacked, truck lost, arrived).

Insert-only: triggers refuse UPDATE and DELETE on both engines, as for the ledger.

Revision ID: fuel_0001
Revises: 0001_ledger
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "fuel_0001"
down_revision = "0001_ledger"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = (
    """CREATE TRIGGER fuel_convoy_events_no_update BEFORE UPDATE ON fuel_convoy_events
       BEGIN SELECT RAISE(ABORT, 'fuel_convoy_events is insert-only: UPDATE refused'); END""",
    """CREATE TRIGGER fuel_convoy_events_no_delete BEFORE DELETE ON fuel_convoy_events
       BEGIN SELECT RAISE(ABORT, 'fuel_convoy_events is insert-only: DELETE refused'); END""",
)
POSTGRES_TRIGGERS = (
    """CREATE FUNCTION nafolo_fuel_events_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'fuel_convoy_events is insert-only: % refused', TG_OP;
       END $$""",
    """CREATE TRIGGER fuel_convoy_events_insert_only BEFORE UPDATE OR DELETE ON fuel_convoy_events
       FOR EACH ROW EXECUTE FUNCTION nafolo_fuel_events_refuse()""",
)


def upgrade() -> None:
    op.create_table(
        "fuel_convoy_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("convoy", sa.String(32), nullable=False),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("at", sa.String(27), nullable=False),
        sa.Column("recorded_at", sa.String(27), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("document_ref", sa.String(80), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
        sa.Column("truck", sa.String(32), nullable=True),
        sa.Column("delay_days", sa.String(24), nullable=True),
        sa.Column("note", sa.String(200), nullable=False, server_default=""),
    )
    op.create_index("ix_fuel_convoy_events_convoy", "fuel_convoy_events", ["convoy"])
    postgres = op.get_context().dialect.name == "postgresql"
    for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS nafolo_fuel_events_refuse() CASCADE")
    op.drop_table("fuel_convoy_events")
