"""`csops import tickets FILE`: bulk-load tickets from CSV or JSON lines.

Each row becomes a `TicketCreate` and goes through `create_ticket`, as the API would, inside
a SAVEPOINT of its own: a bad row is reported with its line number and reason and skipped,
the others are kept. Rows are committed in batches; the exit code is 1 when any row failed.

CSV columns: subject, description, requester_email, requester_name, priority, type,
service, tags (separated by commas or semicolons), channel, created_at (ISO 8601, optional).
JSON lines take the same flat keys, or the API's shape (`requester: {email, name}`).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session

from csops.cli.common import (
    EXIT_FAILED,
    EXIT_INVALID,
    CliError,
    check_schema,
    cli_command,
    console,
    describe_validation,
    err_console,
    open_engine,
)
from csops.clock import frozen, now
from csops.db import session_scope
from csops.domains.accounts.actor import Actor
from csops.domains.tickets.schemas import TicketCreate
from csops.domains.tickets.service import create_ticket
from csops.errors import CsopsError, Invalid

app = typer.Typer(help="Bulk imports.", no_args_is_help=True)

COLUMNS = (
    "subject",
    "description",
    "requester_email",
    "requester_name",
    "priority",
    "type",
    "service",
    "tags",
    "channel",
    "created_at",
)
BATCH = 200
MAX_REPORTED = 50
_TAG_SPLIT = re.compile(r"[;,]")


class Format(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


@dataclass
class Row:
    line: int
    values: dict[str, Any] | None
    error: str | None = None


@dataclass
class Outcome:
    imported: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)


def guess_format(path: Path) -> Format:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return Format.csv
    if suffix in (".jsonl", ".ndjson", ".json"):
        return Format.jsonl
    raise CliError(f"cannot tell the format of {path.name}: pass --format csv|jsonl", EXIT_INVALID)


def read_csv(path: Path) -> Iterator[Row]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        unknown = [c for c in reader.fieldnames or [] if c and c.strip() not in COLUMNS]
        if unknown:
            err_console.print(f"[yellow]ignoring unknown column(s): {', '.join(unknown)}[/]")
        line = reader.line_num + 1
        for record in reader:
            if None in record:
                yield Row(line, None, "more fields than the header has columns")
            else:
                values = {k.strip(): v for k, v in record.items() if k and k.strip() in COLUMNS}
                yield Row(line, values)
            line = reader.line_num + 1


def read_jsonl(path: Path) -> Iterator[Row]:
    with path.open(encoding="utf-8-sig") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                yield Row(number, None, f"not valid JSON ({exc.msg})")
                continue
            if not isinstance(value, dict):
                yield Row(number, None, "each line must be a JSON object")
                continue
            yield Row(number, value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def to_ticket(values: dict[str, Any]) -> tuple[TicketCreate, datetime | None]:
    """A row's values as the API's TicketCreate, and the historical creation time if given."""
    data = {k: v for k, v in values.items() if not _blank(v)}
    created_at = _parse_time(data.pop("created_at", None))
    email = data.pop("requester_email", None)
    name = data.pop("requester_name", None)
    if email is not None:
        requester = data.setdefault("requester", {})
        if not isinstance(requester, dict):
            raise Invalid("requester must be an object with email and name")
        requester["email"] = email
        if name is not None:
            requester["name"] = name
    tags = data.get("tags")
    if isinstance(tags, str):
        data["tags"] = [t.strip() for t in _TAG_SPLIT.split(tags) if t.strip()]
    return TicketCreate.model_validate(data), created_at


def _parse_time(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        stamp = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise Invalid(f"created_at {value!r} is not an ISO 8601 date-time") from exc
    stamp = stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)
    if stamp > now():
        raise Invalid("created_at is in the future")
    return stamp


def import_row(session: Session, row: Row, actor: Actor) -> str | None:
    """Imports one row in a SAVEPOINT; returns why it failed, or None."""
    if row.values is None:
        return row.error
    try:
        data, created_at = to_ticket(row.values)
        with session.begin_nested():
            if created_at is None:
                create_ticket(session, data=data, actor=actor)
            else:
                with frozen(created_at):
                    create_ticket(session, data=data, actor=actor)
                    session.flush()
    except ValidationError as exc:
        return describe_validation(exc)
    except CsopsError as exc:
        return exc.detail
    return None


def run_import(session_rows: list[Row], progress: Progress, engine: Any) -> Outcome:
    outcome = Outcome()
    actor = Actor.system()
    task = progress.add_task("importing", total=len(session_rows))
    for start in range(0, len(session_rows), BATCH):
        with session_scope(engine) as session:
            for row in session_rows[start : start + BATCH]:
                error = import_row(session, row, actor)
                if error is None:
                    outcome.imported += 1
                else:
                    outcome.failures.append((row.line, error))
                progress.advance(task)
    return outcome


@app.command("tickets")
@cli_command
def tickets(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    fmt: Format | None = typer.Option(
        None, "--format", help="csv or jsonl; guessed from the extension when omitted"
    ),
) -> None:
    """Import tickets from a CSV or JSON-lines file; bad rows are reported and skipped."""
    chosen = fmt or guess_format(file)
    try:
        rows = list(read_csv(file) if chosen == Format.csv else read_jsonl(file))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise CliError(f"cannot read {file.name}: {exc}", EXIT_INVALID) from None
    engine = open_engine()
    try:
        check_schema(engine)
        columns = (
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=err_console, transient=True) as progress:
            outcome = run_import(rows, progress, engine)
    finally:
        engine.dispose()
    for line, reason in outcome.failures[:MAX_REPORTED]:
        err_console.print(f"[red]line {line}:[/] {escape(reason)}")
    if len(outcome.failures) > MAX_REPORTED:
        err_console.print(f"[red]... and {len(outcome.failures) - MAX_REPORTED} more[/]")
    colour = "green" if not outcome.failures else "yellow"
    console.print(
        f"[{colour}]imported {outcome.imported}, failed {len(outcome.failures)}[/]"
        f" (from {file.name})"
    )
    if outcome.failures:
        raise typer.Exit(EXIT_FAILED)
