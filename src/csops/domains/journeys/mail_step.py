"""The `email` step: send a message by SMTP, then wait for the expected reply to arrive in
a mailbox csops reads: a local SMTP sink the runner starts (the system under test is set
to relay its mail there) or an IMAP folder.

Sinks are shared per (host, port) across the journeys of one process and stopped when the
last step using one ends; each step only looks at mail that arrived after it started.
"""

from __future__ import annotations

import asyncio
import email.policy
import smtplib
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from csops.domains.journeys.redact import redact
from csops.domains.journeys.results import FAILED, StepResult
from csops.domains.journeys.spec import EmailStep, Mailbox
from csops.domains.journeys.variables import Scope

POLL_S = 0.05


@dataclass
class Received:
    at: float
    subject: str
    body: str
    sender: str


@dataclass
class Sink:
    host: str
    port: int
    users: int = 0
    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = BytesParser(policy=email.policy.default).parsebytes(envelope.content)
        with self.lock:
            self.messages.append(
                Received(
                    time.monotonic(),
                    str(message["subject"] or ""),
                    _text(message),
                    str(envelope.mail_from or ""),
                )
            )
        return "250 OK"


_SINKS: dict[tuple[str, int], Sink] = {}
_SINKS_LOCK = threading.Lock()


def _text(message: Any) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    try:
        return str(part.get_content()) if part is not None else ""
    except (LookupError, ValueError):
        return ""


def acquire_sink(host: str, port: int) -> Sink:
    from aiosmtpd.controller import Controller

    with _SINKS_LOCK:
        sink = _SINKS.get((host, port))
        if sink is None:
            sink = Sink(host, port)
            sink.controller = Controller(sink, hostname=host, port=port)
            sink.controller.start()
            _SINKS[(host, port)] = sink
        sink.users += 1
        return sink


def release_sink(sink: Sink) -> None:
    with _SINKS_LOCK:
        sink.users -= 1
        if sink.users <= 0:
            _SINKS.pop((sink.host, sink.port), None)
            sink.controller.stop()


def _matches(subject: str, body: str, step: EmailStep, scope: Scope) -> bool:
    want_subject = scope.text(step.expect_subject) if step.expect_subject else None
    want_body = scope.text(step.expect_body) if step.expect_body else None
    if want_subject and want_subject.lower() not in subject.lower():
        return False
    return not (want_body and want_body.lower() not in body.lower())


def _send(step: EmailStep, scope: Scope, reply_to: str | None) -> None:
    message = EmailMessage()
    message["From"] = scope.text(step.sender)
    message["To"] = scope.text(step.to)
    message["Subject"] = scope.text(step.subject)
    if reply_to:
        message["Reply-To"] = reply_to
    message.set_content(scope.text(step.body) or "(journey check)")
    with smtplib.SMTP(step.smtp_host, step.smtp_port, timeout=10) as smtp:
        smtp.send_message(message)


async def _wait_sink(sink: Sink, since: float, step: EmailStep, scope: Scope) -> Received | None:
    deadline = time.monotonic() + step.within_s
    while time.monotonic() < deadline:
        with sink.lock:
            found = [m for m in sink.messages if m.at >= since]
        for m in found:
            if _matches(m.subject, m.body, step, scope):
                return m
        await asyncio.sleep(POLL_S)
    return None


def _imap_find(box: Mailbox, scope: Scope, step: EmailStep, since: datetime) -> Received | None:
    from imap_tools import AND, MailBox, MailBoxUnencrypted

    cls = MailBox if box.ssl else MailBoxUnencrypted
    password = scope.text(box.password or "")
    with cls(box.host, box.port or (993 if box.ssl else 143)).login(
        scope.text(box.username or ""), password, box.folder
    ) as mailbox:
        for msg in mailbox.fetch(AND(date_gte=since.date()), mark_seen=False, reverse=True):
            if msg.date and msg.date.astimezone(UTC) < since.replace(microsecond=0):
                continue
            if _matches(msg.subject, msg.text or msg.html, step, scope):
                return Received(time.monotonic(), msg.subject, msg.text, msg.from_)
    return None


async def _wait_imap(step: EmailStep, scope: Scope, since: datetime) -> Received | None:
    deadline = time.monotonic() + step.within_s
    while time.monotonic() < deadline:
        found = await asyncio.to_thread(_imap_find, step.mailbox, scope, step, since)
        if found:
            return found
        await asyncio.sleep(min(2.0, max(0.0, deadline - time.monotonic())))
    return None


async def run_email(step: EmailStep, scope: Scope, result: StepResult) -> None:
    started = time.perf_counter()
    box = step.mailbox
    if box.kind == "sink":
        sink = await asyncio.to_thread(acquire_sink, box.host, box.port)
        try:
            since = time.monotonic()
            reply_to = step.reply_to and scope.text(step.reply_to)
            await asyncio.to_thread(_send, step, scope, reply_to)
            got = await _wait_sink(sink, since, step, scope)
        finally:
            await asyncio.to_thread(release_sink, sink)
    else:
        since_dt = datetime.now(UTC)
        await asyncio.to_thread(_send, step, scope, step.reply_to and scope.text(step.reply_to))
        got = await _wait_imap(step, scope, since_dt)
    result.duration_ms = int((time.perf_counter() - started) * 1000)
    if got is None:
        result.status = FAILED
        result.error = f"no matching reply within {step.within_s:g} s"
    else:
        result.excerpt = redact(scope.mask(f"reply: {got.subject}\n\n{got.body[:500]}"))
