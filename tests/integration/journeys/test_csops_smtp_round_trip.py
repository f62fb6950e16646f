"""The email journey against csops itself: a message to csops's SMTP intake becomes a
ticket, csops acknowledges it by mail (outbox job, real SMTP), and the runner's sink
catches the acknowledgment within the time budget."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from csops.config import get_settings
from csops.domains.journeys import spec
from csops.domains.journeys.runner import RunOptions, run_all
from csops.jobs import registry, runtime
from tests.fixtures.journeys.app import free_port

mail_cmd = pytest.importorskip("csops.cli.mail_cmd")
delivery = pytest.importorskip("csops.domains.notifications.delivery")
mailer_mod = pytest.importorskip("csops.integrations.smtp_out.mailer")


def _worker(engine: Engine, stop: threading.Event) -> None:
    registry.autodiscover()
    while not stop.is_set():
        ids = runtime.claim(engine, "journey-test", 10)
        for job_id in ids:
            runtime.run_one(engine, job_id, "journey-test")
        if not ids:
            stop.wait(0.1)


@pytest.fixture
def csops_mail(fresh_engine: Engine) -> Iterator[tuple[int, int]]:
    intake_port, sink_port = free_port(), free_port()
    server = mail_cmd.start_smtp(fresh_engine, get_settings(), "127.0.0.1", intake_port)
    stop = threading.Event()
    worker = threading.Thread(target=_worker, args=(fresh_engine, stop), daemon=True)
    mailer = mailer_mod.SmtpMailer("127.0.0.1", sink_port, timeout=10)
    with delivery.use_transports(mailer=mailer):
        worker.start()
        try:
            yield intake_port, sink_port
        finally:
            stop.set()
            worker.join(10)
            server.stop()


def test_acknowledgment_reaches_the_sink(csops_mail: tuple[int, int]) -> None:
    intake_port, sink_port = csops_mail
    text = f"""environments:
  local: {{base_url: "http://127.0.0.1:9", variables: {{me: "journey@example.com"}}}}
journeys:
  - name: ack by email
    steps:
      - email:
          to: help@support.example.org
          from: "${{me}}"
          subject: "Cannot log in ${{run_id}}"
          body: "My login fails since this morning."
          smtp_port: {intake_port}
          mailbox: {{kind: sink, port: {sink_port}}}
          expect_subject: "We received your request: Cannot log in ${{run_id}}"
          within_s: 30
"""
    loaded = spec.load_texts([("ack.yaml", text)])
    assert loaded.errors == []
    result = asyncio.run(run_all(loaded, "local", options=RunOptions(environ={})))[0]
    assert result.ok, result.error
    assert "We received your request" in result.steps[0].excerpt
