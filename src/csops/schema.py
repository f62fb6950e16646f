"""Schema version management on top of Alembic: upgrade, and check before serving."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from csops.errors import Conflict

MIGRATIONS = Path(__file__).parent / "migrations"
SEARCH_TABLES = {"ticket_fts", "ticket_search"}


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """The search tables differ per backend and are made by hand; autogenerate leaves them be."""
    if type_ == "table" and name is not None:
        return name not in SEARCH_TABLES and not name.startswith("ticket_fts_")
    return True


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def ensure_current(engine: Engine) -> None:
    """Refuse to run on a database that is behind or ahead of this code's schema."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if current is None:
        raise Conflict("the database has no csops schema yet: run `csops db upgrade`")
    if current not in known:
        raise Conflict(
            f"the database schema ({current}) is newer than this csops ({head}): "
            "upgrade csops before serving"
        )
    raise Conflict(f"the database schema ({current}) is behind ({head}): run `csops db upgrade`")
