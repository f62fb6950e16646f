"""CLI commands of the mail area: `csops smtp`, `csops mail import FILE`, `csops mail poll`."""

from __future__ import annotations

import mailbox
import signal
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine

from csops.cli.common import (
    EXIT_FAILED,
    EXIT_INVALID,
    CliError,
    check_schema,
    cli_command,
    console,
    database_label,
    load_settings,
    open_engine,
)
from csops.config import Settings
from csops.db import session_scope
from csops.domains.channels import jobs as channel_jobs
from csops.domains.channels.models import InboundStatus
from csops.domains.channels.service import accepts_recipient, receive_email
from csops.integrations.imap import ImapToolsSource, parse_mailboxes
from csops.integrations.smtp_server import SmtpIntake

app = typer.Typer(help="Inbound email: import files, poll IMAP.", no_args_is_help=True)


def smtp_deliverer(engine: Engine) -> channel_jobs.StoreFn:
    """The SMTP server's deliver function: one committed transaction per message."""

    def deliver(raw: bytes, envelope_from: str, envelope_to: Sequence[str]) -> int:
        with session_scope(engine) as session:
            mail = receive_email(session, raw, envelope_from=envelope_from, envelope_to=envelope_to)
            return mail.id

    return deliver


def start_smtp(engine: Engine, settings: Settings, host: str, port: int) -> SmtpIntake:
    """A started SMTP intake server on host:port storing into `engine`'s database."""
    server = SmtpIntake(
        smtp_deliverer(engine),
        host=host,
        port=port,
        accepts=accepts_recipient,
        threads=1 if engine.dialect.name == "sqlite" else 4,
        max_bytes=max(settings.mail_max_bytes * 3, 1024 * 1024),
    )
    server.start()
    return server


@cli_command
def smtp(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on"),
    port: int = typer.Option(2525, "--port", help="TCP port"),
) -> None:
    """Run the inbound SMTP server until SIGTERM or Ctrl-C."""
    settings = load_settings()
    engine = open_engine(settings)
    check_schema(engine)
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    server = start_smtp(engine, settings, host, port)
    console.print(f"[bold green]csops smtp[/] on {host}:{port}  database {database_label(engine)}")
    try:
        stop.wait()
    finally:
        server.stop()
        engine.dispose()


def _messages(path: Path) -> tuple[int, Iterator[bytes]]:
    """(count, raw messages) of a .eml file or an mbox."""
    with path.open("rb") as handle:
        head = handle.read(5)
    if head != b"From ":
        return 1, iter([path.read_bytes()])
    box = mailbox.mbox(str(path), create=False)
    keys = box.keys()
    return len(keys), (box.get_bytes(key) for key in keys)


@app.command("import")
@cli_command
def import_mail(
    files: list[Path] = typer.Argument(..., help=".eml files or mbox files", exists=True),
) -> None:
    """Import .eml and mbox files as if they had arrived by email."""
    engine = open_engine()
    check_schema(engine)
    counts = dict.fromkeys(InboundStatus, 0)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    try:
        with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as progress:
            for path in files:
                total, messages = _messages(path)
                task = progress.add_task(path.name, total=total)
                for raw in messages:
                    with session_scope(engine) as session:
                        mail = receive_email(
                            session, raw, envelope_from="", envelope_to=[], source="import"
                        )
                        counts[mail.status] += 1
                    progress.advance(task)
    finally:
        engine.dispose()
    summary = ", ".join(f"{n} {status.value}" for status, n in counts.items())
    console.print(f"imported {sum(counts.values())} messages: {summary}")
    if counts[InboundStatus.quarantined]:
        raise typer.Exit(EXIT_FAILED)


@app.command("poll")
@cli_command
def poll_now() -> None:
    """Poll the IMAP mailboxes of CSOPS_IMAP_MAILBOXES once, now."""
    settings = load_settings()
    try:
        configs = parse_mailboxes(settings.imap_mailboxes)
    except ValueError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    if not configs:
        raise CliError("no mailbox configured (CSOPS_IMAP_MAILBOXES)", EXIT_INVALID)
    engine = open_engine(settings)
    check_schema(engine)
    try:
        for config in configs:
            with ImapToolsSource(config, after=settings.imap_after_fetch) as source:
                result = channel_jobs.poll_source(engine, source, mailbox=config.user)
            console.print(f"{config.label}: {result.stored} stored, {result.failed} failed")
    finally:
        engine.dispose()


def register(app_: typer.Typer) -> None:
    """Add this area's commands and groups to the `csops` app."""
    app_.command("smtp")(smtp)
    app_.add_typer(app, name="mail")
