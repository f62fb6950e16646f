from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text

import csops.models  # noqa: F401  (every table in Base.metadata)
from csops.db import Base
from csops.errors import Conflict
from csops.schema import current_revision, ensure_current, head_revision, include_object


def test_fresh_database_is_at_head(fresh_engine: Engine) -> None:
    assert current_revision(fresh_engine) == head_revision()
    ensure_current(fresh_engine)


def test_newer_schema_is_refused(fresh_engine: Engine) -> None:
    with fresh_engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_future'"))
    with pytest.raises(Conflict, match="newer"):
        ensure_current(fresh_engine)


def test_empty_database_is_refused(fresh_engine: Engine) -> None:
    with fresh_engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
    with pytest.raises(Conflict, match="csops db upgrade"):
        ensure_current(fresh_engine)


def test_models_match_the_migrations(fresh_engine: Engine) -> None:
    """A model change without a migration fails here (on both backends)."""
    with fresh_engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": include_object, "compare_type": True}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
