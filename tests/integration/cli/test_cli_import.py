"""`csops import tickets`: good rows are kept, bad rows are reported by line and skipped."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from csops.cli.common import EXIT_FAILED, EXIT_INVALID
from csops.db import session_scope
from csops.domains.accounts import schemas
from csops.domains.accounts import service as accounts
from csops.domains.accounts.actor import Actor
from csops.domains.tickets.models import Message, Ticket
from tests.integration.cli.conftest import Cli

CSV = """subject,description,requester_email,requester_name,priority,type,service,tags,created_at
Card declined,"Card declined at checkout
since this morning",ann@mail.example,Ann,high,problem,payments-api,"cards; checkout",2026-09-01T10:00:00Z
,Missing subject,bob@mail.example,Bob,,,,,
Refund please,Please refund order 12,not-an-email,Carl,,,,,
Slow search,Search takes 10 s,dee@mail.example,Dee,normal,question,search,,
Wrong priority,desc,eve@mail.example,Eve,critical,,,,
Unknown service,desc,fay@mail.example,Fay,,,Nope,,
From the future,desc,gus@mail.example,Gus,,,,,2999-01-01T00:00:00Z
Plain,desc,hal@mail.example,Hal,,,,,
"""


def _services(cli: Cli) -> None:
    with session_scope(cli.engine) as session:
        for name in ("Payments API", "Search"):
            data = schemas.ServiceCreate(name=name)
            accounts.create_service(session, data=data, actor=Actor.system())


def test_csv_good_rows_imported_bad_rows_reported(cli: Cli, tmp_path: Path) -> None:
    _services(cli)
    path = tmp_path / "tickets.csv"
    path.write_text(CSV)

    result = cli("import", "tickets", str(path))

    assert result.exit_code == EXIT_FAILED, result.output
    assert "imported 3, failed 5" in result.stdout
    for line, reason in (
        (4, "subject"),
        (5, "email"),
        (7, "priority"),
        (8, "unknown service 'Nope'"),
        (9, "future"),
    ):
        assert f"line {line}:" in result.stderr and reason in result.stderr
    for line in (2, 3, 6, 10):
        assert f"line {line}:" not in result.stderr
    assert "Traceback" not in result.output
    with session_scope(cli.engine) as session:
        tickets = {t.subject: t for t in session.scalars(select(Ticket)).unique()}
        assert set(tickets) == {"Card declined", "Slow search", "Plain"}
        card = tickets["Card declined"]
        assert card.created_at == datetime(2026, 9, 1, 10, tzinfo=UTC)
        assert card.tags == ["cards", "checkout"]
        assert card.priority.value == "high" and card.service is not None
        assert card.requester.email == "ann@mail.example"
        first = session.scalars(select(Message).where(Message.ticket_id == card.id)).one()
        assert first.created_at == card.created_at
        assert "since this morning" in first.body_text


def test_jsonl_with_both_shapes(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "tickets.jsonl"
    rows = [
        json.dumps({"subject": "API shape", "description": "d",
                    "requester": {"email": "x@mail.example", "name": "X"}, "tags": ["a"]}),
        "{not json",
        "[1, 2]",
        "",
        json.dumps({"subject": "Flat shape", "description": "d",
                    "requester_email": "y@mail.example", "tags": "b;c"}),
        json.dumps({"subject": "Bad type", "description": "d",
                    "requester_email": "z@mail.example", "type": "rant"}),
        json.dumps({"subject": "Unknown field", "description": "d",
                    "requester_email": "w@mail.example", "colour": "red"}),
    ]  # fmt: skip
    path.write_text("\n".join(rows) + "\n")

    result = cli("import", "tickets", str(path))

    assert result.exit_code == EXIT_FAILED, result.output
    assert "imported 2, failed 4" in result.stdout
    assert "line 2: not valid JSON" in result.stderr
    assert "line 3: each line must be a JSON object" in result.stderr
    assert "line 6:" in result.stderr and "line 7:" in result.stderr
    with session_scope(cli.engine) as session:
        subjects = {t.subject: t.tags for t in session.scalars(select(Ticket)).unique()}
        assert subjects == {"API shape": ["a"], "Flat shape": ["b", "c"]}


def test_all_good_exits_zero_and_format_flag(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_text("subject,description,requester_email\nHello,World,h@mail.example\n")

    unknown = cli("import", "tickets", str(path))
    assert unknown.exit_code == EXIT_INVALID and "--format" in unknown.stderr

    result = cli("import", "tickets", str(path), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "imported 1, failed 0" in result.stdout
