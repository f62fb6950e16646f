"""Notifications over the API, with a real server, a real SMTP server and a real HTTP
receiver: ticket mail end to end, templates, webhooks with signatures and replay."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from csops.domains.accounts.models import Role
from csops.domains.notifications.delivery import use_transports
from csops.domains.notifications.models import OutboxStatus
from csops.integrations.smtp_out import SmtpMailer
from csops.integrations.webhooks_out import verify
from csops.jobs.worker import Worker
from tests.integration.notifications.sinks import HttpSink, SmtpSink, start_http, start_smtp
from tests.web.api.conftest import Desk, assert_problem, open_ticket, uniq

N = "/api/v1/notifications"


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink, controller = start_smtp()
    with use_transports(mailer=SmtpMailer(sink.host, sink.port, timeout=5)):
        yield sink
    controller.stop()


@pytest.fixture
def hooks() -> Iterator[HttpSink]:
    sink, srv = start_http()
    yield sink
    srv.shutdown()
    srv.server_close()


def drain(server: Desk) -> None:
    Worker(server.engine, worker_id=uniq("w"), poll_seconds=0.01).run_until_idle()


def test_ticket_mail_end_to_end(server: Desk, smtp: SmtpSink) -> None:
    _, agent = server.staff(Role.agent)
    email = f"{uniq('ann')}@customer.example"
    customer_id, _ = server.new_customer()
    portal = server.portal(customer_id)
    ticket = open_ticket(portal, subject="Printer {{ 7*7 }}\r\nBcc: x@evil.test", channel="portal")
    drain(server)
    acks = [m for m in smtp.received if f"[#{ticket['id']}]" in str(m["Subject"])]
    assert len(acks) == 1 and acks[0]["Bcc"] is None
    assert "{{ 7*7 }}" in str(acks[0]["Subject"])
    assert acks[0]["Auto-Submitted"] == "auto-replied"
    reply = agent.post(
        f"/api/v1/tickets/{ticket['id']}/messages", json={"body": "We fixed it.", "public": True}
    )
    assert reply.status_code == 201, reply.text
    note = agent.post(
        f"/api/v1/tickets/{ticket['id']}/messages", json={"body": "internal", "public": False}
    )
    assert note.status_code == 201
    solved = agent.patch(f"/api/v1/tickets/{ticket['id']}", json={"status": "solved"})
    assert solved.status_code == 200, solved.text
    drain(server)
    mine = [m for m in smtp.received if f"[#{ticket['id']}]" in str(m["Subject"])]
    assert len(mine) == 3
    answer = next(m for m in mine if "We fixed it." in m.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert answer["In-Reply-To"] and answer["References"]
    assert answer["Auto-Submitted"] is None  # a person wrote it
    assert all("internal" not in m.get_body(("plain",)).get_content() for m in mine)  # type: ignore[union-attr]
    solved_mail = next(m for m in mine if "solved" in str(m["Subject"]))
    assert solved_mail["List-Unsubscribe"].startswith("<http")
    assert email  # the requester is the portal customer


def test_outbox_list_and_requeue(server: Desk) -> None:
    _, admin = server.staff(Role.admin)
    _, agent = server.staff(Role.agent)
    assert agent.get(N + "/outbox").status_code == 403
    open_ticket(admin, channel="web")  # made by staff: no acknowledgment
    page = admin.get(N + "/outbox", params={"limit": 5})
    assert page.status_code == 200 and "items" in page.json()

    def dead(session) -> int:  # type: ignore[no-untyped-def]
        from csops.domains.notifications import service

        [item] = service.notify(
            session,
            event_key=uniq("dead"),
            kind="t",
            template="generic",
            context={"subject": "s", "body": "b"},
            address="nobody@example.test",
        )
        item.status = OutboxStatus.dead
        return item.id

    item_id = server.seed(dead)
    again = admin.post(f"{N}/outbox/{item_id}/requeue")
    assert again.status_code == 200 and again.json()["status"] == "pending"
    assert_problem(admin.post(f"{N}/outbox/999999/requeue"), 404)


def test_templates_override_preview_reset(server: Desk) -> None:
    _, admin = server.staff(Role.admin)
    listed = admin.get(N + "/templates").json()
    assert {("ticket_ack", "zh_Hans"), ("magic_link", "en")} <= {
        (t["name"], t["locale"]) for t in listed
    }
    path = f"{N}/templates/ticket_ack/en"
    put = admin.put(
        path, json={"subject": "Got it: {{ subject }}", "text": "Thanks {{ customer_name }}"}
    )
    assert put.status_code == 200 and put.json()["overridden"] is True
    bad = admin.put(path, json={"subject": "{{ oops", "text": "x"})
    assert_problem(bad, 422)
    evil = admin.post(
        N + "/templates/preview",
        json={"subject": "x", "text": "{{ ''.__class__.__mro__ }}"},
    )
    assert_problem(evil, 422)
    prev = admin.post(
        N + "/templates/preview", json={"subject": "S {{ subject }}", "text": "{{ body }}"}
    )
    assert prev.status_code == 200 and "<b>tags</b>" in prev.json()["text"]
    assert "&lt;b&gt;" in prev.json()["html"]
    assert admin.delete(path).status_code == 204
    assert admin.get(path).json()["overridden"] is False
    assert_problem(admin.get(f"{N}/templates/nope/en"), 404)
    assert_problem(admin.get(f"{N}/templates/ticket_ack/fr"), 404)


def test_webhooks_ssrf_signing_log_and_replay(server: Desk, hooks: HttpSink) -> None:
    _, admin = server.staff(Role.admin)
    refused = admin.post(N + "/webhooks", json={"name": "x", "url": hooks.url + "/hook"})
    assert_problem(refused, 422)
    for url in ("http://169.254.169.254/", "file:///etc/passwd", "http://[::1]/"):
        assert_problem(admin.post(N + "/webhooks", json={"name": "x", "url": url}), 422)
    made = admin.post(
        N + "/webhooks",
        json={
            "name": "Local",
            "url": hooks.url + "/hook",
            "event_types": ["ticket.created"],
            "allowed_ranges": ["127.0.0.0/8"],
        },
    )
    assert made.status_code == 201, made.text
    sub = made.json()
    assert sub["secret"].startswith("whsec_")
    assert "secret" not in admin.get(f"{N}/webhooks/{sub['id']}").json()
    hooks.responses.append((500, {}, b"boom"))
    ticket = open_ticket(admin)
    drain(server)
    log = admin.get(f"{N}/webhooks/{sub['id']}/deliveries").json()
    mine = [d for d in log if d["payload"]["ticket_id"] == ticket["id"]]
    assert len(mine) == 1 and mine[0]["status"] == "failed" and mine[0]["status_code"] == 500
    assert mine[0]["response_excerpt"] == "boom"
    hit = hooks.hits[-1]
    assert verify(sub["secret"], hit.headers, hit.body)
    assert json.loads(hit.body)["data"]["ticket_id"] == ticket["id"]
    replay = admin.post(f"{N}/webhook-deliveries/{mine[0]['id']}/replay")
    assert replay.status_code == 201
    drain(server)
    log = admin.get(f"{N}/webhooks/{sub['id']}/deliveries").json()
    done = next(d for d in log if d["id"] == replay.json()["id"])
    assert done["status"] == "sent" and done["status_code"] == 200
    assert hooks.hits[-1].headers["webhook-id"] == mine[0]["webhook_id"]


def test_contact_points(server: Desk) -> None:
    _, agent = server.staff(Role.agent)
    customer_id, _ = server.new_customer()
    ok = agent.post(
        N + "/contact-points",
        json={
            "customer_id": customer_id,
            "kind": "slack",
            "address": "json://93.184.216.34/x",
            "preferred": True,
        },
    )
    assert ok.status_code == 201, ok.text
    assert_problem(
        agent.post(
            N + "/contact-points",
            json={"customer_id": customer_id, "kind": "sms", "address": "nope nope"},
        ),
        422,
    )
    assert_problem(
        agent.post(
            N + "/contact-points",
            json={"customer_id": customer_id, "kind": "email", "address": "a@b@c"},
        ),
        422,
    )
    loopback = {"customer_id": customer_id, "kind": "slack", "address": "json://127.0.0.1:9/x"}
    assert_problem(agent.post(N + "/contact-points", json=loopback), 422)
    listed = agent.get(N + "/contact-points", params={"customer_id": customer_id}).json()
    assert [p["kind"] for p in listed] == ["slack"]
    assert agent.delete(f"{N}/contact-points/{ok.json()['id']}").status_code == 204
