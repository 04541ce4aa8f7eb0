"""The gold metal balance's tables: period balances (versions, sign-off) and stocktakes.

A balance row holds its inputs and results as canonical JSON and the SHA-256 of the two; once
its status is ``signed`` database triggers refuse any UPDATE or DELETE of it (SQLite and
PostgreSQL). Stocktakes are insert-only. Fine ounces are decimal text (exact on both engines).
Migration: nafolo/store/migrations/versions/metal_balance_0001_balances.py.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

balances = sa.Table(
    "gold_metal_balances",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("restates_id", sa.Integer, sa.ForeignKey("gold_metal_balances.id"), nullable=True),
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
        "status IN ('quarantine', 'signed', 'superseded')", name="ck_gold_metal_balances_status"
    ),
    sa.CheckConstraint("kind IN ('balance', 'restatement')", name="ck_gold_metal_balances_kind"),
)

stocktakes = sa.Table(
    "gold_stocktakes",
    metadata,
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
