"""On-call over HTTP: schedules, who is on call at T, overrides, iCal feeds, pages with a
signed acknowledge link, maintenance suppression, drills (real server, both backends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from icalendar import Calendar

from csops.domains.accounts.models import Role
from tests.web.api.conftest import Desk, uniq

ONC = "/api/v1/oncall"
SCOPES = ("oncall:read", "oncall:write", "accounts:read", "accounts:write")


def _staff(server: Desk, role: Role, teams: tuple[str, ...] = ()) -> tuple[int, httpx.Client]:
    scopes = SCOPES + (("admin",) if role == Role.admin else ())
    return server.staff(role, teams=teams, scopes=scopes)


def _team(server: Desk) -> tuple[int, list[int], httpx.Client, httpx.Client]:
    name = uniq("Ops ")
    a, agent = _staff(server, Role.agent, (name,))
    b, _ = _staff(server, Role.agent, (name,))
    _admin_id, admin = _staff(server, Role.admin)
    team_id = next(t["id"] for t in admin.get("/api/v1/teams").json() if t["name"] == name)
    return team_id, [a, b], agent, admin


def _schedule(admin: httpx.Client, team_id: int, people: list[int], **extra: Any) -> Any:
    body = {
        "name": uniq("Sched "),
        "team_id": team_id,
        "time_zone": "America/New_York",
        "layers": [
            {"participant_ids": people, "rotation": "weekly", "starts_local": "2026-03-02T09:00:00"}
        ],
        **extra,
    }
    response = admin.post(ONC + "/schedules", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_who_is_on_call_at_t_across_dst(server: Desk) -> None:
    team_id, (a, b), agent, admin = _team(server)
    schedule = _schedule(admin, team_id, [a, b])
    # 8 March 2026 New York springs forward; the handoff stays at 09:00 local (13:00 UTC)
    before = agent.get(ONC + "/now", params={"team_id": team_id, "at": "2026-03-09T12:59:00Z"})
    after = agent.get(ONC + "/now", params={"team_id": team_id, "at": "2026-03-09T13:00:00Z"})
    assert [r["user_id"] for r in before.json()] == [a]
    assert [r["user_id"] for r in after.json()] == [b]
    shifts = agent.get(
        f"{ONC}/schedules/{schedule['id']}/shifts",
        params={"start": "2026-03-02T14:00:00Z", "end": "2026-03-16T12:00:00Z"},
    ).json()
    assert [s["user_id"] for s in shifts] == [a, b]
    assert shifts[0]["end"].startswith("2026-03-09T13:00:00")
    bad = agent.get(
        f"{ONC}/schedules/{schedule['id']}/shifts",
        params={"start": "2026-03-02T00:00:00Z", "end": "2027-03-02T00:00:00Z"},
    )
    assert bad.status_code == 422


def test_override_and_calendar_feeds(server: Desk) -> None:
    team_id, (a, b), agent, admin = _team(server)
    schedule = _schedule(admin, team_id, [a])
    start = datetime.now(UTC) + timedelta(hours=1)
    made = agent.post(
        f"{ONC}/schedules/{schedule['id']}/overrides",
        json={
            "user_id": b,
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=3)).isoformat(),
        },
    )
    assert made.status_code == 201
    at = (start + timedelta(hours=1)).isoformat()
    now_rows = agent.get(ONC + "/now", params={"schedule_id": schedule["id"], "at": at}).json()
    assert [r["user_id"] for r in now_rows] == [b]
    url = agent.get(f"{ONC}/schedules/{schedule['id']}/calendar").json()["url"]
    path = url.split("://", 1)[1].split("/", 1)[1]
    feed = server.client().get("/" + path)  # no login: calendar apps subscribe
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    events = [c for c in Calendar.from_ical(feed.content).walk("VEVENT")]
    assert any(str(e["summary"]).startswith("On call:") for e in events)
    assert server.client().get("/" + path.replace(".ics", "x.ics")).status_code in (404, 422)
    mine = agent.get(f"{ONC}/users/{a}/calendar")
    assert mine.status_code == 200
    assert agent.get(f"{ONC}/users/{b}/calendar").status_code == 403


def test_page_ack_by_signed_link_and_coalescing(server: Desk) -> None:
    team_id, (a, _b), agent, admin = _team(server)
    _schedule(admin, team_id, [a])
    key = uniq("k")
    first = agent.post(
        ONC + "/pages", json={"title": "API down", "dedup_key": key, "team_id": team_id}
    )
    again = agent.post(
        ONC + "/pages", json={"title": "API down", "dedup_key": key, "team_id": team_id}
    )
    page = again.json()["page"]
    assert first.json()["page"]["id"] == page["id"] and page["trigger_count"] == 2
    from csops.domains.oncall import pages as oncall_pages

    link = oncall_pages.links(page["id"], a)["acknowledge_url"]
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    browser = server.client(follow_redirects=False)
    confirm = browser.get(path)
    assert confirm.status_code == 200 and "Acknowledge" in confirm.text
    assert agent.get(f"{ONC}/pages/{page['id']}").json()["status"] == "triggered"  # GET did nothing
    csrf = confirm.cookies.get("csops_csrf") or browser.cookies.get("csops_csrf")
    assert browser.post(path, data={"csrf_token": "forged"}).status_code == 403
    done = browser.post(path, data={"csrf_token": csrf})
    assert done.status_code == 200
    read = agent.get(f"{ONC}/pages/{page['id']}").json()
    assert read["status"] == "acknowledged" and read["acknowledged_by_id"] == a
    resolved = agent.post(f"{ONC}/pages/{page['id']}/resolve").json()
    assert resolved["status"] == "resolved"


def test_maintenance_suppresses_and_drills_need_admin(server: Desk) -> None:
    team_id, (a, _b), agent, admin = _team(server)
    svc = admin.post("/api/v1/services", json={"name": uniq("Svc "), "owning_team_id": team_id})
    service_id = svc.json()["id"]
    now = datetime.now(UTC)
    window = {
        "service_id": service_id,
        "starts_at": (now - timedelta(minutes=5)).isoformat(),
        "ends_at": (now + timedelta(hours=1)).isoformat(),
        "description": "DB upgrade",
    }
    assert agent.post(ONC + "/maintenance", json=window).status_code == 403
    assert admin.post(ONC + "/maintenance", json=window).status_code == 201
    paged = agent.post(ONC + "/pages", json={"title": "x", "service_id": service_id})
    assert paged.status_code == 201 and paged.json() == {"suppressed": True, "page": None}
    backwards = dict(window, ends_at=(now - timedelta(hours=1)).isoformat())
    assert admin.post(ONC + "/maintenance", json=backwards).status_code == 422
    drill = {"team_id": team_id, "at": (now + timedelta(days=1)).isoformat()}
    assert agent.post(ONC + "/drills", json=drill).status_code == 403
    made = admin.post(ONC + "/drills", json=drill)
    assert made.status_code == 201 and made.json()["status"] == "scheduled"
    assert admin.post(ONC + "/drills", json={"team_id": team_id}).status_code == 422


def test_bad_schedule_input_is_422(server: Desk) -> None:
    team_id, (a, _b), _agent, admin = _team(server)
    for bad in (
        {"name": "x", "time_zone": "Nowhere/City"},
        {"name": "x", "layers": [{"participant_ids": [], "starts_local": "2026-01-01T00:00"}]},
        {
            "name": "x",
            "layers": [
                {
                    "participant_ids": [a],
                    "starts_local": "2026-01-01T00:00",
                    "restrictions": [{"days": [8], "start": "9", "end": "1"}],
                }
            ],
        },
        {"name": "x\x00y"},
        {"name": "x", "team_id": 2_000_000_000},
    ):
        response = admin.post(ONC + "/schedules", json=bad)
        assert response.status_code == 422, (bad, response.text)
