"""`csops mail import` with .eml and mbox files, against the real test database."""

from __future__ import annotations

import os
import smtplib
import subprocess
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func, select

from csops.db import session_scope
from csops.domains.channels.models import InboundMail, InboundStatus
from tests.integration.channels.test_smtp_server import free_port
from tests.integration.cli.conftest import CSOPS, Cli, cli  # noqa: F401 (the fixture)


def eml(n: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"person{n}@example.com"
    msg["Subject"] = f"Question {n}"
    msg["Message-ID"] = f"<cli-{n}@example.com>"
    msg.set_content(f"Body {n}\nFrom the shop\n")
    return msg.as_bytes()


def test_import_eml_and_mbox(cli: Cli, tmp_path: Path) -> None:  # noqa: F811
    single = tmp_path / "one.eml"
    single.write_bytes(eml(0))
    box = tmp_path / "box.mbox"
    chunks = []
    for n in range(1, 4):
        body = eml(n).replace(b"\nFrom the shop", b"\n>From the shop")
        chunks.append(b"From person@example.com Mon Jan  1 00:00:00 2024\n" + body + b"\n")
    box.write_bytes(b"".join(chunks))
    result = cli("mail", "import", str(single), str(box))
    assert result.exit_code == 0, result.output
    assert "imported 4 messages: 4 accepted" in result.output
    with session_scope(cli.engine) as session:
        subjects = session.scalars(select(InboundMail.subject).order_by(InboundMail.id)).all()
        assert subjects == ["Question 0", "Question 1", "Question 2", "Question 3"]


def test_import_reports_quarantine_with_exit_code(cli: Cli, tmp_path: Path) -> None:  # noqa: F811
    bad = tmp_path / "bad.eml"
    bad.write_bytes(b"\x00\x00 binary junk")
    result = cli("mail", "import", str(bad))
    assert result.exit_code == 1
    assert "1 quarantined" in result.output
    with session_scope(cli.engine) as session:
        count = session.scalar(
            select(func.count()).where(InboundMail.status == InboundStatus.quarantined)
        )
        assert count == 1


@pytest.mark.parametrize("fresh_engine", ["sqlite"], indirect=True)  # CLI wiring only
def test_serve_with_smtp_port_takes_mail(cli: Cli, tmp_path: Path) -> None:  # noqa: F811
    web, smtp = free_port(), free_port()
    proc = subprocess.Popen(  # noqa: S603 (our own csops)
        [str(CSOPS), "serve", "--port", str(web), "--smtp-port", str(smtp), "--no-worker"],
        env={**os.environ, **cli.env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                client = smtplib.SMTP("127.0.0.1", smtp, timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline, "the SMTP port never opened"
                time.sleep(0.2)
        with client:
            client.sendmail("p@example.com", ["any@where.example"], eml(9))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    with session_scope(cli.engine) as session:
        mail = session.scalars(select(InboundMail)).one()
        assert mail.status == InboundStatus.accepted and mail.ticket_id is not None
