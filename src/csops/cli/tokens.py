"""`csops token create`: API tokens for scripts. The token is alone on the last line."""

from __future__ import annotations

import typer

from csops.cli.common import cli_command, console, open_engine
from csops.db import session_scope
from csops.domains.accounts import auth
from csops.domains.accounts import service as accounts
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.schemas import SCOPES, TokenCreate
from csops.errors import NotFound

app = typer.Typer(help="API tokens (shown once, stored hashed).", no_args_is_help=True)


@app.command("create")
@cli_command
def create(
    email: str = typer.Option(..., "--email", help="The user the token acts as"),
    name: str = typer.Option(..., "--name", help="What the token is for"),
    scope: list[str] = typer.Option(
        [], "--scope", help=f"Repeatable; one of {', '.join(SCOPES)}. Default: tickets read+write"
    ),
) -> None:
    """Create an API token; prints it alone on the last line (`| tail -1` in scripts)."""
    engine = open_engine()
    try:
        with session_scope(engine) as session:
            user = accounts.find_user(session, email)
            if user is None:
                raise NotFound(f"no user with email {email!r}")
            data = TokenCreate(name=name, scopes=scope) if scope else TokenCreate(name=name)
            token, raw = auth.create_token(session, user=user, data=data, actor=Actor.system())
            summary = (
                f"token {token.name!r} ({token.prefix}…) for {user.email},"
                f" scopes {', '.join(token.scopes)}"
            )
    finally:
        engine.dispose()
    console.print(f"[green]created {summary}[/]; it is shown only once:")
    typer.echo(raw)
