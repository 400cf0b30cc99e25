"""Alembic environment: migrations run on the connection Claimtrail hands over,
or on the URL in the config when alembic is run by hand."""

from sqlalchemy import engine_from_config, pool
from sqlmodel import SQLModel

import annotate.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from alembic import context

target_metadata = SQLModel.metadata


def run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    engine = engine_from_config(
        context.config.get_section(context.config.config_ini_section) or {"sqlalchemy.url": context.config.get_main_option("sqlalchemy.url")},
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as conn:
        run(conn)
