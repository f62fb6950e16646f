"""`csops user create`: staff accounts from the command line (the first admin, scripts)."""

from __future__ import annotations

import secrets
import sys

import typer

from csops.cli.common import EXIT_NOT_FOUND, CliError, cli_command, console, open_engine
from csops.db import session_scope
from csops.domains.accounts import service as accounts
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role
from csops.domains.accounts.schemas import UserCreate

app = typer.Typer(help="Staff accounts: agents, engineers, managers, admins.", no_args_is_help=True)


def _password(given: str | None) -> tuple[str, bool]:
    """The password to set, and whether it was generated (so it must be shown)."""
    if given is not None:
        return given, False
    if sys.stdin.isatty():
        typed: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        return typed, False
    return secrets.token_urlsafe(12), True


@app.command("create")
@cli_command
def create(
    email: str = typer.Option(..., "--email", help="Sign-in email"),
    name: str = typer.Option(..., "--name", help="Display name"),
    role: Role = typer.Option(Role.agent, "--role", help="agent, engineer, manager or admin"),
    password: str | None = typer.Option(
        None, "--password", help="Prompted when omitted on a terminal; generated otherwise"
    ),
    team: list[str] = typer.Option([], "--team", help="Team name to join (repeatable)"),
) -> None:
    """Create a staff user."""
    secret, generated = _password(password)
    engine = open_engine()
    try:
        with session_scope(engine) as session:
            actor = Actor.system()
            known = {t.name.lower(): t.id for t in accounts.list_teams(session, actor=actor)}
            missing = [t for t in team if t.lower() not in known]
            if missing:
                raise CliError(f"unknown team(s): {', '.join(missing)}", EXIT_NOT_FOUND)
            data = UserCreate(
                email=email,
                name=name,
                role=role,
                password=secret,
                team_ids=[known[t.lower()] for t in team],
            )
            user = accounts.create_user(session, data=data, actor=actor)
            summary = f"created {user.role.value} {user.name} <{user.email}> (id {user.id})"
    finally:
        engine.dispose()
    console.print(f"[green]{summary}[/]")
    if generated:
        console.print("generated password (shown once):")
        typer.echo(secret)
