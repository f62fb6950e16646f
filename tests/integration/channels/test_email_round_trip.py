"""The whole email loop through real servers: a customer's email sent with smtplib to
csops's SMTP intake becomes a ticket; the agent's reply reaches the customer's mail server
(outbox job, real SMTP) threaded to the ticket; the customer's email answer to it lands in
the same ticket, with the quoted history stripped from the shown body."""

from __future__ import annotations

import smtplib
import threading
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from typing import TypeVar

import pytest
from sqlalchemy import Engine, func, select

from csops.cli.mail_cmd import start_smtp
from csops.config import get_settings
from csops.db import session_scope
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role, User
from csops.domains.notifications import delivery
from csops.domains.tickets import thread
from csops.domains.tickets.models import Message, Ticket
from csops.domains.tickets.schemas import MessageCreate
from csops.integrations.smtp_out.mailer import SmtpMailer
from csops.jobs import registry, runtime
from tests.fixtures.journeys.app import free_port
from tests.integration.notifications.sinks import SmtpSink
from tests.integration.notifications.sinks import start_smtp as start_sink

T = TypeVar("T")
CUSTOMER = "ann@customer.example"


def _worker(engine: Engine, stop: threading.Event) -> None:
    registry.autodiscover()
    while not stop.is_set():
        ids = runtime.claim(engine, "round-trip", 10)
        for job_id in ids:
            runtime.run_one(engine, job_id, "round-trip")
        if not ids:
            stop.wait(0.1)


def wait_for(what: str, probe: Callable[[], T | None], seconds: float = 30) -> T:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def desk(fresh_engine: Engine) -> Iterator[tuple[int, SmtpSink]]:
    intake_port = free_port()
    intake = start_smtp(fresh_engine, get_settings(), "127.0.0.1", intake_port)
    sink, sink_server = start_sink()
    stop = threading.Event()
    worker = threading.Thread(target=_worker, args=(fresh_engine, stop), daemon=True)
    with delivery.use_transports(mailer=SmtpMailer("127.0.0.1", sink.port, timeout=10)):
        worker.start()
        try:
            yield intake_port, sink
        finally:
            stop.set()
            worker.join(10)
            intake.stop()
            sink_server.stop()


def send(port: int, message: EmailMessage) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.send_message(message)


def test_email_in_agent_reply_out_customer_answer_back_in(
    desk: tuple[int, SmtpSink], fresh_engine: Engine
) -> None:
    intake_port, sink = desk
    first = EmailMessage()
    first["From"] = f"Ann Example <{CUSTOMER}>"
    first["To"] = "help@support.example.org"
    first["Subject"] = "Invoice shows the wrong VAT number"
    first["Message-ID"] = "<first-mail@customer.example>"
    first.set_content("Hello, our invoice 2026-118 shows an old VAT number.\n")
    send(intake_port, first)

    def ticket_id() -> int | None:
        with session_scope(fresh_engine) as session:
            return session.scalar(select(Ticket.id).where(Ticket.subject == first["Subject"]))

    ticket = wait_for("the ticket", ticket_id)

    with session_scope(fresh_engine) as session:
        user = User(email="maria@desk.example", name="Maria", role=Role.agent)
        session.add(user)
        session.flush()
        agent = Actor.for_user(user)
        body = MessageCreate(body="We corrected the VAT number; a new invoice is attached.")
        thread.add_message(session, ticket_id=ticket, data=body, actor=agent)

    def reply_out() -> EmailMessage | None:
        return next(
            (
                m
                for m in sink.received
                if "corrected the VAT number" in str(m.get_body(("plain",)).get_content())
            ),
            None,
        )

    out = wait_for("the agent's reply at the customer's mail server", reply_out)
    assert out["To"].addresses[0].addr_spec == CUSTOMER
    assert f"[#{ticket}]" in str(out["Subject"])
    assert "<first-mail@customer.example>" in str(out["References"] or out["In-Reply-To"])

    answer = EmailMessage()
    answer["From"] = CUSTOMER
    answer["To"] = str(out["From"])
    answer["Subject"] = "Re: " + str(out["Subject"])
    answer["In-Reply-To"] = str(out["Message-ID"])
    answer["References"] = f"<first-mail@customer.example> {out['Message-ID']}"
    answer.set_content(
        "Thanks, the new invoice is right.\n\n"
        "On Mon, 2 Mar 2026 at 10:00, Support wrote:\n"
        "> We corrected the VAT number; a new invoice is attached.\n"
    )
    send(intake_port, answer)

    def customer_answer() -> str | None:
        with session_scope(fresh_engine) as session:
            rows = session.scalars(
                select(Message.body_text)
                .where(Message.ticket_id == ticket, Message.author_kind == "customer")
                .order_by(Message.id)
            ).all()
            return rows[-1] if len(rows) == 2 else None

    shown = wait_for("the customer's answer in the same ticket", customer_answer)
    assert shown.strip() == "Thanks, the new invoice is right."
    with session_scope(fresh_engine) as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 1
