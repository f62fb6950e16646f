"""`csops report daily|weekly|monthly`: a complaint or perception report as PDF, HTML or
Markdown, for a given period (default: the last complete one). `--archive` also keeps it
in the archive (replacing an earlier run) and `--send` emails its subscribers."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn

from csops.cli.common import EXIT_INVALID, CliError, check_schema, cli_command, console, open_engine
from csops.db import session_scope
from csops.domains.reports import archive, render
from csops.domains.reports.models import ReportKind

app = typer.Typer(help="Complaint and perception reports.", no_args_is_help=True)
FORMATS = ("pdf", "html", "md")


def _standalone(title: str, body: str) -> str:
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body>{body}</body></html>\n"
    )


def _run(
    kind: ReportKind, period: str | None, fmt: str, out: Path | None, keep: bool, send: bool
) -> None:
    if fmt not in FORMATS:
        raise CliError(f"--format must be one of {', '.join(FORMATS)}", EXIT_INVALID)
    if fmt == "pdf" and out is None:
        raise CliError("a PDF needs --out FILE", EXIT_INVALID)
    chosen = archive.resolve_period(kind.value, period)
    engine = open_engine()
    check_schema(engine)
    try:
        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True
        ) as progress:
            task = progress.add_task(f"Collecting {kind.value} {chosen.key}", total=None)
            with session_scope(engine) as session:
                built = archive.build(session, chosen)
                progress.update(task, description="Rendering")
                title = render.title(built.data)
                if fmt == "pdf":
                    body = built.pdf()
                elif fmt == "html":
                    body = _standalone(title, built.html()).encode()
                else:
                    body = built.markdown().encode()
                if keep or send:
                    progress.update(task, description="Archiving")
                    row = archive.store(session, chosen, built)
                    queued = archive.deliver(session, row) if send else 0
    finally:
        engine.dispose()
    if out is None:
        typer.echo(body.decode())
    else:
        out.write_bytes(body)
        console.print(f"[green]wrote[/] {out} ({len(body):,} bytes): {title}")
    if send:
        console.print(f"queued {queued} email(s) to subscribers")


def _command(kind: ReportKind) -> None:
    @app.command(kind.value)
    @cli_command
    def command(
        period: str | None = typer.Option(
            None, "--period", help="2026-11-21 (daily), 2026-W46 (weekly), 2026-11 (monthly)"
        ),
        fmt: str = typer.Option("pdf", "--format", help="pdf, html or md"),
        out: Path | None = typer.Option(None, "--out", help="File to write (default: stdout)"),
        keep: bool = typer.Option(False, "--archive", help="Also keep it in the archive"),
        send: bool = typer.Option(False, "--send", help="Archive it and email subscribers"),
    ) -> None:
        _run(kind, period, fmt, out, keep, send)

    command.__doc__ = {
        ReportKind.daily: "The daily complaint report.",
        ReportKind.weekly: "The weekly perception report.",
        ReportKind.monthly: "The monthly perception report.",
    }[kind]


for _kind in ReportKind:
    _command(_kind)


def register(root: typer.Typer) -> None:
    """Add this area's commands and groups to the `csops` app."""
    root.add_typer(app, name="report")
