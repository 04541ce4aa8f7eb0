"""The store's tables for users, sessions, API tokens and the security audit log (Core).

Usernames are unique whatever their case: `username_key` holds the case-folded name under a
unique index, on SQLite and PostgreSQL alike. Passwords are kept only as argon2id hashes, API
tokens and session ids only as SHA-256 digests. `auth_events` is insert-only (triggers refuse
UPDATE and DELETE on both engines). Timestamps are fixed-width UTC text, as in the ledger.
Migration: nafolo/store/migrations/versions/auth_0001_users.py.
"""

from __future__ import annotations

import sqlalchemy as sa

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
LANGUAGES = ("fr", "en")
TIMESTAMP_WIDTH = 27


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


metadata = sa.MetaData()

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("username_key", sa.String(64), nullable=False, unique=True),
    sa.Column("full_name", sa.String(200), nullable=False, server_default=""),
    sa.Column("role", sa.String(24), nullable=False),
    sa.Column("language", sa.String(2), nullable=False, server_default="fr"),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", sa.String(TIMESTAMP_WIDTH), nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.CheckConstraint(_in("role", ROLES), name="ck_users_role"),
    sa.CheckConstraint(_in("language", LANGUAGES), name="ck_users_language"),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("prefix", sa.String(16), nullable=False),
    sa.Column("created_at", sa.String(TIMESTAMP_WIDTH), nullable=False),
    sa.Column("expires_at", sa.String(TIMESTAMP_WIDTH), nullable=True),
    sa.Column("revoked_at", sa.String(TIMESTAMP_WIDTH), nullable=True),
    sa.Index("ix_api_tokens_user_id", "user_id"),
)

auth_sessions = sa.Table(
    "auth_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("created_at", sa.String(TIMESTAMP_WIDTH), nullable=False),
    sa.Column("expires_at", sa.String(TIMESTAMP_WIDTH), nullable=False),
    sa.Column("revoked_at", sa.String(TIMESTAMP_WIDTH), nullable=True),
    sa.Index("ix_auth_sessions_user_id", "user_id"),
)

auth_events = sa.Table(
    "auth_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(TIMESTAMP_WIDTH), nullable=False),
    sa.Column("event", sa.String(32), nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("subject", sa.String(100), nullable=False, server_default=""),
    sa.Column("ip", sa.String(64), nullable=False, server_default=""),
    sa.Column("detail", sa.String(300), nullable=False, server_default=""),
    sa.Index("ix_auth_events_at", "at"),
)
