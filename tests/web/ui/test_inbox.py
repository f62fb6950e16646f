"""The agent inbox through a real server: visibility, filters, search, sort, pages, bulk actions."""

from __future__ import annotations

import html
import re

from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role
from csops.domains.tickets import service
from csops.domains.tickets.models import Priority, Status
from csops.domains.tickets.schemas import TicketUpdate
from tests.web.conftest import LiveServer
from tests.web.ui.conftest import flash_text, load, row_ids, signed_in, team_id, ticket

NEXT = re.compile(r'href="([^"]+)" rel="next"')


def _close(live: LiveServer, ticket_id: int) -> None:
    def close(session: Session) -> None:
        for status in (Status.solved, Status.closed):
            service.update_ticket(
                session,
                ticket_id=ticket_id,
                data=TicketUpdate(status=status),
                actor=Actor.system(),
            )

    live.seed(close)


def test_signed_out_is_sent_to_login(live: LiveServer) -> None:
    response = live.client().get("/inbox?view=urgent")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/inbox")


def test_inbox_lists_only_tickets_the_agent_may_see(live: LiveServer) -> None:
    live.user("bea@csops.example", team_names=("Billing",))
    live.user("nick@csops.example", team_names=("Network",))
    live.user("boss@csops.example", role=Role.manager)
    billing = ticket(live, subject="Invoice doubled", team_id=team_id(live, "Billing"))
    network = ticket(live, subject="VPN flapping", team_id=team_id(live, "Network"))
    triage = ticket(live, subject="Untriaged question")

    bea = signed_in(live, "bea@csops.example")
    page = bea.get("/inbox")
    assert page.status_code == 200
    assert set(row_ids(page.text)) == {billing, triage}
    assert "VPN flapping" not in page.text
    assert "VPN flapping" not in bea.get("/inbox?q=flapping").text

    nick = signed_in(live, "nick@csops.example")
    assert set(row_ids(nick.get("/inbox").text)) == {network, triage}
    assert set(row_ids(nick.get("/inbox?view=").text)) == {network, triage}

    boss = signed_in(live, "boss@csops.example")
    page = boss.get("/inbox")
    assert set(row_ids(page.text)) == {billing, network, triage}
    assert 'aria-current="page"' in page.text and "All open" in page.text


def test_filters_search_and_sort(live: LiveServer) -> None:
    live.user("ann@csops.example", role=Role.admin)
    printer = ticket(live, subject="Printer on fire", priority="urgent", tags=["hardware"])
    vpn = ticket(live, subject="VPN drops", description="The tunnel drops hourly", priority="high")
    password = ticket(live, subject="Password reset loop", tags=["login"], channel="email")
    ann = signed_in(live, "ann@csops.example")

    assert row_ids(ann.get("/inbox?priority=urgent").text) == [printer]
    assert row_ids(ann.get("/inbox?view=urgent").text) == [printer]
    assert row_ids(ann.get("/inbox?tag=login").text) == [password]
    assert row_ids(ann.get("/inbox?channel=email").text) == [password]
    assert row_ids(ann.get("/inbox?q=hourly").text) == [vpn]
    assert row_ids(ann.get("/inbox?assignee=none&status=new").text) == [password, vpn, printer]
    assert row_ids(ann.get("/inbox?status=solved").text) == []

    ascending = row_ids(ann.get("/inbox?sort=subject").text)
    assert ascending == [password, printer, vpn]
    assert row_ids(ann.get("/inbox?sort=-subject").text) == [vpn, printer, password]
    assert row_ids(ann.get("/inbox?sort=-priority").text) == [printer, vpn, password]
    page = ann.get("/inbox?sort=subject&priority=high")
    assert 'class="sorted asc"' in page.text
    assert 'value="high" selected' in page.text  # the form shows the filter in force

    assert ann.get("/inbox?sort=secret").status_code == 422
    assert ann.get("/inbox?status=bogus").status_code == 422
    assert ann.get("/inbox?view=nope").status_code == 404


def test_cursor_pagination_keeps_filters(live: LiveServer) -> None:
    live.user("ann@csops.example", role=Role.admin)
    ids = [ticket(live, subject=f"Normal one {n}") for n in range(5)]
    ticket(live, subject="Urgent outlier", priority="urgent")
    ann = signed_in(live, "ann@csops.example")

    seen: list[int] = []
    url: str | None = "/inbox?priority=normal&sort=id&limit=2"
    while url:
        page = ann.get(url)
        assert page.status_code == 200
        seen += row_ids(page.text)
        found = NEXT.search(page.text)
        url = html.unescape(found.group(1)) if found else None
        if url:
            assert "priority=normal" in url and "sort=id" in url and "cursor=" in url
    assert seen == ids
    assert ann.get("/inbox?cursor=not-a-cursor").status_code == 422


def test_bulk_assign_status_priority_with_csrf(live: LiveServer) -> None:
    live.user("ann@csops.example", role=Role.admin)
    sam = live.user("sam@csops.example")
    first, second = ticket(live, subject="One"), ticket(live, subject="Two")
    ann = signed_in(live, "ann@csops.example")
    ids = [str(first), str(second)]
    back = "/inbox?view=open&sort=id"

    forged = ann.client.post(
        "/inbox/bulk", data={"ids": ids, "action": "assign", "assignee": str(sam)}
    )
    assert forged.status_code == 403
    assert load(live, first).assignee_id is None

    done = ann.post(
        "/inbox/bulk", {"ids": ids, "action": "assign", "assignee": str(sam)} | {"back": back}
    )
    assert done.status_code == 303 and done.headers["location"] == back
    assert load(live, first).assignee_id == sam and load(live, second).assignee_id == sam
    assert "2 tickets updated" in flash_text(ann.get(back).text)
    assert flash_text(ann.get(back).text) == ""  # a flash shows once

    ann.post("/inbox/bulk", {"ids": ids, "action": "status", "status": "pending"})
    ann.post("/inbox/bulk", {"ids": ids, "action": "priority", "priority": "high"})
    for ticket_id in (first, second):
        row = load(live, ticket_id)
        assert row.status == Status.pending and row.priority == Priority.high

    ann.post("/inbox/bulk", {"ids": ids, "action": "assign", "assignee": "none"})
    assert load(live, first).assignee_id is None

    escape = ann.post(
        "/inbox/bulk",
        {"ids": ids, "action": "status", "status": "open", "back": "https://evil.example/"},
    )
    assert escape.headers["location"] == "/inbox"


def test_bulk_is_all_or_nothing(live: LiveServer) -> None:
    live.user("ann@csops.example", role=Role.admin)
    fine, closed = ticket(live, subject="Fine"), ticket(live, subject="Closed already")
    _close(live, closed)
    ann = signed_in(live, "ann@csops.example")

    response = ann.post(
        "/inbox/bulk", {"ids": [str(fine), str(closed)], "action": "status", "status": "pending"}
    )
    assert response.status_code == 303
    assert load(live, fine).status == Status.new  # nothing changed, not even the first
    message = flash_text(ann.get("/inbox").text)
    assert "Nothing was changed" in message and f"#{closed}" in message

    nothing = ann.post("/inbox/bulk", {"action": "status", "status": "open"})
    assert "select at least one ticket" in flash_text(ann.get(nothing.headers["location"]).text)
    ann.post("/inbox/bulk", {"ids": [str(fine)], "action": "assign", "assignee": "999999"})
    assert load(live, fine).assignee_id is None


def test_bulk_tags_and_merge(live: LiveServer) -> None:
    live.user("ann@csops.example", role=Role.admin)
    a, b, target = ticket(live, subject="A"), ticket(live, subject="B"), ticket(live, subject="T")
    ann = signed_in(live, "ann@csops.example")

    ann.post("/inbox/bulk", {"ids": [str(a), str(b)], "action": "add_tag", "tag": "Outage"})
    assert load(live, a).tags == ["outage"] and load(live, b).tags == ["outage"]
    assert row_ids(ann.get("/inbox?tag=outage&sort=id").text) == [a, b]
    ann.post("/inbox/bulk", {"ids": [str(b)], "action": "remove_tag", "tag": "outage"})
    assert load(live, b).tags == []

    ann.post(
        "/inbox/bulk",
        {"ids": [str(a), str(b), str(target)], "action": "merge", "target": f"#{target}"},
    )
    for source in (a, b):
        row = load(live, source)
        assert row.status == Status.closed and row.merged_into_id == target
    assert load(live, target).tags == ["outage"]
