"""`csops demo`: load a realistic service desk history (see csops.demo)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine

from csops.cli.common import (
    EXIT_CONFLICT,
    CliError,
    check_schema,
    cli_command,
    console,
    open_engine,
)
from csops.db import session_scope
from csops.demo import catalog, samples
from csops.demo.loader import DemoLoader, DemoResult
from csops.domains.accounts import service as accounts
from csops.domains.accounts.actor import Actor
from csops.domains.tickets.views import TicketFilters, count_tickets


def _state(engine: Engine) -> tuple[int, bool]:
    """How many tickets exist, and whether the demo cast is already there."""
    with session_scope(engine) as session:
        count = count_tickets(session, filters=TicketFilters(), actor=Actor.system())
        loaded = accounts.find_user(session, catalog.ADMIN_EMAIL) is not None
    return count, loaded


def _summary(result: DemoResult) -> None:
    table = Table(title="demo data", show_header=False, box=None)
    for label, value in (
        ("organizations", result.organizations),
        ("customers", result.customers),
        ("teams", result.teams),
        ("services", result.services),
        ("staff users", result.users),
        ("tickets", result.tickets),
        ("messages", result.messages),
        ("macros", result.macros),
        ("saved views", result.views),
    ):
        table.add_row(label, f"{value:,}")
    console.print(table)
    statuses = ", ".join(f"{k} {v:,}" for k, v in sorted(result.status_counts.items()))
    console.print(f"ticket statuses now: {statuses}")
    console.print(f"loaded in {result.seconds:.1f} s")
    if result.samples_source is not None:
        console.print(f"[dim]{samples.ATTRIBUTION}[/]")
    logins = Table(title=f"demo logins (password: {catalog.DEMO_PASSWORD})")
    logins.add_column("where")
    logins.add_column("who")
    logins.add_column("email")
    for role, email in result.staff_logins:
        logins.add_row("/login", role, email)
    for who, email in result.portal_logins:
        logins.add_row("/portal", who, email)
    console.print(logins)


@cli_command
def demo(
    if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing when tickets exist"),
    tickets: int = typer.Option(3000, "--tickets", min=10, max=200_000, help="Tickets to create"),
    customers: int = typer.Option(300, "--customers", min=10, max=100_000),
    seed: int = typer.Option(42, "--seed", help="Same seed, same demo"),
    sample_data: Path | None = typer.Option(
        None, "--sample-data", help="Folder with banking77/ and cfpb_complaints_sample/"
    ),
    no_sample_data: bool = typer.Option(
        False, "--no-sample-data", help="Use only the built-in text templates"
    ),
) -> None:
    """Load realistic demo data: organizations, customers, teams, 90 days of tickets."""
    engine = open_engine()
    try:
        check_schema(engine)
        count, loaded = _state(engine)
        if if_empty and count:
            console.print(f"demo skipped: the database already has {count:,} tickets")
            return
        if loaded:
            raise CliError(
                f"the demo is already loaded ({catalog.ADMIN_EMAIL} exists); use a fresh database",
                EXIT_CONFLICT,
            )
        loader = DemoLoader(
            engine,
            tickets=tickets,
            customers=customers,
            seed=seed,
            sample_dir=sample_data,
            use_samples=not no_sample_data,
        )
        columns = (
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("loading demo tickets", total=tickets)
            result = loader.run(lambda n: progress.advance(task, n))
    finally:
        engine.dispose()
    _summary(result)
