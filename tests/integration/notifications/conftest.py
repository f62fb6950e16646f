"""Local SMTP and HTTP servers, and the transports pointed at them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from csops.domains.notifications.delivery import use_transports
from csops.integrations.smtp_out import SmtpMailer
from tests.integration.notifications.sinks import HttpSink, SmtpSink, start_http, start_smtp


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink, controller = start_smtp()
    with use_transports(mailer=SmtpMailer(sink.host, sink.port, timeout=5)):
        yield sink
    controller.stop()


@pytest.fixture
def http() -> Iterator[HttpSink]:
    sink, server = start_http()
    yield sink
    server.shutdown()
    server.server_close()
