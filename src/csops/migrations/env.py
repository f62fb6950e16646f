"""Alembic environment: runs on the connection handed in by csops.schema, or on the URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import csops.models  # noqa: F401  (fills Base.metadata)
from csops.config import get_settings
from csops.db import Base
from csops.schema import include_object

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(get_settings().resolved_database_url)
    with engine.connect() as conn:
        context.configure(
            connection=conn,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()


run()
