"""Prometheus metrics on a dedicated registry, and the ASGI middleware that feeds them.

Route labels use the matched route's path template (``/api/v1/tickets/{ticket_id}``), never
the raw path, so label sets stay bounded; requests that match no route count as
``unmatched``. Job gauges are set from counts the caller reads from the database at scrape
time, which is what makes them right across several worker processes.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "JOBS",
    "LATENCY",
    "REGISTRY",
    "REQUESTS",
    "TICKETS_CREATED",
    "MetricsMiddleware",
    "render",
    "route_label",
]

REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "csops_requests",
    "HTTP requests served, by method, route template and status code.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "csops_request_duration_seconds",
    "HTTP request latency in seconds, by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
TICKETS_CREATED = Gauge(
    "csops_tickets_created",
    "Tickets ever created, by channel (read from the database at scrape time, so every"
    " process reports the same figure).",
    ["channel"],
    registry=REGISTRY,
)
JOBS = Gauge(
    "csops_jobs",
    "Durable jobs in the database, by state (read at scrape time).",
    ["state"],
    registry=REGISTRY,
)

UNMATCHED = "unmatched"
_ALWAYS_REPORTED_STATES = ("queued", "running", "dead")


def render(
    jobs_counts: Mapping[str, int], tickets_by_channel: Mapping[str, int] | None = None
) -> tuple[bytes, str]:
    """Set the gauges read at scrape time; return (exposition text, content type).

    ``csops_jobs{state="dead"}`` is the dead-letter count: jobs that failed for good.
    """
    TICKETS_CREATED.clear()
    for channel, count in (tickets_by_channel or {}).items():
        TICKETS_CREATED.labels(channel=channel).set(count)
    JOBS.clear()
    for state in _ALWAYS_REPORTED_STATES:
        JOBS.labels(state=state).set(0)
    for state, count in jobs_counts.items():
        JOBS.labels(state=state).set(count)
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def route_label(scope: Scope) -> str:
    """The path template of the route the router matched, else ``unmatched``."""
    route: Any = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str) and path:
        return path
    return UNMATCHED


class MetricsMiddleware:
    """Pure ASGI middleware counting requests and timing them (SSE streams included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            method = str(scope.get("method", "GET"))
            route = route_label(scope)
            REQUESTS.labels(method=method, route=route, status=str(status)).inc()
            LATENCY.labels(method=method, route=route).observe(time.perf_counter() - started)
