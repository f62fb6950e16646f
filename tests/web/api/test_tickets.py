"""Tickets through the real server: create, list (filters, sort, cursor), ETag / If-Match,
merge, history, and what a customer's own session may do."""

from __future__ import annotations

from typing import Any

from csops.domains.accounts.models import Role
from tests.web.api.conftest import Desk, assert_problem, open_ticket, uniq


def test_create_ticket_and_unknown_requester_becomes_customer(server: Desk) -> None:
    _uid, admin = server.staff(Role.admin)
    email = f"{uniq('Newbie')}@Example.ORG"
    response = admin.post(
        "/api/v1/tickets",
        json={
            "subject": "  Cannot log in  ",
            "description": "Since this morning the login page says *error*.",
            "requester": {"email": email, "name": "New Person"},
            "priority": "high",
            "type": "problem",
            "tags": ["Login", "login", "web"],
        },
    )
    assert response.status_code == 201
    ticket = response.json()
    assert response.headers["location"] == f"/api/v1/tickets/{ticket['id']}"
    assert response.headers["etag"] == f'W/"{ticket["id"]}-{ticket["version"]}"'
    assert ticket["subject"] == "Cannot log in"
    assert (ticket["priority"], ticket["type"], ticket["status"]) == ("high", "problem", "new")
    assert ticket["tags"] == ["login", "web"]
    assert ticket["channel"] == "api"
    found = admin.get("/api/v1/customers", params={"email": email}).json()["items"]
    assert [c["id"] for c in found] == [ticket["requester"]["id"]]
    assert found[0]["name"] == "New Person" and found[0]["email"] == email.lower()
    thread = admin.get(f"/api/v1/tickets/{ticket['id']}/messages").json()["items"]
    assert [m["body_text"] for m in thread] == ["Since this morning the login page says *error*."]
    again = open_ticket(admin, requester={"email": email.upper(), "name": "Other Name"})
    assert again["requester"]["id"] == ticket["requester"]["id"]


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.text
    return [t["id"] for t in response.json()["items"]]


def test_list_filters_sort_and_cursor(server: Desk) -> None:
    agent_id, admin = server.staff(Role.admin)
    tag = uniq("batch")
    word = uniq("zebra")
    made = [
        open_ticket(admin, subject=f"Ticket {n} {word if n == 2 else ''}", tags=[tag], priority=p)
        for n, p in enumerate(["low", "urgent", "normal", "high", "urgent"])
    ]
    ids = [t["id"] for t in made]
    admin.patch(f"/api/v1/tickets/{ids[0]}", json={"status": "pending", "assignee_id": agent_id})
    url = "/api/v1/tickets"
    assert _ids(admin.get(url, params={"tag": tag, "sort": "id"})) == ids
    assert _ids(admin.get(url, params={"tag": tag, "priority": "urgent", "sort": "id"})) == [
        ids[1],
        ids[4],
    ]
    assert _ids(admin.get(url, params={"tag": tag, "status": ["pending", "solved"]})) == [ids[0]]
    assert _ids(admin.get(url, params={"tag": tag, "status": "unsolved", "sort": "-id"})) == list(
        reversed(ids)
    )
    assert _ids(admin.get(url, params={"tag": tag, "assignee": "me"})) == [ids[0]]
    assert _ids(admin.get(url, params={"tag": tag, "assignee": agent_id})) == [ids[0]]
    assert len(_ids(admin.get(url, params={"tag": tag, "assignee": "none"}))) == 4
    assert _ids(admin.get(url, params={"q": word})) == [ids[2]]
    assert _ids(admin.get(url, params={"tag": tag, "created_after": "2999-01-01T00:00:00"})) == []
    by_priority = _ids(admin.get(url, params={"tag": tag, "sort": "-priority"}))
    assert by_priority == [ids[4], ids[1], ids[3], ids[2], ids[0]]
    total = admin.get(url, params={"tag": tag, "with_total": "true", "limit": 1}).json()
    assert total["total"] == 5 and total["next_cursor"]
    for sort in ("-priority", "created_at", "-updated_at", "subject"):
        seen: list[int] = []
        cursor = None
        for _ in range(5):
            params: dict[str, Any] = {"tag": tag, "sort": sort, "limit": 2}
            if cursor:
                params["cursor"] = cursor
            page = admin.get(url, params=params).json()
            seen += [t["id"] for t in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert sorted(seen) == sorted(ids) and len(seen) == 5, sort
    assert seen == _ids(admin.get(url, params={"tag": tag, "sort": "subject"}))


def test_list_rejects_bad_parameters(server: Desk) -> None:
    _uid, admin = server.staff(Role.manager)
    url = "/api/v1/tickets"
    for params in (
        {"limit": 0},
        {"limit": 201},
        {"status": "bogus"},
        {"priority": "apocalyptic"},
        {"sort": "password"},
        {"unknown_filter": "1"},
        {"assignee": "someone"},
        {"created_after": "yesterday"},
        {"cursor": "!!!not-a-cursor"},
        {"assignee": "99999999999999999999999"},
    ):
        assert_problem(admin.get(url, params=params), 422)
    page = admin.get(url, params={"sort": "id", "limit": 1}).json()
    if page["next_cursor"]:
        wrong_sort = {"sort": "-created_at", "cursor": page["next_cursor"]}
        assert_problem(admin.get(url, params=wrong_sort), 422)


def test_etag_if_match_and_if_none_match(server: Desk) -> None:
    _uid, agent = server.staff(Role.agent)
    ticket = open_ticket(agent)
    url = f"/api/v1/tickets/{ticket['id']}"
    read = agent.get(url)
    etag = read.headers["etag"]
    assert agent.get(url, headers={"If-None-Match": etag}).status_code == 304
    changed = agent.patch(url, json={"priority": "urgent"}, headers={"If-Match": etag})
    assert changed.status_code == 200 and changed.json()["priority"] == "urgent"
    new_etag = changed.headers["etag"]
    assert new_etag != etag and agent.get(url).headers["etag"] == new_etag
    stale = agent.patch(url, json={"priority": "low"}, headers={"If-Match": etag})
    body = assert_problem(stale, 412)
    assert "changed" in body["detail"]
    assert agent.get(url).json()["priority"] == "urgent"
    assert agent.patch(url, json={"priority": "low"}, headers={"If-Match": "*"}).status_code == 200
    assert agent.patch(url, json={"tags": ["x"]}).status_code == 200


def test_update_rules_are_problems(server: Desk) -> None:
    _uid, agent = server.staff(Role.agent)
    ticket = open_ticket(agent)
    url = f"/api/v1/tickets/{ticket['id']}"
    assert_problem(agent.patch(url, json={"status": "closed"}), 409)
    assert_problem(agent.patch(url, json={"status": "reopened"}), 422)
    assert_problem(agent.patch(url, json={"assignee_id": 2_000_000_000}), 422)
    assert_problem(agent.patch(url, json={"colour": "red"}), 422)
    assert_problem(agent.patch(url, json={"subject": None}), 422)
    history = agent.get(f"{url}/events").json()
    assert [e["field"] for e in history] == ["created"]


def test_merge_moves_thread_and_closes_source(server: Desk) -> None:
    _uid, agent = server.staff(Role.manager)
    source = open_ticket(agent, description="First report", tags=["dup"])
    target = open_ticket(agent, description="Second report")
    merged = agent.post(f"/api/v1/tickets/{source['id']}/merge", json={"target_id": target["id"]})
    assert merged.status_code == 200 and merged.json()["id"] == target["id"]
    assert merged.json()["tags"] == ["dup"]
    closed = agent.get(f"/api/v1/tickets/{source['id']}").json()
    assert closed["status"] == "closed" and closed["merged_into_id"] == target["id"]
    texts = [
        m["body_text"]
        for m in agent.get(f"/api/v1/tickets/{target['id']}/messages").json()["items"]
    ]
    assert "First report" in texts and "Second report" in texts
    fields = [e["field"] for e in agent.get(f"/api/v1/tickets/{source['id']}/events").json()]
    assert "merged_into" in fields
    again = agent.post(f"/api/v1/tickets/{source['id']}/merge", json={"target_id": target["id"]})
    assert_problem(again, 422)
    itself = agent.post(f"/api/v1/tickets/{target['id']}/merge", json={"target_id": target["id"]})
    assert_problem(itself, 422)


def test_customer_session_sees_and_writes_only_own(server: Desk) -> None:
    _uid, agent = server.staff(Role.agent)
    me, my_email = server.new_customer()
    other, _ = server.new_customer()
    portal = server.portal(me)
    created = portal.post(
        "/api/v1/tickets",
        json={
            "subject": "Invoice question",
            "description": "Why two charges?",
            "requester": {"email": "someone.else@example.org"},
            "team_id": 1,
        },
    )
    assert created.status_code == 201, created.text
    mine = created.json()
    assert mine["requester"]["id"] == me and mine["channel"] == "portal"
    assert mine["team_id"] is None
    not_mine = open_ticket(agent, requester={"email": f"{uniq()}@x.example"})
    listed = portal.get("/api/v1/tickets", params={"status": "unsolved"}).json()["items"]
    assert {t["requester"]["id"] for t in listed} == {me}
    assert_problem(portal.get(f"/api/v1/tickets/{not_mine['id']}"), 404)
    assert_problem(portal.patch(f"/api/v1/tickets/{mine['id']}", json={"priority": "urgent"}), 403)
    solved = portal.patch(f"/api/v1/tickets/{mine['id']}", json={"status": "solved"})
    assert solved.status_code == 200 and solved.json()["status"] == "solved"
    no_csrf = server.portal(me, csrf=False)
    assert no_csrf.get(f"/api/v1/tickets/{mine['id']}").status_code == 200
    assert_problem(no_csrf.post(f"/api/v1/tickets/{mine['id']}/messages", json={"body": "x"}), 403)
    assert portal.get(f"/api/v1/customers/{me}").json()["email"] == my_email
    assert_problem(portal.get(f"/api/v1/customers/{other}"), 404)
    assert_problem(portal.get(f"/api/v1/tickets/{mine['id']}/events"), 404)


def test_org_admin_customer_sees_organization_tickets(server: Desk) -> None:
    _uid, agent = server.staff(Role.agent)
    org = uniq("Acme ")
    boss, _ = server.new_customer(org=org, org_admin=True)
    _colleague, colleague_email = server.new_customer(org=org)
    theirs = open_ticket(agent, requester={"email": colleague_email})
    assert server.portal(boss).get(f"/api/v1/tickets/{theirs['id']}").status_code == 200
    listed = server.portal(boss).get("/api/v1/tickets").json()["items"]
    assert theirs["id"] in [t["id"] for t in listed]
