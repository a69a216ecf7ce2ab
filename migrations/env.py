"""Alembic environment for the ar-cli ledger.

ar-cli passes its own open connection in `config.attributes["connection"]`, so a
migration runs inside the caller's transaction. `render_as_batch` lets SQLite alter
tables (it copies them), and the metadata's naming convention keeps constraint names
stable across both databases.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from ar_cli.store import tables  # noqa: F401  (registers every table on the metadata)
from ar_cli.store.base import metadata

config = context.config


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        _configure(conn)
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
