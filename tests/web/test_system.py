from __future__ import annotations

from csops.domains.accounts.actor import Actor
from csops.domains.tickets.schemas import TicketCreate
from csops.domains.tickets.service import create_ticket
from tests.web.conftest import LiveServer


def test_health_reports_database(live: LiveServer) -> None:
    with live.client() as client:
        response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_metrics_count_requests_jobs_and_tickets(live: LiveServer) -> None:
    live.seed(
        lambda s: create_ticket(
            s,
            data=TicketCreate(subject="Hi", description="x", requester={"email": "m@x.example"}),
            actor=Actor.system(),
        )
    )
    with live.client() as client:
        client.get("/health")
        text = client.get("/metrics").text
    assert 'csops_requests_total{method="GET",route="/health",status="200"}' in text
    assert 'csops_jobs{state="queued"}' in text and 'csops_jobs{state="dead"}' in text
    assert 'csops_tickets_created{channel="web"} 1.0' in text


def test_security_headers_on_every_response(live: LiveServer) -> None:
    with live.client() as client:
        for path in ("/health", "/login", "/api/openapi.json", "/no-such-page"):
            headers = client.get(path).headers
            assert "default-src 'self'" in headers["content-security-policy"], path
            assert headers["x-content-type-options"] == "nosniff", path


def test_openapi_is_served(live: LiveServer) -> None:
    with live.client() as client:
        spec = client.get("/api/openapi.json").json()
    assert spec["info"]["title"] == "csops"
