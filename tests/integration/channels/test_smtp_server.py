"""The real aiosmtpd server, spoken to with smtplib: mail becomes tickets, failures 452."""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from csops.cli.mail_cmd import smtp_deliverer, start_smtp
from csops.config import get_settings
from csops.db import make_engine, session_scope
from csops.domains.channels.models import InboundMail, InboundStatus
from csops.domains.tickets.models import Channel, Ticket
from csops.integrations.smtp_server import SmtpIntake


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_port(fresh_engine: Engine) -> Iterator[int]:
    port = free_port()
    server = start_smtp(fresh_engine, get_settings(), "127.0.0.1", port)
    try:
        yield port
    finally:
        server.stop()


def message(subject: str = "VPN is down") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Wei Zhang <wei@example.com>"
    msg["To"] = "help@support.example.org"
    msg["Subject"] = subject
    msg.set_content("Since this morning I cannot connect.\n\n-- \nWei")
    return msg


def test_mail_sent_by_smtp_becomes_a_ticket(fresh_engine: Engine, smtp_port: int) -> None:
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as client:
        refused = client.send_message(message())
    assert refused == {}
    with session_scope(fresh_engine) as session:
        mail = session.scalars(select(InboundMail)).one()
        assert mail.status == InboundStatus.accepted
        assert mail.envelope_to == ["help@support.example.org"]
        ticket = session.get(Ticket, mail.ticket_id)
        assert ticket is not None
        assert ticket.subject == "VPN is down" and ticket.channel == Channel.email


def test_unknown_recipient_is_refused_when_mailboxes_are_configured(
    smtp_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "mail_addresses", "help@support.example.org")
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as client:
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            client.sendmail("wei@example.com", ["nobody@elsewhere.example"], b"Subject: x\r\n\r\nx")


def test_store_failure_answers_452(tmp_path: Path) -> None:
    # A database without the schema: storing fails for real, the sender must retry later.
    broken = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    port = free_port()
    server = SmtpIntake(smtp_deliverer(broken), host="127.0.0.1", port=port)
    server.start()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            with pytest.raises(smtplib.SMTPDataError) as caught:
                client.send_message(message())
        assert caught.value.smtp_code == 452
    finally:
        server.stop()
        broken.dispose()
