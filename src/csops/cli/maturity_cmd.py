"""`csops assess report`: the maturity assessment as Markdown or PDF.

Without `--assessment` it reports the newest completed assessment; when there is none, it
scores a snapshot built from evidence alone (answers proposed by csops, nothing stored).
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.cli.common import EXIT_INVALID, CliError, cli_command, console, open_engine
from csops.db import session_scope
from csops.domains.accounts.actor import Actor
from csops.domains.maturity import report, service
from csops.domains.maturity.models import Assessment, AssessmentStatus
from csops.domains.maturity.schemas import AssessmentCreate

app = typer.Typer(help="Customer-service maturity assessment.", no_args_is_help=True)
FORMATS = ("md", "pdf")


def _chosen(session: Session, assessment_id: int | None) -> Assessment | None:
    actor = Actor.system()
    if assessment_id is not None:
        return service.get_assessment(session, assessment_id=assessment_id, actor=actor)
    query = (
        select(Assessment)
        .where(Assessment.status == AssessmentStatus.completed)
        .order_by(Assessment.completed_at.desc(), Assessment.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def _summary(res: service.AssessmentResult) -> Table:
    table = Table(title=f"{res.assessment.title} · overall level {res.overall}")
    table.add_column("Capability")
    table.add_column("Level", justify="right")
    table.add_column("Blocking the next level")
    for cap in res.model.capabilities:
        score = res.scores[cap.id]
        table.add_row(cap.en, str(score.level), ", ".join(p.id for p in score.blockers) or "—")
    return table


@app.command("report")
@cli_command
def report_command(
    assessment_id: int | None = typer.Option(None, "--assessment", help="Assessment id"),
    fmt: str = typer.Option("md", "--format", help="md or pdf"),
    out: Path | None = typer.Option(None, "--out", help="File to write (default: stdout for md)"),
) -> None:
    """Write the assessment report; prints the profile as a table on stderr-free runs."""
    if fmt not in FORMATS:
        raise CliError(f"--format must be one of {', '.join(FORMATS)}", EXIT_INVALID)
    if fmt == "pdf" and out is None:
        raise CliError("a PDF needs --out FILE", EXIT_INVALID)
    engine = open_engine()
    try:
        with session_scope(engine) as session:
            assessment = _chosen(session, assessment_id)
            snapshot = assessment is None
            if assessment is None:
                data = AssessmentCreate(title="Evidence snapshot (not stored)")
                with session.begin_nested() as nested:
                    assessment = service.create_assessment(session, data=data, actor=Actor.system())
                    res = service.result(session, assessment)
                    body = report.pdf(res) if fmt == "pdf" else report.markdown(res).encode()
                    table = _summary(res)
                    nested.rollback()
            else:
                res = service.result(session, assessment)
                body = report.pdf(res) if fmt == "pdf" else report.markdown(res).encode()
                table = _summary(res)
    finally:
        engine.dispose()
    if out is None:
        typer.echo(body.decode())
        return
    out.write_bytes(body)
    console.print(table)
    note = " (evidence snapshot, nothing stored)" if snapshot else ""
    console.print(f"[green]wrote {out} ({len(body)} bytes){note}[/]")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="assess")
