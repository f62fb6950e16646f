"""`csops change record ...` for CI scripts, `csops signals suspects` to list spikes and
`csops signals clusters` to list the live problem clusters."""

from __future__ import annotations

import json
from datetime import datetime

import typer
from pydantic import ValidationError
from rich.table import Table

from csops.cli.common import CliError, cli_command, console, describe_validation, open_engine
from csops.db import session_scope
from csops.domains.signals import service
from csops.domains.signals.schemas import ChangeIn

change_app = typer.Typer(
    help="Deploys, config changes, flags and canary steps.", no_args_is_help=True
)
signals_app = typer.Typer(help="Problem clusters and suspected incidents.", no_args_is_help=True)


def _when(value: str) -> datetime | None:
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CliError(f"bad date-time {value!r}: {exc}", 2) from exc
    if at.tzinfo is None:
        raise CliError("date-times need a time zone (e.g. 2026-03-09T09:00+01:00)", 2)
    return at


@change_app.command("record")
@cli_command
def record(
    service_name: str = typer.Option(..., "--service", help="Service name or slug"),
    kind: str = typer.Option("deploy", "--kind", help="deploy, config, flag or canary"),
    version: str = typer.Option("", "--version"),
    environment: str = typer.Option("production", "--environment"),
    percentage: float | None = typer.Option(None, "--percentage", help="Canary share, 0-100"),
    cohort: str = typer.Option("", "--cohort", help='JSON, e.g. {"region": "eu"}'),
    commit: str = typer.Option("", "--commit"),
    author: str = typer.Option("", "--author"),
    url: str = typer.Option("", "--url"),
    external_id: str = typer.Option("", "--id", help="Idempotency id: re-recording updates"),
    started: str = typer.Option("", "--started", help="ISO date-time; default now"),
    finished: str = typer.Option("", "--finished", help="ISO date-time"),
) -> None:
    """Record a change so spikes of complaints can be tied to it."""
    try:
        data = ChangeIn.model_validate(
            {
                "service": service_name,
                "kind": kind,
                "version": version,
                "environment": environment,
                "percentage": percentage,
                "cohort": json.loads(cohort) if cohort else {},
                "commit": commit,
                "author": author,
                "url": url,
                "external_id": external_id or None,
                "started_at": _when(started),
                "finished_at": _when(finished),
            }
        )
    except json.JSONDecodeError as exc:
        raise CliError(f"--cohort is not JSON: {exc}", 2) from exc
    except ValidationError as exc:
        raise CliError(describe_validation(exc), 2) from exc
    engine = open_engine()
    try:
        with session_scope(engine) as session:
            change = service.record_change(session, data)
            change_id = change.id
    finally:
        engine.dispose()
    console.print(f"[green]change #{change_id}[/] recorded")


@signals_app.command("suspects")
@cli_command
def suspects(status: str = typer.Option("open", "--status")) -> None:
    """Suspected incidents with their top cause."""
    engine = open_engine()
    table = Table("id", "title", "score", "started", "tickets", "top cause")
    try:
        with session_scope(engine) as session:
            for s in service.list_suspects(session, status=status or None):
                top = s.causes[0]["explanation"] if s.causes else "—"
                table.add_row(
                    str(s.id), s.title, f"{s.score:.1f}", s.started_at.isoformat(),
                    str(len(s.ticket_ids)), top,
                )  # fmt: skip
    finally:
        engine.dispose()
    console.print(table)


@signals_app.command("clusters")
@cli_command
def clusters(limit: int = typer.Option(30, "--limit", min=1, max=200)) -> None:
    """Live problem clusters, busiest in the last 24 hours first, with their corrections."""
    engine = open_engine()
    table = Table("id", "label", "24 h", "tickets", "last ticket", "notes")
    try:
        with session_scope(engine) as session:
            for view in service.active_clusters(session, limit=limit):
                row = view.row
                notes = ["named"] if row.label_pinned else []
                if view.note.get("split_from"):
                    notes.append(f"split from #{view.note['split_from']}")
                if row.cannot_link:
                    notes.append("kept apart from " + ", ".join(f"#{c}" for c in row.cannot_link))
                table.add_row(
                    str(row.id), row.label, str(view.recent), str(row.count),
                    row.last_at.strftime("%Y-%m-%d %H:%M"), "; ".join(notes),
                )  # fmt: skip
    finally:
        engine.dispose()
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add this area's commands and groups to the `csops` app."""
    app.add_typer(change_app, name="change")
    app.add_typer(signals_app, name="signals")
