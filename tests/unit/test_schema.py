from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from csops.errors import Conflict
from csops.schema import current_revision, ensure_current, head_revision


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
