"""`csops oncall ...`: who is on call, the next shifts of a schedule, trigger a page."""

from __future__ import annotations

from datetime import datetime, timedelta

import typer
from rich.table import Table
from sqlalchemy import select

from csops.cli.common import CliError, cli_command, console, open_engine
from csops.clock import now
from csops.db import session_scope
from csops.domains.accounts.models import Team, User
from csops.domains.oncall import schedules, service
from csops.errors import NotFound

app = typer.Typer(help="On-call schedules and pages.", no_args_is_help=True)


def _parse_at(value: str | None) -> datetime:
    if not value:
        return now()
    try:
        at = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CliError(f"--at must be an ISO date-time with a zone: {exc}", 2) from exc
    if at.tzinfo is None:
        raise CliError("--at needs a time zone (e.g. 2026-03-09T09:00+01:00)", 2)
    return at


@app.command("now")
@cli_command
def who(
    team: str = typer.Option("", "--team", help="Only this team (by name)"),
    at: str = typer.Option("", "--at", help="ISO date-time with zone; default: now"),
) -> None:
    """Who is on call, per schedule."""
    moment = _parse_at(at)
    engine = open_engine()
    table = Table("schedule", "role", "on call")
    try:
        with session_scope(engine) as session:
            team_id = None
            if team:
                team_id = session.scalar(select(Team.id).where(Team.name == team))
                if team_id is None:
                    raise NotFound(f"no team named {team!r}")
            for schedule in schedules.list_schedules(session, team_id=team_id):
                uid = schedules.user_on_call(session, schedule, moment)
                user = session.get(User, uid) if uid else None
                table.add_row(schedule.name, schedule.role.value, user.name if user else "—")
    finally:
        engine.dispose()
    console.print(table)


@app.command("shifts")
@cli_command
def shifts(
    schedule_id: int = typer.Argument(..., help="Schedule id"),
    days: int = typer.Option(14, "--days", min=1, max=92),
) -> None:
    """The final shifts of a schedule over the next days, in its time zone."""
    engine = open_engine()
    table = Table("who", "from", "until")
    try:
        with session_scope(engine) as session:
            schedule = schedules.get_schedule(session, schedule_id)
            tz = schedules.zone(schedule.time_zone)
            start = now()
            for s in schedules.final_shifts(session, schedule, start, start + timedelta(days=days)):
                user = session.get(User, s.user)
                table.add_row(
                    user.name if user else "?",
                    s.start.astimezone(tz).strftime("%a %Y-%m-%d %H:%M"),
                    s.end.astimezone(tz).strftime("%a %Y-%m-%d %H:%M %Z"),
                )
    finally:
        engine.dispose()
    console.print(table)


@app.command("page")
@cli_command
def page(
    title: str = typer.Option(..., "--title"),
    team: str = typer.Option("", "--team", help="Team name"),
    service_id: int = typer.Option(0, "--service-id", help="Service id"),
    dedup_key: str = typer.Option("", "--dedup-key"),
) -> None:
    """Trigger a page (coalesced; suppressed during a maintenance window)."""
    engine = open_engine()
    try:
        with session_scope(engine) as session:
            team_id = session.scalar(select(Team.id).where(Team.name == team)) if team else None
            if team and team_id is None:
                raise NotFound(f"no team named {team!r}")
            if team_id is None and not service_id:
                raise CliError("give --team or --service-id", 2)
            made = service.trigger_page(
                session,
                title=title,
                dedup_key=dedup_key,
                team_id=team_id,
                service_id=service_id or None,
                source="cli",
            )
            result = "suppressed by maintenance" if made is None else f"page #{made.id}"
            count = made.trigger_count if made else 0
    finally:
        engine.dispose()
    console.print(f"[green]{result}[/] (triggers: {count})")


def register(root: typer.Typer) -> None:
    """Add this area's commands and groups to the `csops` app."""
    root.add_typer(app, name="oncall")
