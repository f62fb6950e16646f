"""Structured logs parse, never carry secrets or bodies; metrics render after real requests."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from csops.observability import metrics
from csops.observability.logging import (
    REDACTED,
    JsonFormatter,
    RedactingFilter,
    TextFormatter,
    configure_logging,
    redact,
)

Captured = tuple[logging.Logger, io.StringIO, logging.Handler]


@pytest.fixture
def captured() -> Iterator[Captured]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("csops.test.logging")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, stream, handler
    logger.removeHandler(handler)


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_parse_with_extra_fields(captured: Captured) -> None:
    logger, stream, _ = captured
    logger.info("ticket %s created", 42, extra={"ticket_id": 42, "channel": "api"})
    (line,) = _lines(stream)
    assert line["message"] == "ticket 42 created"
    assert line["level"] == "INFO"
    assert line["logger"] == "csops.test.logging"
    assert line["ticket_id"] == 42 and line["channel"] == "api"
    assert str(line["timestamp"]).endswith("+00:00")


def test_secrets_and_bodies_are_redacted(captured: Captured) -> None:
    logger, stream, _ = captured
    logger.warning(
        "login failed",
        extra={
            "password": "hunter2",
            "api_token": "csk_live_abc",
            "headers": {"Authorization": "Bearer abc.def", "Cookie": "s=1", "accept": "x"},
            "body": "my private message",
            "description": "printer on fire",
            "email": "a@example.com",
        },
    )
    logger.info("GET /portal/magic?token=s3cr3t&x=1 Authorization: Bearer zzz.yyy")
    logger.info("user %(who)s set password=%(pw)s", {"who": "ann", "pw": "topsecret"})
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("failed", extra={"secret": "x"})
    text = stream.getvalue()
    for leaked in ("hunter2", "csk_live_abc", "abc.def", "private message", "printer", "s3cr3t"):
        assert leaked not in text
    assert "zzz.yyy" not in text and "topsecret" not in text
    first, second, third, fourth = _lines(stream)
    assert first["password"] == REDACTED and first["api_token"] == REDACTED
    assert first["body"] == REDACTED and first["description"] == REDACTED
    assert first["headers"] == {"Authorization": REDACTED, "Cookie": REDACTED, "accept": "x"}
    assert first["email"] == "a@example.com"
    assert "x=1" in str(second["message"])
    assert third["message"] == f"user ann set password={REDACTED}"
    assert fourth["secret"] == REDACTED and "ValueError: boom" in str(fourth["exc"])


def test_redact_nested_structures() -> None:
    value = {"a": [{"token": "t"}, "Bearer q"], "n": 1}
    assert redact(value) == {"a": [{"token": REDACTED}, f"Bearer {REDACTED}"], "n": 1}


def test_configure_logging_installs_one_handler(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    try:
        configure_logging("json", "DEBUG")
        handler = configure_logging("json", "INFO")
        ours = [h for h in root.handlers if h not in before]
        assert ours == [handler]
        assert root.level == logging.INFO
        logging.getLogger("csops.x").info("hello", extra={"password": "pw"})
        line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
        assert line["message"] == "hello" and line["password"] == REDACTED
        handler = configure_logging("text", logging.WARNING)
        logging.getLogger("csops.x").warning("plain", extra={"token": "t", "n": 3})
        err = capsys.readouterr().err
        assert "WARNING csops.x: plain" in err and "n=3" in err and "'t'" not in err
        assert isinstance(handler.formatter, TextFormatter)
    finally:
        for h in [h for h in root.handlers if h not in before]:
            root.removeHandler(h)
        root.setLevel(level)


def _app() -> Starlette:
    async def ticket(request: Request) -> PlainTextResponse:
        return PlainTextResponse(f"ticket {request.path_params['ticket_id']}")

    async def boom(request: Request) -> PlainTextResponse:
        raise RuntimeError("boom")

    app = Starlette(
        routes=[Route("/tickets/{ticket_id}", ticket), Route("/boom", boom)],
    )
    app.add_middleware(metrics.MetricsMiddleware)
    return app


def test_metrics_middleware_and_render() -> None:
    with TestClient(_app(), raise_server_exceptions=False) as client:
        assert client.get("/tickets/1").status_code == 200
        assert client.get("/tickets/2").status_code == 200
        assert client.get("/nowhere/xyz").status_code == 404
        assert client.get("/boom").status_code == 500
    body, content_type = metrics.render({"queued": 3, "dead": 1, "running": 2}, {"api": 7})
    text = body.decode()
    assert content_type.startswith("text/plain")
    assert "csops_requests_total" in text
    assert 'route="/tickets/{ticket_id}"' in text and "/tickets/1" not in text
    assert 'route="unmatched",status="404"' in text
    assert 'route="/boom",status="500"' in text
    assert "csops_request_duration_seconds_bucket" in text
    assert 'csops_tickets_created{channel="api"} 7.0' in text
    assert 'csops_jobs{state="queued"} 3.0' in text
    assert 'csops_jobs{state="running"} 2.0' in text
    text = metrics.render({})[0].decode()
    assert 'csops_jobs{state="dead"} 0.0' in text and 'state="succeeded"' not in text
    assert "csops_tickets_created{" not in text
