"""Users, web sessions, API tokens and the insert-only security audit log (`auth_events`).

Revision ID: auth_0001
Revises: fuel_0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "auth_0001"
down_revision = "fuel_0001"
branch_labels = ("auth",)
depends_on = None

ROLES = (
    "viewer",
    "planner",
    "depot_operator",
    "lab_analyst",
    "refinery_operator",
    "compliance_officer",
    "vault_keeper",
    "admin",
)

SQLITE_TRIGGERS = (
    """CREATE TRIGGER auth_events_no_update BEFORE UPDATE ON auth_events
       BEGIN SELECT RAISE(ABORT, 'auth_events is insert-only: UPDATE refused'); END""",
    """CREATE TRIGGER auth_events_no_delete BEFORE DELETE ON auth_events
       BEGIN SELECT RAISE(ABORT, 'auth_events is insert-only: DELETE refused'); END""",
)
POSTGRES_TRIGGERS = (
    """CREATE FUNCTION nafolo_auth_events_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'auth_events is insert-only: % refused', TG_OP;
       END $$""",
    """CREATE TRIGGER auth_events_insert_only BEFORE UPDATE OR DELETE ON auth_events
       FOR EACH ROW EXECUTE FUNCTION nafolo_auth_events_refuse()""",
)


def upgrade() -> None:
    roles = ", ".join(repr(r) for r in ROLES)
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("username_key", sa.String(64), nullable=False, unique=True),
        sa.Column("full_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("role", sa.String(24), nullable=False),
        sa.Column("language", sa.String(2), nullable=False, server_default="fr"),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", sa.String(27), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.CheckConstraint(f"role IN ({roles})", name="ck_users_role"),
        sa.CheckConstraint("language IN ('fr', 'en')", name="ck_users_language"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_at", sa.String(27), nullable=False),
        sa.Column("expires_at", sa.String(27), nullable=True),
        sa.Column("revoked_at", sa.String(27), nullable=True),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "auth_sessions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.String(27), nullable=False),
        sa.Column("expires_at", sa.String(27), nullable=False),
        sa.Column("revoked_at", sa.String(27), nullable=True),
    )
    op.create_index("ix_auth_sessions_user_id", "auth_sessions", ["user_id"])
    op.create_table(
        "auth_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(27), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("subject", sa.String(100), nullable=False, server_default=""),
        sa.Column("ip", sa.String(64), nullable=False, server_default=""),
        sa.Column("detail", sa.String(300), nullable=False, server_default=""),
    )
    op.create_index("ix_auth_events_at", "auth_events", ["at"])
    postgres = op.get_context().dialect.name == "postgresql"
    for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS nafolo_auth_events_refuse() CASCADE")
    op.drop_table("auth_events")
    op.drop_table("auth_sessions")
    op.drop_table("api_tokens")
    op.drop_table("users")
