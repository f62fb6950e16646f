"""SLA routes in the API route x role matrix."""

from __future__ import annotations

from typing import Any

from tests.web.api.conftest import uniq
from tests.web.matrix_plugins import Rows

S = "/api/v1/sla"
P = S + "/policies/{policy_id}"
C = S + "/calendars/{calendar_id}"
READ = "401 404 404 200 200 200 200"
CALENDAR = {"timezone": "Europe/Berlin", "hours": {"mon": [["09:00", "18:00"]]}}


def policy(world: Any) -> dict[str, Any]:
    return {
        "name": uniq("Matrix SLA "),
        "conditions": {"priorities": ["low"], "internal": True},
        "first_response_minutes": 60,
    }


def fresh_policy(world: Any) -> int:
    made = world.clients["admin"].post(S + "/policies", json=policy(world))
    return int(made.json()["id"])


def prepare(world: Any) -> None:
    admin = world.clients["admin"]
    world.ids["policy_id"] = fresh_policy(world)
    cal = admin.post(S + "/calendars", json={"name": uniq("Cal "), **CALENDAR})
    world.ids["calendar_id"] = cal.json()["id"]
    world.ids["calendar_name"] = cal.json()["name"]


ROWS = Rows(
    expect={
        ("GET", "/api/v1/tickets/{ticket_id}/sla"): "401 404 404 404 200 200 200",
        ("GET", S + "/policies"): READ,
        ("POST", S + "/policies"): "401 404 404 403 403 201 201",
        ("GET", P): READ,
        ("PATCH", P): "401 404 404 403 403 200 200",
        ("DELETE", P): "401 404 404 403 403 204 204",
        ("GET", S + "/calendars"): READ,
        ("POST", S + "/calendars"): "401 404 404 403 403 201 201",
        ("PUT", C): "401 404 404 403 403 200 200",
    },
    bodies={
        ("POST", S + "/policies"): policy,
        ("PATCH", P): lambda w: {"resolution_minutes": 480, "warn_percents": [50, 80]},
        ("POST", S + "/calendars"): lambda w: {"name": uniq("Cal "), **CALENDAR},
        ("PUT", C): lambda w: {"name": w.ids["calendar_name"], **CALENDAR, "holiday_country": "DE"},
    },
    prepare=prepare,
    fresh={"policy_id": fresh_policy},
)
