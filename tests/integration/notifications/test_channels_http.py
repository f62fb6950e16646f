"""Apprise (json:// and form:// to a real local HTTP server) and the SSRF-guarded request
(pinned address, redirects re-checked, size and time caps) against real local servers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.orm import Session

from csops.domains.notifications import jobs, service
from csops.domains.notifications.models import ContactKind, ContactPoint, OutboxStatus
from csops.integrations import netguard
from csops.integrations.apprise_notifier import AppriseNotifier, NotificationRefused
from tests.integration.notifications.sinks import HttpSink

LOCAL = ["127.0.0.0/8"]


def test_apprise_json_and_form(http: HttpSink) -> None:
    host = http.url.removeprefix("http://")
    AppriseNotifier().notify(f"json://{host}/j", title="Title", body="Body 你好")
    AppriseNotifier().notify(f"form://{host}/f", title="T2", body="B2")
    j, f = http.hits
    assert j.path == "/j" and json.loads(j.body)["message"] == "Body 你好"
    assert json.loads(j.body)["title"] == "Title"
    assert f.path == "/f" and b"B2" in f.body
    http.responses.append((500, {}, b"no"))
    with pytest.raises(NotificationRefused):
        AppriseNotifier().notify(f"json://{host}/j", title="x", body="y")


def test_preferred_chat_contact_point_delivery(
    db: Session, factories: SimpleNamespace, http: HttpSink
) -> None:
    customer = factories.customer()
    host = http.url.removeprefix("http://")
    db.add(
        ContactPoint(
            customer_id=customer.id,
            kind=ContactKind.slack,
            address=f"json://{host}/slack",
            preferred=True,
        )
    )
    db.flush()
    [item] = service.notify(
        db,
        event_key="chat-1",
        kind="t",
        template="generic",
        context={"subject": "Heads up", "body": "{{ not evaluated }}"},
        customer_id=customer.id,
    )
    jobs.deliver(db, {"outbox_id": item.id})
    assert item.status is OutboxStatus.sent
    [hit] = http.hits
    assert hit.path == "/slack"
    assert json.loads(hit.body)["message"].startswith("{{ not evaluated }}")


class _Server:
    def __init__(self, routes: dict[str, tuple[int, dict[str, str], bytes, float]]) -> None:
        self.routes = routes
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("content-length") or 0))
                self.do_GET()

            def do_GET(self) -> None:  # noqa: N802
                status, headers, body, delay = outer.routes.get(self.path, (404, {}, b"", 0.0))
                time.sleep(delay)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def web() -> Iterator[_Server]:
    server = _Server({})
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def test_guard_refuses_loopback_unless_allowed(web: _Server) -> None:
    web.routes["/ok"] = (200, {}, b"fine", 0.0)
    with pytest.raises(netguard.BlockedURL):
        netguard.guarded_request("POST", web.url + "/ok", content=b"{}")
    response = netguard.guarded_request(
        "POST", web.url + "/ok", content=b"{}", allowed_ranges=LOCAL
    )
    assert (response.status_code, response.content) == (200, b"fine")


def test_redirects_are_checked_again(web: _Server) -> None:
    web.routes["/to-metadata"] = (307, {"location": "http://169.254.169.254/latest"}, b"", 0.0)
    web.routes["/to-ok"] = (302, {"location": "/ok"}, b"", 0.0)
    web.routes["/ok"] = (200, {}, b"landed", 0.0)
    with pytest.raises(netguard.BlockedURL):
        netguard.guarded_request("POST", web.url + "/to-metadata", allowed_ranges=LOCAL)
    landed = netguard.guarded_request("POST", web.url + "/to-ok", allowed_ranges=LOCAL)
    assert landed.content == b"landed" and landed.url.endswith("/ok")
    web.routes["/loop"] = (302, {"location": "/loop"}, b"", 0.0)
    with pytest.raises(netguard.BlockedURL, match="redirects"):
        netguard.guarded_request("GET", web.url + "/loop", allowed_ranges=LOCAL)


def test_size_and_time_caps(web: _Server) -> None:
    web.routes["/big"] = (200, {}, b"x" * 300_000, 0.0)
    big = netguard.guarded_request("GET", web.url + "/big", allowed_ranges=LOCAL, max_bytes=1000)
    assert big.truncated and len(big.content) == 1000
    web.routes["/slow"] = (200, {}, b"late", 2.0)
    started = time.monotonic()
    with pytest.raises(Exception) as caught:
        netguard.guarded_request("GET", web.url + "/slow", allowed_ranges=LOCAL, timeout=0.3)
    assert time.monotonic() - started < 1.5
    assert "Timeout" in type(caught.value).__name__
