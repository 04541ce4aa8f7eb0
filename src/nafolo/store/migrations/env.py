"""Alembic environment: migrates the engine handed over by `nafolo.store.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Engine

from nafolo.store.engine import WRITE_LOCK_OPTION, create_engine
from nafolo.store.tables import metadata

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):
    engine = create_engine(context.config.get_main_option("sqlalchemy.url"))

with engine.connect() as connection:
    connection.execution_options(**{WRITE_LOCK_OPTION: True})
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
