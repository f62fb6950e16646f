"""`csops assess report`: Markdown to stdout, PDF to a file, an evidence snapshot when no
assessment exists (nothing stored), and clear errors for bad options."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from csops.db import session_scope
from csops.domains.accounts.actor import Actor
from csops.domains.maturity import service
from csops.domains.maturity.models import Assessment
from csops.domains.maturity.schemas import AnswerIn, AssessmentCreate
from csops.domains.maturity.scoring import Answer
from tests.integration.cli.conftest import Cli


def test_snapshot_report_when_none_exists_stores_nothing(cli: Cli) -> None:
    result = cli("assess", "report")
    assert result.exit_code == 0, result.output
    assert "# Evidence snapshot (not stored)" in result.output
    assert "## Improvement plan" in result.output
    with session_scope(cli.engine) as session:
        assert session.scalar(select(func.count()).select_from(Assessment)) == 0


def test_reports_the_latest_completed_assessment_as_pdf(cli: Cli, tmp_path: Path) -> None:
    with session_scope(cli.engine) as session:
        a = service.create_assessment(
            session, data=AssessmentCreate(title="Q4 review"), actor=Actor.system()
        )
        service.save_answers(
            session,
            assessment_id=a.id,
            answers=[AnswerIn(practice_id="ORG-2.1", answer=Answer.in_place)],
            actor=Actor.system(),
            complete=True,
        )
    out = tmp_path / "maturity.pdf"
    result = cli("assess", "report", "--format", "pdf", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    assert "Q4 review" in result.output and "overall level" in result.output
    md = cli("assess", "report")
    assert "# Q4 review" in md.output


def test_bad_options_exit_2_and_unknown_assessment_exits_4(cli: Cli) -> None:
    assert cli("assess", "report", "--format", "docx").exit_code == 2
    assert cli("assess", "report", "--format", "pdf").exit_code == 2
    missing = cli("assess", "report", "--assessment", "999")
    assert missing.exit_code == 4
    assert "not found" in missing.output
