"""SLA over the API: a ticket's live state, the 'due' sort, policies and calendars."""

from __future__ import annotations

from typing import Any

import httpx

from csops.domains.accounts.models import Role
from tests.web.api.conftest import Desk, assert_problem, open_ticket, uniq


def post(client: httpx.Client, url: str, body: dict[str, Any]) -> httpx.Response:
    return client.post(url, json=body, headers={"Idempotency-Key": uniq()})


def policy(admin: httpx.Client, tag: str, first: int) -> int:
    made = post(
        admin,
        "/api/v1/sla/policies",
        {
            "name": uniq("P "),
            "position": 1,
            "conditions": {"request_types": [tag]},
            "business_hours": False,
            "first_response_minutes": first,
            "resolution_minutes": 600,
        },
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def test_state_and_sorting_by_time_to_breach(server: Desk) -> None:
    _uid, admin = server.staff(Role.admin)
    slow_tag, fast_tag = uniq("slow"), uniq("fast")
    policy(admin, slow_tag, 60)
    policy(admin, fast_tag, 10)
    email = f"{uniq()}@sla.example"
    requester = {"email": email, "name": "Sla"}
    slow = open_ticket(admin, requester=requester, tags=[slow_tag])
    fast = open_ticket(admin, requester=requester, tags=[fast_tag])
    none = open_ticket(admin, requester=requester)
    state = admin.get(f"/api/v1/tickets/{fast['id']}/sla").json()
    metrics = {m["metric"]: m for m in state["metrics"]}
    assert set(metrics) == {"first_response", "resolution"}
    assert metrics["first_response"]["status"] == "active"
    assert 9 * 60 < metrics["first_response"]["seconds_left"] <= 10 * 60
    params: dict[str, Any] = {"sort": "due", "limit": 1, "requester_id": slow["requester"]["id"]}
    first = admin.get("/api/v1/tickets", params=params).json()
    seen = [first["items"][0]["id"]]
    cursor = first["next_cursor"]
    while cursor and len(seen) < 3:
        page = admin.get("/api/v1/tickets", params={**params, "cursor": cursor}).json()
        seen += [t["id"] for t in page["items"]]
        cursor = page["next_cursor"]
    assert seen == [fast["id"], slow["id"], none["id"]]  # soonest breach first, no SLA last
    reply = admin.post(f"/api/v1/tickets/{fast['id']}/messages", data={"body": "On it"})
    assert reply.status_code == 201
    after = admin.get(f"/api/v1/tickets/{fast['id']}/sla").json()
    done = {m["metric"]: m for m in after["metrics"]}["first_response"]
    assert done["status"] == "achieved" and done["achieved_at"] is not None


def test_policy_and_calendar_validation(server: Desk) -> None:
    _uid, admin = server.staff(Role.admin)
    pid = policy(admin, uniq("v"), 30)
    assert_problem(admin.patch(f"/api/v1/sla/policies/{pid}", json={"warn_percents": [150]}), 422)
    assert_problem(admin.patch("/api/v1/sla/policies/999999", json={"enabled": False}), 404)
    assert_problem(admin.patch(f"/api/v1/sla/policies/{pid}", json={"calendar_id": 99999}), 422)
    bad_zone = {"name": uniq("C "), "timezone": "Mars/Olympus"}
    assert_problem(post(admin, "/api/v1/sla/calendars", bad_zone), 422)
    bad_hours = {"name": uniq("C "), "hours": {"mon": [["25:00", "26:00"]]}}
    assert_problem(post(admin, "/api/v1/sla/calendars", bad_hours), 422)
    bad_country = {"name": uniq("C "), "holiday_country": "ZZ"}
    assert_problem(post(admin, "/api/v1/sla/calendars", bad_country), 422)
    good = {
        "name": uniq("C "),
        "timezone": "America/New_York",
        "hours": {"fri": [["22:00", "06:00"]]},
    }
    made = post(admin, "/api/v1/sla/calendars", good)
    assert made.status_code == 201 and made.json()["hours"] == good["hours"]
    dup = post(admin, "/api/v1/sla/calendars", good)
    assert_problem(dup, 409)
    changed = admin.patch(f"/api/v1/sla/policies/{pid}", json={"calendar_id": made.json()["id"]})
    assert changed.status_code == 200 and changed.json()["calendar_id"] == made.json()["id"]
