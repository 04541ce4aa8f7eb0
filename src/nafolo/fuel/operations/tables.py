"""The one table fuel operations keep beside the ledger: convoy events that move no product.

Departures, escorts, delays, attacks and arrivals carry no quantity, so they cannot be ledger
entries; a lost truck's load is (see `convoys.truck_lost_entries`). Rows are only ever inserted.
Migration: nafolo/store/migrations/versions/fuel_0001_convoy_events.py.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

convoy_events = sa.Table(
    "fuel_convoy_events",
    metadata,
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
    sa.Index("ix_fuel_convoy_events_convoy", "convoy"),
)
