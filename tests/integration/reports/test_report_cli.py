"""`csops report daily|weekly|monthly` against a test database (in-process CLI)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from csops.cli.common import EXIT_INVALID
from csops.config import get_settings
from csops.db import session_scope
from csops.domains.reports.models import ReportArchive
from tests.integration.cli.conftest import Cli


@pytest.fixture
def cli(fresh_engine: Engine, tmp_path: Path) -> Iterator[Cli]:
    yield Cli(fresh_engine, tmp_path / "data")
    get_settings.cache_clear()


def test_weekly_pdf_markdown_and_archive(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "w46.pdf"
    done = cli("report", "weekly", "--period", "2026-W46", "--format", "pdf", "--out", str(out))
    assert done.exit_code == 0, done.output
    assert out.read_bytes().startswith(b"%PDF")
    md = cli("report", "monthly", "--period", "2026-10", "--format", "md", "--archive")
    assert md.exit_code == 0, md.output
    assert "# Monthly perception report 2026-10" in md.output
    with session_scope(cli.engine) as session:
        assert session.scalar(select(func.count()).select_from(ReportArchive)) == 1
    html = tmp_path / "d.html"
    daily = cli("report", "daily", "--period", "2026-11-21", "--format", "html", "--out", str(html))
    assert daily.exit_code == 0 and "data:image/png;base64," in html.read_text()


def test_bad_input_exits_with_the_invalid_code(cli: Cli) -> None:
    assert cli("report", "weekly", "--period", "2026-W99", "--format", "md").exit_code == (
        EXIT_INVALID
    )
    assert cli("report", "weekly", "--format", "docx").exit_code == EXIT_INVALID
    assert cli("report", "weekly", "--format", "pdf").exit_code == EXIT_INVALID  # needs --out
