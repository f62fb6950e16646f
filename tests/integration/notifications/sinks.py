"""Real local servers for the notification tests: an aiosmtpd SMTP server and an HTTP
server recording what it receives (used for webhooks and apprise's json:// / form://)."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class SmtpSink:
    """Keeps every accepted message; `unique` deduplicates on Message-ID like an MUA."""

    received: list[EmailMessage] = field(default_factory=list)
    refuse_next: int = 0
    host: str = "127.0.0.1"
    port: int = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        if self.refuse_next > 0:
            self.refuse_next -= 1
            return "451 try again later"
        raw = envelope.original_content or b""
        msg = message_from_bytes(raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.received.append(msg)
        return "250 OK"

    def unique(self) -> dict[str, EmailMessage]:
        return {str(m["Message-ID"]): m for m in self.received}


def start_smtp() -> tuple[SmtpSink, Controller]:
    sink = SmtpSink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        sink.port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    return sink, controller


@dataclass
class HttpHit:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class HttpSink:
    hits: list[HttpHit] = field(default_factory=list)
    responses: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start_http() -> tuple[HttpSink, ThreadingHTTPServer]:
    sink = HttpSink()

    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            sink.hits.append(
                HttpHit(
                    self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body
                )
            )
            status, headers, payload = sink.responses.pop(0) if sink.responses else (200, {}, b"ok")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_POST = do_GET = do_PUT = _any  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    sink.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return sink, server
