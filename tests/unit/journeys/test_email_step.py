"""The email step: SMTP out to a support desk, the reply caught by the runner's own sink."""

from __future__ import annotations

import asyncio
import email.policy
import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from csops.domains.journeys import spec
from csops.domains.journeys.runner import RunOptions, run_all
from tests.fixtures.journeys.app import free_port


class AutoResponder:
    """A support desk stand-in: acknowledges every message by mail through a relay."""

    def __init__(self, relay_port: int) -> None:
        self.relay_port = relay_port
        self.seen: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        incoming = BytesParser(policy=email.policy.default).parsebytes(envelope.content)
        self.seen.append(str(incoming["subject"]))
        reply = EmailMessage()
        reply["From"] = "support@desk.example"
        reply["To"] = str(incoming["reply-to"] or incoming["from"])
        reply["Subject"] = f"[#42] Re: {incoming['subject']}"
        reply.set_content("We received your request (ticket #42).")
        await asyncio.to_thread(self._send, reply)
        return "250 OK"

    def _send(self, message: EmailMessage) -> None:
        with smtplib.SMTP("127.0.0.1", self.relay_port, timeout=5) as smtp:
            smtp.send_message(message)


@pytest.fixture
def desk() -> Iterator[tuple[int, int, AutoResponder]]:
    desk_port, sink_port = free_port(), free_port()
    handler = AutoResponder(sink_port)
    controller = Controller(handler, hostname="127.0.0.1", port=desk_port)
    controller.start()
    try:
        yield desk_port, sink_port, handler
    finally:
        controller.stop()


def _spec(desk_port: int, sink_port: int, expect: str, within: float) -> spec.Spec:
    text = f"""environments:
  local: {{base_url: "http://127.0.0.1:9", variables: {{me: "cust@example.com"}}}}
journeys:
  - name: ack
    steps:
      - email:
          to: support@desk.example
          from: "${{me}}"
          subject: "Cannot log in ${{run_id}}"
          body: "Help"
          smtp_port: {desk_port}
          mailbox: {{kind: sink, port: {sink_port}}}
          expect_subject: "{expect}"
          expect_body: "received your request"
          within_s: {within}
"""
    loaded = spec.load_texts([("mail.yaml", text)])
    assert loaded.errors == []
    return loaded


def test_reply_arrives_in_the_sink(desk: tuple[int, int, AutoResponder]) -> None:
    desk_port, sink_port, handler = desk
    loaded = _spec(desk_port, sink_port, "Re: Cannot log in ${run_id}", 10)
    result = asyncio.run(run_all(loaded, "local", options=RunOptions(environ={})))[0]
    assert result.ok, result.error
    assert handler.seen and handler.seen[0].startswith("Cannot log in ")
    assert "[#42] Re: Cannot log in" in result.steps[0].excerpt
    assert "cust@example.com" not in result.steps[0].excerpt


def test_no_matching_reply_fails_within_the_budget(desk: tuple[int, int, AutoResponder]) -> None:
    desk_port, sink_port, _handler = desk
    loaded = _spec(desk_port, sink_port, "something else", 0.5)
    result = asyncio.run(run_all(loaded, "local", options=RunOptions(environ={})))[0]
    assert result.status == "failed"
    assert "no matching reply within 0.5 s" in result.error
