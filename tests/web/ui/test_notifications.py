"""Notification pages through a real server: admin pages with template preview, webhooks,
the public preference page (form and RFC 8058 one-click) and the emailed magic link."""

from __future__ import annotations

import re

from sqlalchemy import select

from csops import signing
from csops.domains.accounts.models import Customer, Role
from csops.domains.notifications import jobs, service
from csops.domains.notifications.delivery import use_transports
from csops.domains.notifications.models import OutboxItem, OutboxStatus, Preference
from csops.integrations.smtp_out import SmtpMailer
from tests.integration.notifications.sinks import start_smtp
from tests.web.conftest import LiveServer
from tests.web.ui.conftest import signed_in

A = "/admin/notifications"


def test_admin_pages_preview_and_webhooks(live: LiveServer) -> None:
    live.user("admin@staff.example", Role.admin)
    live.user("agent@staff.example", Role.agent)
    admin = signed_in(live, "admin@staff.example")
    agent = signed_in(live, "agent@staff.example")
    for path in (A + "/outbox", A + "/templates", A + "/webhooks"):
        assert admin.get(path).status_code == 200, path
        assert agent.get(path).status_code == 403, path
    page = admin.get(A + "/templates/ticket_ack/zh_Hans")
    assert page.status_code == 200 and "已收到" in page.text
    preview = admin.post(
        A + "/templates/agent_reply/en",
        {"subject": "Re {{ subject }}", "text": "{{ body }}", "html": "", "action": "preview"},
    )
    assert preview.status_code == 200
    assert "&lt;b&gt;tags&lt;/b&gt;" in preview.text  # sample customer text, escaped
    broken = admin.post(
        A + "/templates/agent_reply/en", {"subject": "x", "text": "{{ x", "action": "save"}
    )
    assert broken.status_code == 422 and "template error" in broken.text
    saved = admin.post(
        A + "/templates/agent_reply/en",
        {"subject": "Re {{ subject }}", "text": "Hi {{ body }}", "action": "save"},
    )
    assert saved.status_code == 303
    assert "Hi {{ body }}" in admin.get(A + "/templates/agent_reply/en").text
    assert admin.post(A + "/templates/agent_reply/en/reset").status_code == 303
    refused = admin.post(A + "/webhooks", {"name": "x", "url": "http://127.0.0.1:9/hook"})
    assert refused.status_code == 303 and refused.headers["location"] == A + "/webhooks"
    made = admin.post(
        A + "/webhooks",
        {
            "name": "Local",
            "url": "http://127.0.0.1:9/hook",
            "allowed_ranges": "127.0.0.0/8",
            "event_types": ["ticket.created"],
        },
    )
    assert made.status_code == 303
    detail = admin.get(made.headers["location"])
    assert detail.status_code == 200 and "whsec_" in detail.text and "ticket.created" in detail.text


def test_preference_page_form_and_one_click(live: LiveServer) -> None:
    customer_id = live.customer("ann@example.com")
    token = service.preferences_token(customer_id)
    client = live.client(follow_redirects=False)
    assert client.get("/preferences/garbage").status_code == 404
    page = client.get(f"/preferences/{token}")
    assert page.status_code == 200 and "ann@example.com" in page.text
    assert client.post(f"/preferences/{token}", data={"opt_out": "on"}).status_code == 403
    form_token = signing.digest("preferences-form", token)
    saved = client.post(f"/preferences/{token}", data={"opt_out": "on", "csrf_token": form_token})
    assert saved.status_code == 200 and "checked" in saved.text

    def opted(session) -> bool:  # type: ignore[no-untyped-def]
        pref = session.scalar(select(Preference).where(Preference.customer_id == customer_id))
        return bool(pref and pref.opt_out_non_essential)

    assert live.seed(opted) is True
    client.post(f"/preferences/{token}", data={"csrf_token": form_token})
    assert live.seed(opted) is False
    one_click = client.post(f"/preferences/{token}", data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200 and live.seed(opted) is True


def test_magic_link_is_emailed_and_works(live: LiveServer) -> None:
    live.customer("ann@example.com")
    client = live.client(follow_redirects=False)
    csrf = client.get("/portal/magic").cookies["csops_csrf"]
    sent = client.post("/portal/magic", data={"email": "ann@example.com", "csrf_token": csrf})
    assert sent.status_code == 200 and "/portal/magic/" not in sent.text
    sink, controller = start_smtp()
    try:
        with use_transports(mailer=SmtpMailer(sink.host, sink.port, timeout=5)):

            def deliver(session) -> int:  # type: ignore[no-untyped-def]
                item = session.scalar(select(OutboxItem).where(OutboxItem.template == "magic_link"))
                jobs.deliver(session, {"outbox_id": item.id})
                assert item.status is OutboxStatus.sent
                assert "/portal/magic/" not in item.body_text  # not kept once delivered
                return int(item.customer_id)

            customer_id = live.seed(deliver)
    finally:
        controller.stop()
    assert live.seed(lambda s: s.get(Customer, customer_id).email) == "ann@example.com"
    [mail] = sink.received
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = re.search(r"https?://\S+/portal/magic/(\S+)", body)
    assert link is not None
    redeemed = client.get(f"/portal/magic/{link.group(1)}")
    assert redeemed.status_code == 303 and redeemed.headers["location"] == "/portal"
