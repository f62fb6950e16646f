"""`csops incidents ...`: list incidents, declare one, post an update, export a postmortem."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from csops.cli.common import cli_command, console, open_engine
from csops.db import session_scope
from csops.domains.accounts.actor import Actor
from csops.domains.incidents import postmortem, service
from csops.domains.incidents.schemas import IncidentCreate

app = typer.Typer(help="Incidents and their postmortems.", no_args_is_help=True)


@app.command("list")
@cli_command
def list_incidents(
    active: bool = typer.Option(False, "--active", help="Only incidents not resolved"),
) -> None:
    """Incidents, newest first."""
    engine = open_engine()
    table = Table("#", "severity", "status", "started", "title")
    try:
        with session_scope(engine) as session:
            items, _total = service.list_incidents(
                session, actor=Actor.system(), active=True if active else None, limit=200
            )
            for i in items:
                table.add_row(
                    str(i.id),
                    i.severity.value,
                    i.status.value,
                    f"{i.started_at:%Y-%m-%d %H:%M}",
                    i.title,
                )
    finally:
        engine.dispose()
    console.print(table)


@app.command("declare")
@cli_command
def declare(
    title: str = typer.Option(..., "--title"),
    severity: str = typer.Option("SEV3", "--severity", help="SEV1..SEV4"),
    service_id: list[int] = typer.Option([], "--service-id", help="Affected service (repeat)"),
    summary: str = typer.Option("", "--summary"),
) -> None:
    """Declare an incident (SEV1/SEV2 page the on-call owners)."""
    engine = open_engine()
    try:
        with session_scope(engine) as session:
            data = IncidentCreate.model_validate(
                {
                    "title": title,
                    "severity": severity,
                    "service_ids": service_id,
                    "summary": summary,
                }
            )
            incident_id = service.create_incident(session, data=data, actor=Actor.system()).id
    finally:
        engine.dispose()
    console.print(f"[green]incident #{incident_id} declared[/]")


@app.command("update")
@cli_command
def update(
    incident_id: int = typer.Argument(...),
    body: str = typer.Option(..., "--body"),
    public: bool = typer.Option(
        False, "--public", help="Tell linked customers and the status page"
    ),
    status: str = typer.Option("", "--status", help="investigating|identified|monitoring|resolved"),
) -> None:
    """Post an update to the incident's timeline."""
    engine = open_engine()
    try:
        with session_scope(engine) as session:
            service.post_update(
                session,
                incident_id=incident_id,
                body=body,
                public=public,
                status=status or None,
                actor=Actor.system(),
            )
    finally:
        engine.dispose()
    console.print("[green]update posted[/]")


@app.command("postmortem")
@cli_command
def export_postmortem(
    incident_id: int = typer.Argument(...),
    out: Path = typer.Option(None, "--out", help="File to write; default: print"),
) -> None:
    """The incident's postmortem as Markdown."""
    engine = open_engine()
    try:
        with session_scope(engine) as session:
            text = postmortem.to_markdown(session, incident_id=incident_id, actor=Actor.system())
    finally:
        engine.dispose()
    if out is None:
        console.print(text, markup=False, highlight=False)
    else:
        out.write_text(text, encoding="utf-8")


def register(root: typer.Typer) -> None:
    """Add this area's commands and groups to the `csops` app."""
    root.add_typer(app, name="incidents")
