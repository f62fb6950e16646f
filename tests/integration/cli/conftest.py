"""Running `csops` against a test database: in-process (CliRunner) or as a real process.

The database URL reaches the CLI the way it reaches it in production: CSOPS_DATABASE_URL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from click.testing import Result
from sqlalchemy import Engine
from typer.testing import CliRunner

from csops.cli.main import app
from csops.config import get_settings
from csops.schema import alembic_config
from tests.conftest import TemplateDatabases, new_engine

CSOPS = Path(sys.executable).parent / "csops"


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


class Cli:
    """`cli("db", "upgrade")` runs csops in-process with the test database's URL."""

    def __init__(self, engine: Engine, data_dir: Path) -> None:
        self.engine = engine
        self.env = {"CSOPS_DATABASE_URL": url_of(engine), "CSOPS_DATA_DIR": str(data_dir)}

    def __call__(self, *args: str, input: str | None = None) -> Result:  # noqa: A002
        return CliRunner().invoke(app, list(args), env=self.env, input=input)

    def process(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """The installed `csops` script in a process of its own."""
        return subprocess.run(
            [str(CSOPS), *args],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


@pytest.fixture
def cli(fresh_engine: Engine, tmp_path: Path) -> Iterator[Cli]:
    yield Cli(fresh_engine, tmp_path / "data")
    get_settings.cache_clear()  # the CLI read the test database's URL: forget it


@pytest.fixture
def sqlite_cli(templates: TemplateDatabases, tmp_path: Path) -> Iterator[Cli]:
    """Like `cli`, on SQLite only (for what is measured on SQLite alone)."""
    engine = new_engine(templates, "sqlite")
    yield Cli(engine, tmp_path / "data")
    get_settings.cache_clear()
    engine.dispose()


def unmigrate(engine: Engine) -> None:
    """Take a database back to before csops' first migration (empty, as after install)."""
    config = alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
