"""`csops db upgrade` and `csops db current`: the schema, through Alembic."""

from __future__ import annotations

import typer

from csops.cli.common import cli_command, console, database_label, open_engine
from csops.schema import current_revision, head_revision, upgrade

app = typer.Typer(
    help="Database schema: upgrade it, or show where it stands.", no_args_is_help=True
)


@app.command("upgrade")
@cli_command
def upgrade_command() -> None:
    """Migrate the database to this csops' schema (creates it when empty)."""
    engine = open_engine()
    try:
        before = current_revision(engine)
        head = head_revision()
        if before == head:
            console.print(f"[green]database already at {head}[/] ({database_label(engine)})")
            return
        upgrade(engine)
        after = current_revision(engine)
        console.print(
            f"[green]database upgraded:[/] {before or '(empty)'} -> [bold]{after}[/]"
            f" ({database_label(engine)})"
        )
    finally:
        engine.dispose()


@app.command("current")
@cli_command
def current_command() -> None:
    """Show the database's schema revision and the one this csops expects."""
    engine = open_engine()
    try:
        current = current_revision(engine)
        head = head_revision()
        state = "[green]up to date[/]" if current == head else "[yellow]not current[/]"
        console.print(f"database {database_label(engine)}")
        console.print(f"schema {current or '(empty)'}, code expects {head}: {state}")
    finally:
        engine.dispose()
