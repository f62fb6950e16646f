"""The thread through the API: replies, internal notes, attachments (upload, download
headers, limits) — and that a failed request leaves nothing behind."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops.config import get_settings
from csops.domains.accounts.models import Role
from csops.domains.tickets.models import Attachment, Message
from tests.web.api.conftest import Desk, assert_problem, open_ticket


def _counts(server: Desk, ticket_id: int) -> tuple[int, int]:
    def count(session: Session) -> tuple[int, int]:
        messages = session.scalar(
            select(func.count(Message.id)).where(Message.ticket_id == ticket_id)
        )
        files = session.scalar(
            select(func.count(Attachment.id)).where(Attachment.ticket_id == ticket_id)
        )
        return messages or 0, files or 0

    result: tuple[int, int] = server.seed(count)
    return result


def test_internal_notes_never_reach_the_customer(server: Desk) -> None:
    _uid, agent = server.staff(Role.agent)
    customer, email = server.new_customer()
    ticket = open_ticket(agent, requester={"email": email})
    url = f"/api/v1/tickets/{ticket['id']}/messages"
    reply = agent.post(url, json={"body": "We are on it.", "public": True})
    assert reply.status_code == 201 and reply.json()["public"] is True
    note = agent.post(
        url,
        data={"body": "Internal: customer is on the old plan", "public": "false"},
        files=[("files", ("secret.txt", b"internal only", "text/plain"))],
    )
    assert note.status_code == 201, note.text
    assert note.json()["public"] is False
    note_file = note.json()["attachments"][0]["id"]
    staff_view = [m["body_text"] for m in agent.get(url).json()["items"]]
    assert "Internal: customer is on the old plan" in staff_view
    portal = server.portal(customer)
    seen = portal.get(url).json()["items"]
    assert all(m["public"] for m in seen)
    assert not any("Internal" in m["body_text"] for m in seen)
    assert "We are on it." in [m["body_text"] for m in seen]
    assert_problem(portal.get(f"/api/v1/attachments/{note_file}"), 404)
    assert agent.get(f"/api/v1/attachments/{note_file}").status_code == 200
    found = portal.get("/api/v1/tickets", params={"q": "old plan"}).json()["items"]
    assert ticket["id"] not in [t["id"] for t in found]
    forced = portal.post(url, json={"body": "Thanks!", "public": False})
    assert forced.status_code == 201 and forced.json()["public"] is True
    assert agent.get(f"/api/v1/tickets/{ticket['id']}").json()["status"] == "open"


def test_attachment_upload_and_download_headers(server: Desk) -> None:
    _uid, agent = server.staff(Role.agent)
    customer, email = server.new_customer()
    ticket = open_ticket(agent, requester={"email": email})
    url = f"/api/v1/tickets/{ticket['id']}/messages"
    files = [
        ("files", ("../../etc/rapport d'été.pdf", b"%PDF-1.4 fake", "application/pdf")),
        ("files", ("evil.html", b"<script>alert(1)</script>", "text/html")),
        ("files", ("logo.svg", b"<svg onload='alert(1)'/>", "image/svg+xml")),
    ]
    posted = agent.post(url, data={"body": "Files attached"}, files=files)
    assert posted.status_code == 201, posted.text
    attachments = posted.json()["attachments"]
    assert [a["filename"] for a in attachments] == ["rapport d_été.pdf", "evil.html", "logo.svg"]
    portal = server.portal(customer)
    pdf = portal.get(attachments[0]["url"])
    assert pdf.status_code == 200 and pdf.content == b"%PDF-1.4 fake"
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["x-content-type-options"] == "nosniff"
    assert pdf.headers["content-disposition"].startswith("attachment;")
    assert "%C3%A9t%C3%A9.pdf" in pdf.headers["content-disposition"]
    for attachment in attachments[1:]:
        risky = portal.get(attachment["url"])
        assert risky.headers["content-type"] == "application/octet-stream"
        assert risky.headers["content-disposition"].startswith("attachment;")
        assert risky.headers["x-content-type-options"] == "nosniff"
    assert_problem(agent.get("/api/v1/attachments/2147483647"), 404)
    assert_problem(agent.get("/api/v1/attachments/99999999999"), 422)


def test_attachment_limits_and_nothing_partial(server: Desk) -> None:
    settings = get_settings()
    _uid, agent = server.staff(Role.agent)
    ticket = open_ticket(agent)
    url = f"/api/v1/tickets/{ticket['id']}/messages"
    before = _counts(server, ticket["id"])
    too_big = b"x" * (settings.max_attachment_bytes + 1)
    response = agent.post(
        url,
        data={"body": "two files, one too big"},
        files=[
            ("files", ("small.txt", b"fine", "text/plain")),
            ("files", ("big.bin", too_big, "application/octet-stream")),
        ],
    )
    body = assert_problem(response, 422)
    assert "big.bin" in body["detail"]
    many = [
        ("files", (f"f{n}.txt", b"x", "text/plain"))
        for n in range(settings.max_attachments_per_message + 1)
    ]
    assert_problem(agent.post(url, data={"body": "too many"}, files=many), 422)
    assert _counts(server, ticket["id"]) == before
    assert agent.get(f"/api/v1/tickets/{ticket['id']}").json()["status"] == "new"
    exact = [("files", ("edge.bin", b"y" * settings.max_attachment_bytes, "application/x-y"))]
    assert agent.post(url, data={"body": "at the limit"}, files=exact).status_code == 201
    assert _counts(server, ticket["id"]) == (before[0] + 1, before[1] + 1)


def test_message_input_is_validated(server: Desk) -> None:
    _uid, agent = server.staff(Role.agent)
    ticket = open_ticket(agent)
    url = f"/api/v1/tickets/{ticket['id']}/messages"
    assert_problem(agent.post(url, json={"body": "hi", "cc": "boss"}), 422)
    assert_problem(agent.post(url, json={"body": "   "}), 422)
    assert_problem(agent.post(url, data={"body": "hi", "public": "maybe"}), 422)
    wrong_field = [("attachment", ("a.txt", b"x", "text/plain"))]
    assert_problem(agent.post(url, data={"body": "hi"}, files=wrong_field), 422)
    assert_problem(
        agent.post(url, content=b'{"body": "hi"}', headers={"content-type": "text/csv"}), 415
    )
    assert_problem(
        agent.post(url, content=b"--x", headers={"content-type": "multipart/form-data"}), 400
    )
    assert agent.post(url, data={"body": "form reply"}).status_code == 201
    files_only = agent.post(url, files=[("files", ("only.txt", b"x", "text/plain"))])
    assert files_only.status_code == 201
    page = agent.get(url, params={"limit": 1}).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = agent.get(url, params={"cursor": page["next_cursor"], "limit": 500}).json()
    assert [m["id"] for m in rest["items"]][0] > page["items"][0]["id"]
    assert rest["next_cursor"] is None
    assert_problem(agent.get(url, params={"cursor": "abc"}), 422)


def test_closed_ticket_takes_no_messages(server: Desk) -> None:
    _uid, agent = server.staff(Role.agent)
    ticket = open_ticket(agent)
    url = f"/api/v1/tickets/{ticket['id']}"
    agent.patch(url, json={"status": "solved"})
    assert agent.patch(url, json={"status": "closed"}).status_code == 200
    assert_problem(agent.post(f"{url}/messages", json={"body": "late"}), 409)
