"""Test databases: every test that takes `engine` or `db` runs on SQLite and on PostgreSQL.

The schema always comes from the real Alembic migrations. `db` is a Session inside a
transaction that is rolled back after the test (services only flush). `fresh_engine` is
a whole database of its own, for tests whose code commits (servers, workers, CLI).

CSOPS_TEST_POSTGRES: "required" fails when PostgreSQL cannot be reached; "off" skips it;
anything else uses it when reachable and says clearly when it was skipped.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

# Attachments and keys of the test run go to a throwaway data dir, never the user's.
os.environ.setdefault("CSOPS_DATA_DIR", tempfile.mkdtemp(prefix="csops-test-"))
os.environ.setdefault("CSOPS_LOGIN_MAX_ATTEMPTS", "5")

from csops.db import make_engine  # noqa: E402
from csops.schema import upgrade  # noqa: E402

PG_ADMIN_URL = os.environ.get(
    "CSOPS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PG_MODE = os.environ.get("CSOPS_TEST_POSTGRES", "auto")
BACKENDS = ["sqlite", "postgres"]


def _pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _pg_admin() -> Engine:
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


def _pg_reachable() -> bool:
    try:
        engine = _pg_admin()
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001  (any failure means "not reachable")
        return False


_PG_STATE: dict[str, bool] = {}


def pg_available() -> bool:
    if "ok" not in _PG_STATE:
        _PG_STATE["ok"] = PG_MODE != "off" and _pg_reachable()
    return _PG_STATE["ok"]


def pytest_report_header(config: pytest.Config) -> str:
    if PG_MODE == "off":
        return "csops: PostgreSQL half DISABLED (CSOPS_TEST_POSTGRES=off)"
    if pg_available():
        return f"csops: PostgreSQL half ON ({PG_ADMIN_URL.rsplit('@', 1)[-1]})"
    if PG_MODE == "required":
        return "csops: PostgreSQL REQUIRED but not reachable: the PostgreSQL tests will fail"
    return "csops: PostgreSQL not reachable: the PostgreSQL half is SKIPPED"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if PG_MODE != "required" and not pg_available():
        terminalreporter.write_line(
            "csops: the PostgreSQL half of the suite was SKIPPED (PostgreSQL not reachable)",
            yellow=True,
            bold=True,
        )


def _require_pg() -> None:
    if not pg_available():
        if PG_MODE == "required":
            pytest.fail("PostgreSQL is required (CSOPS_TEST_POSTGRES=required) but not reachable")
        pytest.skip("PostgreSQL not reachable")


class TemplateDatabases:
    """One migrated template per backend; each fresh database is a cheap copy of it."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.run_id = uuid.uuid4().hex[:8]
        self.sqlite_template: Path | None = None
        self.pg_template: str | None = None
        self.pg_created: list[str] = []

    def sqlite_file(self) -> Path:
        if self.sqlite_template is None:
            path = self.tmp / "template.db"
            engine = make_engine(f"sqlite:///{path}")
            upgrade(engine)
            engine.dispose()
            self.sqlite_template = path
        target = self.tmp / f"db-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(self.sqlite_template, target)
        return target

    def pg_database(self) -> str:
        admin = _pg_admin()
        if self.pg_template is None:
            name = f"csops_tpl_{self.run_id}"
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            engine = make_engine(_pg_url(name), pool_size=-1)
            upgrade(engine)
            engine.dispose()
            self.pg_template = name
            self.pg_created.append(name)
        name = f"csops_t_{self.run_id}_{uuid.uuid4().hex[:6]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.pg_template}"'))
        admin.dispose()
        self.pg_created.append(name)
        return _pg_url(name)

    def drop_all(self) -> None:
        if not self.pg_created:
            return
        admin = _pg_admin()
        with admin.connect() as conn:
            for name in reversed(self.pg_created):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TemplateDatabases]:
    dbs = TemplateDatabases(tmp_path_factory.mktemp("dbs"))
    yield dbs
    dbs.drop_all()


def new_engine(templates: TemplateDatabases, backend: str, pool_size: int = 0) -> Engine:
    if backend == "sqlite":
        return make_engine(f"sqlite:///{templates.sqlite_file()}", pool_size=pool_size)
    _require_pg()
    return make_engine(templates.pg_database(), pool_size=pool_size)


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request: pytest.FixtureRequest, templates: TemplateDatabases) -> Iterator[Engine]:
    """A migrated database shared by the session; tests use `db`, which rolls back."""
    eng = new_engine(templates, request.param)
    yield eng
    eng.dispose()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    connection = engine.connect()
    outer = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture(params=BACKENDS)
def fresh_engine(request: pytest.FixtureRequest, templates: TemplateDatabases) -> Iterator[Engine]:
    """A database of this test's own, for code that commits."""
    eng = new_engine(templates, request.param)
    yield eng
    eng.dispose()


@pytest.fixture
def backend(engine: Engine) -> str:
    return engine.dialect.name


pytest_plugins = ["tests.factories.fixtures"]
