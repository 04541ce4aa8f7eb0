"""Gold refinery: depositors and due diligence, lots, assays, settlements, batches, bars, vault.

The table definitions are a frozen copy of nafolo/store/gold_tables.py as of this revision.
Assessments (decision history) and custody events are insert-only: triggers refuse UPDATE and
DELETE on both engines.

Revision ID: gold_0001
Revises: fuel_0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "gold_0001"
down_revision = "fuel_0001"
branch_labels = ("gold",)
depends_on = None

metadata = sa.MetaData()

ID = 64
TS = 27
DAY = 10
TEXT = 200
NUMBER = 40


def _id(name: str, **kwargs: object) -> sa.Column[str]:
    return sa.Column(name, sa.String(ID), **kwargs)  # type: ignore[arg-type]


def _stamp() -> tuple[sa.Column[str], sa.Column[str]]:
    return sa.Column("recorded_at", sa.String(TS), nullable=False), sa.Column(
        "actor", sa.String(TEXT), nullable=False
    )


depositors = sa.Table(
    "gold_depositors",
    metadata,
    _id("depositor_id", primary_key=True),
    sa.Column("name", sa.String(TEXT), nullable=False),
    sa.Column("depositor_type", sa.String(32), nullable=False),
    sa.Column("contract_json", sa.Text, nullable=False),
    *_stamp(),
)

owners = sa.Table(
    "gold_beneficial_owners",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _id("depositor_id", nullable=False),
    sa.Column("name", sa.String(TEXT), nullable=False),
    sa.Column("share_pct", sa.String(NUMBER), nullable=False),
    sa.Column("identity_verified", sa.Boolean, nullable=False),
    *_stamp(),
    sa.Index("ix_gold_beneficial_owners_depositor", "depositor_id"),
)

licences = sa.Table(
    "gold_licences",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _id("depositor_id", nullable=False),
    sa.Column("number", sa.String(TEXT), nullable=False),
    sa.Column("kind", sa.String(TEXT), nullable=False),
    sa.Column("valid_from", sa.String(DAY), nullable=False),
    sa.Column("expires_on", sa.String(DAY), nullable=False),
    *_stamp(),
    sa.Index("ix_gold_licences_depositor", "depositor_id"),
)

origins = sa.Table(
    "gold_origins",
    metadata,
    _id("origin_id", primary_key=True),
    _id("depositor_id", nullable=False),
    sa.Column("site", sa.String(TEXT), nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("region", sa.String(TEXT), nullable=False),
    sa.Column("latitude", sa.String(NUMBER), nullable=False),
    sa.Column("longitude", sa.String(NUMBER), nullable=False),
    sa.Column("scale", sa.String(40), nullable=False),
    sa.Column("licence_number", sa.String(TEXT), nullable=True),
    sa.Column("licence_kind", sa.String(TEXT), nullable=True),
    sa.Column("licence_valid_from", sa.String(DAY), nullable=True),
    sa.Column("licence_expires_on", sa.String(DAY), nullable=True),
    sa.Column("cahra", sa.Boolean, nullable=False),
    *_stamp(),
    sa.Index("ix_gold_origins_depositor", "depositor_id"),
)

documents = sa.Table(
    "gold_documents",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("owner_kind", sa.String(16), nullable=False),
    _id("owner_id", nullable=False),
    sa.Column("kind", sa.String(TEXT), nullable=False),
    sa.Column("filename", sa.String(TEXT), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size_bytes", sa.BigInteger, nullable=True),
    sa.Column("content", sa.LargeBinary, nullable=True),
    *_stamp(),
    sa.Index("ix_gold_documents_owner", "owner_kind", "owner_id"),
)

screening_hits = sa.Table(
    "gold_screening_hits",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _id("depositor_id", nullable=False),
    sa.Column("name", sa.String(TEXT), nullable=False),
    sa.Column("listed_name", sa.String(TEXT), nullable=False),
    sa.Column("list_name", sa.String(TEXT), nullable=False),
    sa.Column("list_kind", sa.String(40), nullable=False),
    sa.Column("confirmed", sa.Boolean, nullable=False),
    sa.Column("confirmed_by", sa.String(TEXT), nullable=True),
    *_stamp(),
    sa.Index("ix_gold_screening_hits_depositor", "depositor_id"),
)

assessments = sa.Table(
    "gold_assessments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _id("depositor_id", nullable=False),
    sa.Column("assessed_on", sa.String(DAY), nullable=False),
    sa.Column("decision", sa.String(40), nullable=False),
    sa.Column("rating", sa.String(16), nullable=False),
    sa.Column("red_flags", sa.Text, nullable=False),
    sa.Column("findings", sa.Text, nullable=False),
    sa.Column("reasons", sa.Text, nullable=False),
    sa.Column("next_review", sa.String(DAY), nullable=False),
    *_stamp(),
    sa.Index("ix_gold_assessments_depositor", "depositor_id"),
)
"""Decision history: insert-only (triggers refuse UPDATE and DELETE); the latest row stands."""

scale_calibrations = sa.Table(
    "gold_scale_calibrations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _id("scale_id", nullable=False),
    sa.Column("description", sa.String(TEXT), nullable=False),
    sa.Column("calibrated_on", sa.String(DAY), nullable=False),
    sa.Column("valid_until", sa.String(DAY), nullable=False),
    *_stamp(),
    sa.Index("ix_gold_scale_calibrations_scale", "scale_id"),
)

lots = sa.Table(
    "gold_lots",
    metadata,
    _id("lot_id", primary_key=True),
    _id("depositor_id", nullable=False),
    _id("origin_id", nullable=False),
    sa.Column("arrived_on", sa.String(DAY), nullable=False),
    sa.Column("declared_gross_g", sa.String(NUMBER), nullable=False),
    sa.Column("declared_au_per_mille", sa.String(NUMBER), nullable=False),
    sa.Column("declared_ag_per_mille", sa.String(NUMBER), nullable=False),
    sa.Column("seal_numbers", sa.Text, nullable=False),
    sa.Column("transport_documents", sa.Text, nullable=False),
    sa.Column("export_documents", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("admission_reasons", sa.Text, nullable=False),
    sa.Column("cahra", sa.Boolean, nullable=False),
    sa.Column("net_g", sa.String(NUMBER), nullable=True),
    sa.Column("settled_au_per_mille", sa.String(NUMBER), nullable=True),
    sa.Column("settled_ag_per_mille", sa.String(NUMBER), nullable=True),
    sa.Column("fine_au_moz", sa.BigInteger, nullable=True),
    sa.Column("fine_ag_moz", sa.BigInteger, nullable=True),
    *_stamp(),
    sa.Index("ix_gold_lots_depositor", "depositor_id"),
    sa.Index("ix_gold_lots_status", "status"),
)

weighings = sa.Table(
    "gold_weighings",
    metadata,
    _id("lot_id", primary_key=True),
    _id("scale_id", nullable=False),
    sa.Column("weighed_at", sa.String(TS), nullable=False),
    sa.Column("gross_g", sa.String(NUMBER), nullable=False),
    sa.Column("tare_g", sa.String(NUMBER), nullable=False),
    sa.Column("net_g", sa.String(NUMBER), nullable=False),
    sa.Column("declared_g", sa.String(NUMBER), nullable=False),
    sa.Column("variance_pct", sa.String(NUMBER), nullable=False),
    sa.Column("tolerance_pct", sa.String(NUMBER), nullable=False),
    sa.Column("above_tolerance", sa.Boolean, nullable=False),
    *_stamp(),
)

samples = sa.Table(
    "gold_samples",
    metadata,
    _id("sample_id", primary_key=True),
    _id("lot_id", nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("seal_number", sa.String(TEXT), nullable=False),
    *_stamp(),
    sa.UniqueConstraint("lot_id", "role", name="uq_gold_samples_lot_role"),
)

assays = sa.Table(
    "gold_assays",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _id("lot_id", nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    _id("sample_id", nullable=False),
    sa.Column("laboratory", sa.String(TEXT), nullable=False),
    sa.Column("method", sa.String(40), nullable=False),
    sa.Column("au_replicates", sa.Text, nullable=False),
    sa.Column("ag_replicates", sa.Text, nullable=False),
    sa.Column("au_per_mille", sa.String(NUMBER), nullable=False),
    sa.Column("ag_per_mille", sa.String(NUMBER), nullable=False),
    *_stamp(),
    sa.UniqueConstraint("lot_id", "role", name="uq_gold_assays_lot_role"),
)

exchanges = sa.Table(
    "gold_exchanges",
    metadata,
    _id("lot_id", primary_key=True),
    sa.Column("au_outcome", sa.Text, nullable=False),
    sa.Column("ag_outcome", sa.Text, nullable=False),
    *_stamp(),
)

settlements = sa.Table(
    "gold_settlements",
    metadata,
    _id("lot_id", primary_key=True),
    _id("depositor_id", nullable=False),
    _id("contract_id", nullable=False),
    sa.Column("statement", sa.Text, nullable=False),
    sa.Column("credited_au_moz", sa.BigInteger, nullable=False),
    sa.Column("credited_ag_moz", sa.BigInteger, nullable=False),
    *_stamp(),
    sa.Index("ix_gold_settlements_depositor", "depositor_id"),
)

sales = sa.Table(
    "gold_sales",
    metadata,
    _id("sale_id", primary_key=True),
    _id("depositor_id", nullable=False),
    sa.Column("fine_au_moz", sa.BigInteger, nullable=False),
    sa.Column("fine_ag_moz", sa.BigInteger, nullable=False),
    sa.Column("au_price_per_oz", sa.String(NUMBER), nullable=False),
    sa.Column("ag_price_per_oz", sa.String(NUMBER), nullable=False),
    sa.Column("au_proceeds", sa.String(NUMBER), nullable=False),
    sa.Column("ag_proceeds", sa.String(NUMBER), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("sold_at", sa.String(TS), nullable=False),
    *_stamp(),
    sa.Index("ix_gold_sales_depositor", "depositor_id"),
)

batches = sa.Table(
    "gold_batches",
    metadata,
    _id("batch_id", primary_key=True),
    sa.Column("planned_on", sa.String(DAY), nullable=False),
    sa.Column("route", sa.String(32), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("in_process_au_moz", sa.BigInteger, nullable=True),
    sa.Column("loss_au_moz", sa.BigInteger, nullable=True),
    sa.Column("closed_by", sa.String(TEXT), nullable=True),
    sa.Column("closed_at", sa.String(TS), nullable=True),
    sa.Column("note", sa.String(TEXT), nullable=False, server_default=""),
    *_stamp(),
    sa.Index("ix_gold_batches_planned_on", "planned_on"),
)

batch_inputs = sa.Table(
    "gold_batch_inputs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _id("batch_id", nullable=False),
    _id("lot_id", nullable=False),
    sa.Column("fine_au_moz", sa.BigInteger, nullable=False),
    sa.Column("fine_ag_moz", sa.BigInteger, nullable=False),
    sa.Index("ix_gold_batch_inputs_batch", "batch_id"),
    sa.Index("ix_gold_batch_inputs_lot", "lot_id"),
)

residues = sa.Table(
    "gold_residues",
    metadata,
    _id("residue_id", primary_key=True),
    _id("batch_id", nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("gross_g", sa.String(NUMBER), nullable=False),
    sa.Column("au_per_mille", sa.String(NUMBER), nullable=False),
    sa.Column("ag_per_mille", sa.String(NUMBER), nullable=False),
    sa.Column("fine_au_moz", sa.BigInteger, nullable=False),
    sa.Column("fine_ag_moz", sa.BigInteger, nullable=False),
    *_stamp(),
    sa.Index("ix_gold_residues_batch", "batch_id"),
)

vault_locations = sa.Table(
    "gold_vault_locations",
    metadata,
    _id("code", primary_key=True),
    sa.Column("name", sa.String(TEXT), nullable=False),
    *_stamp(),
)

bars = sa.Table(
    "gold_bars",
    metadata,
    sa.Column("bar_id", sa.String(120), primary_key=True),
    sa.Column("serial", sa.String(ID), nullable=False),
    sa.Column("serial_key", sa.String(ID), nullable=False),
    sa.Column("brand", sa.String(ID), nullable=False),
    sa.Column("brand_key", sa.String(ID), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("gross_oz", sa.String(NUMBER), nullable=False),
    sa.Column("fineness_per_mille", sa.String(NUMBER), nullable=False),
    sa.Column("fine_moz", sa.BigInteger, nullable=False),
    sa.Column("metal", sa.String(2), nullable=False),
    _id("batch_id", nullable=False),
    _id("location", nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("cast_at", sa.String(TS), nullable=False),
    *_stamp(),
    sa.UniqueConstraint("brand_key", "year", "serial_key", name="uq_gold_bars_brand_year_serial"),
    sa.Index("ix_gold_bars_batch", "batch_id"),
    sa.Index("ix_gold_bars_location", "location", "status"),
)
"""The bar register. `location` and `status` change as bars move and ship (history in moves)."""

bar_moves = sa.Table(
    "gold_bar_moves",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("bar_id", sa.String(120), nullable=False),
    sa.Column("from_location", sa.String(ID), nullable=True),
    sa.Column("to_location", sa.String(ID), nullable=False),
    sa.Column("at", sa.String(TS), nullable=False),
    sa.Column("ledger_seq", sa.BigInteger, nullable=True),
    *_stamp(),
    sa.Index("ix_gold_bar_moves_bar", "bar_id"),
)

shipments = sa.Table(
    "gold_shipments",
    metadata,
    _id("shipment_id", primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("consignee", sa.String(ID), nullable=False),
    sa.Column("depositor_id", sa.String(ID), nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("requested_at", sa.String(TS), nullable=False),
    sa.Column("approved_by", sa.String(TEXT), nullable=True),
    sa.Column("approved_at", sa.String(TS), nullable=True),
    *_stamp(),
)

shipment_bars = sa.Table(
    "gold_shipment_bars",
    metadata,
    sa.Column("shipment_id", sa.String(ID), primary_key=True),
    sa.Column("bar_id", sa.String(120), primary_key=True),
    sa.Index("ix_gold_shipment_bars_bar", "bar_id"),
)

custody_events = sa.Table(
    "gold_custody_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _id("lot_id", nullable=False),
    sa.Column("event", sa.String(16), nullable=False),
    sa.Column("at", sa.String(TS), nullable=False),
    sa.Column("ledger_seq", sa.BigInteger, nullable=True),
    sa.Column("detail", sa.String(TEXT), nullable=False, server_default=""),
    *_stamp(),
    sa.Index("ix_gold_custody_events_lot", "lot_id"),
)
"""Chain of custody of a lot, insert-only (triggers refuse UPDATE and DELETE)."""

INSERT_ONLY = ("gold_assessments", "gold_custody_events")


def _sqlite_triggers(table: str) -> tuple[str, ...]:
    return tuple(
        f"""CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
       BEGIN SELECT RAISE(ABORT, '{table} is insert-only: {verb} refused'); END"""
        for verb in ("UPDATE", "DELETE")
    )


POSTGRES_FUNCTION = """CREATE FUNCTION nafolo_gold_insert_only() RETURNS trigger
   LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION '% is insert-only: % refused', TG_TABLE_NAME, TG_OP;
   END $$"""


def upgrade() -> None:
    bind = op.get_bind()
    metadata.create_all(bind)
    postgres = op.get_context().dialect.name == "postgresql"
    if postgres:
        op.execute(POSTGRES_FUNCTION)
    for table in INSERT_ONLY:
        if postgres:
            op.execute(
                f"CREATE TRIGGER {table}_insert_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION nafolo_gold_insert_only()"
            )
        else:
            for statement in _sqlite_triggers(table):
                op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS nafolo_gold_insert_only() CASCADE")
    metadata.drop_all(op.get_bind())
