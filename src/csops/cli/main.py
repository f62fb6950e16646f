"""The `csops` command: `csops --help` lists the groups; each lives in its own module.

Every command reads CSOPS_DATABASE_URL / CSOPS_DATA_DIR through csops.config. Exit codes:
0 ok, 1 partly failed (e.g. rows not imported), 2 bad input or schema not current,
3 conflict, 4 not found, 5 not allowed, 6 database unreachable, 130 interrupted.
"""

from __future__ import annotations

import typer

from csops import __version__
from csops.cli import (
    db,
    demo,
    importer,
    incidents_cmd,
    journeys_cmd,
    mail_cmd,
    maturity_cmd,
    oncall_cmd,
    reports_cmd,
    serve,
    signals_cmd,
    tokens,
    users,
)

app = typer.Typer(
    name="csops",
    help="csops: the service desk that joins customer service to DevOps.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"csops {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit"
    ),
) -> None:
    """csops: the service desk that joins customer service to DevOps."""


app.command("serve")(serve.serve)
app.command("worker")(serve.worker)
app.command("demo")(demo.demo)
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="user")
app.add_typer(tokens.app, name="token")
app.add_typer(importer.app, name="import")

for area in (
    mail_cmd,
    journeys_cmd,
    signals_cmd,
    reports_cmd,
    maturity_cmd,
    oncall_cmd,
    incidents_cmd,
):
    area.register(app)
