"""The agent's ticket page through a real server: thread, replies and notes, properties, merge."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role
from csops.domains.kb import service as kb
from csops.domains.kb.schemas import MacroCreate
from csops.domains.tickets.models import Message, Priority, Status
from tests.web.conftest import LiveServer
from tests.web.ui.conftest import flash_text, load, post_as, signed_in, team_id, ticket

HTML = {"accept": "text/html"}


def _messages(live: LiveServer, ticket_id: int) -> list[Message]:
    def read(session: Session) -> list[Message]:
        rows = session.scalars(
            select(Message).where(Message.ticket_id == ticket_id).order_by(Message.id)
        ).all()
        for row in rows:
            session.expunge(row)
        return list(rows)

    result: list[Message] = live.seed(read)
    return result


def test_ticket_page_shows_thread_and_notes_to_agents(live: LiveServer) -> None:
    live.user("bea@csops.example", team_names=("Billing",))
    live.user("nick@csops.example", team_names=("Network",))
    ticket_id = ticket(
        live,
        subject="Invoice <b>doubled</b>",
        description="I was charged twice <script>alert(1)</script>",
        team_id=team_id(live, "Billing"),
    )
    post_as(live, ticket_id, "bea@csops.example", "Check the ledger first", public=False)
    bea = signed_in(live, "bea@csops.example")

    page = bea.get(f"/tickets/{ticket_id}")
    assert page.status_code == 200
    assert "Invoice &lt;b&gt;doubled&lt;/b&gt;" in page.text  # escaped on the way out
    assert "<script>alert(1)</script>" not in page.text
    assert "I was charged twice" in page.text
    assert 'class="msg internal"' in page.text and "Check the ledger first" in page.text
    assert 'class="msg public from-customer"' in page.text
    assert "created the ticket" in page.text and "added an internal note" in page.text
    assert f'sse-connect="/live/tickets/{ticket_id}?after=' in page.text

    nick = signed_in(live, "nick@csops.example")
    hidden = nick.get(f"/tickets/{ticket_id}", headers=HTML)
    assert hidden.status_code == 404 and "Check the ledger" not in hidden.text
    assert nick.get("/tickets/999999", headers=HTML).status_code == 404


def test_reply_note_and_attachment(live: LiveServer) -> None:
    live.user("ann@csops.example", role=Role.admin)
    ticket_id = ticket(live, subject="Card declined")
    ann = signed_in(live, "ann@csops.example")
    url = f"/tickets/{ticket_id}/messages"

    forged = ann.client.post(url, data={"body": "no token"})
    assert forged.status_code == 403

    reply = ann.post(url, {"body": "We are looking into it", "kind": "public", "status": "pending"})
    assert reply.status_code == 303
    assert reply.headers["location"].startswith(f"/tickets/{ticket_id}#msg-")
    assert load(live, ticket_id).status == Status.pending

    note = ann.post(
        url,
        {"body": "Customer is on the old plan", "kind": "note"},
        files=[("files", ("trace.txt", b"stack trace here", "text/plain"))],
    )
    assert note.status_code == 303
    messages = _messages(live, ticket_id)
    assert [(m.is_public, m.body_text) for m in messages[1:]] == [
        (True, "We are looking into it"),
        (False, "Customer is on the old plan"),
    ]
    page = ann.get(f"/tickets/{ticket_id}")
    assert "Internal note added" in flash_text(page.text)
    found = re.search(r'href="/api/v1/attachments/(\d+)" download', page.text)
    assert found and "trace.txt" in page.text

    empty = ann.post(url, {"body": "   ", "kind": "public"})
    assert empty.status_code == 303
    assert "Not saved" in flash_text(ann.get(empty.headers["location"]).text)
    illegal = ann.post(url, {"body": "Closing", "status": "closed"})  # pending -> closed: no
    assert "Not saved" in flash_text(ann.get(illegal.headers["location"]).text)
    assert len(_messages(live, ticket_id)) == 3  # the failed posts left nothing behind


def test_properties_update_and_stale_version(live: LiveServer) -> None:
    live.user("ann@csops.example", role=Role.admin, team_names=("Payments",))
    sam = live.user("sam@csops.example")
    ticket_id = ticket(live, subject="Refund pending", tags=["refund"])
    payments = team_id(live, "Payments")
    ann = signed_in(live, "ann@csops.example")
    version = load(live, ticket_id).version
    form = {
        "version": str(version),
        "status": "open",
        "priority": "urgent",
        "type": "problem",
        "assignee_id": str(sam),
        "team_id": str(payments),
        "service": "",
        "tags": "Refund, VIP",
    }

    saved = ann.post(f"/tickets/{ticket_id}/properties", form)
    assert saved.status_code == 303
    row = load(live, ticket_id)
    assert (row.status, row.priority, row.assignee_id, row.team_id) == (
        Status.open,
        Priority.urgent,
        sam,
        payments,
    )
    assert row.tags == ["refund", "vip"]
    page = ann.get(f"/tickets/{ticket_id}")
    assert "Ticket updated" in flash_text(page.text)
    assert "Sam" in page.text and "changed Priority" in page.text

    stale = ann.post(f"/tickets/{ticket_id}/properties", form | {"priority": "low"})
    assert stale.status_code == 303
    assert "changed since you read it" in flash_text(ann.get(f"/tickets/{ticket_id}").text)
    assert load(live, ticket_id).priority == Priority.urgent

    fresh = str(load(live, ticket_id).version)
    bad = ann.post(
        f"/tickets/{ticket_id}/properties", form | {"version": fresh, "tags": "no spaces allowed"}
    )
    assert "Not saved" in flash_text(ann.get(bad.headers["location"]).text)
    assert ann.client.post(f"/tickets/{ticket_id}/properties", data=form).status_code == 403


def test_merge_and_macro(live: LiveServer) -> None:
    live.user("ann@csops.example", role=Role.admin)
    source, target = ticket(live, subject="Dup one"), ticket(live, subject="Dup two")
    ann = signed_in(live, "ann@csops.example")

    def make_macro(session: Session) -> int:
        data = MacroCreate.model_validate(
            {
                "name": "Ask for logs",
                "body": "Could you send logs?",
                "actions": {"status": "pending"},
            }
        )
        return kb.create_macro(session, data=data, actor=Actor.system()).id

    macro_id = live.seed(make_macro)
    page = ann.get(f"/tickets/{target}")
    assert "Ask for logs" in page.text
    applied = ann.post(f"/tickets/{target}/macro", {"macro_id": str(macro_id)})
    assert applied.status_code == 303
    assert load(live, target).status == Status.pending
    assert _messages(live, target)[-1].body_text == "Could you send logs?"

    nowhere = ann.post(f"/tickets/{source}/merge", {"target_id": "999999"})
    assert "Not saved" in flash_text(ann.get(nowhere.headers["location"]).text)
    merged = ann.post(f"/tickets/{source}/merge", {"target_id": f"#{target}"})
    assert merged.status_code == 303 and merged.headers["location"] == f"/tickets/{target}"
    closed = load(live, source)
    assert closed.status == Status.closed and closed.merged_into_id == target
    page = ann.get(f"/tickets/{source}")
    assert "This ticket was merged into" in page.text and 'id="reply"' not in page.text
    assert "merged in" in ann.get(f"/tickets/{target}").text
