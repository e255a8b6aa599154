"""Alembic environment: the app hands in its own connection (or engine) through attributes."""

from __future__ import annotations

from alembic import context

from divert_tui.core import models

target_metadata = models.metadata
config = context.config


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = config.attributes.get("engine")
    if engine is None:
        from divert_tui.config import load_settings
        from divert_tui.core.database import make_engine

        engine = make_engine(load_settings().database_url)
    with engine.begin() as conn:
        _run(conn)
