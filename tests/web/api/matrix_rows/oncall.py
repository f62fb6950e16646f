"""On-call routes in the API route x role matrix."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.web.matrix_plugins import Rows

ONC = "/api/v1/oncall"
S = ONC + "/schedules/{schedule_id}"
READ = "401 404 404 200 200 200 200"
STAFF_CREATE = "401 404 404 201 201 201 201"
MANAGER = "401 404 404 403 403 {ok} {ok}"
ADMIN = "401 404 404 403 403 403 {ok}"
START = "2026-01-05T09:00:00"


def _n() -> str:
    return datetime.now(UTC).strftime("%H%M%S%f")


def _schedule(w: Any) -> dict[str, Any]:
    return {
        "name": f"Matrix schedule {_n()}",
        "team_id": w.ids["team_id"],
        "time_zone": "Europe/Berlin",
        "layers": [
            {
                "participant_ids": [w.ids["user_id"], w.ids["oncall_user2"]],
                "rotation": "daily",
                "starts_local": START,
            }
        ],
    }


def _policy(w: Any) -> dict[str, Any]:
    return {
        "name": f"Matrix policy {_n()}",
        "team_id": w.ids["team_id"],
        "levels": [{"timeout_minutes": 5, "targets": [{"kind": "user", "id": w.ids["user_id"]}]}],
    }


def _window(w: Any) -> dict[str, Any]:
    start = datetime.now(UTC) + timedelta(days=30)
    return {
        "service_id": w.ids["service_id"],
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "description": "Matrix",
    }


def _override(w: Any) -> dict[str, Any]:
    start = datetime.now(UTC) + timedelta(days=2)
    return {
        "user_id": w.ids["user_id"],
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
    }


def _post(w: Any, path: str, body: dict[str, Any]) -> Any:
    response = w.clients["admin"].post(path, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _page(w: Any) -> int:
    made = _post(
        w, ONC + "/pages", {"title": "Matrix", "dedup_key": _n(), "team_id": w.ids["team_id"]}
    )
    return int(made["page"]["id"])


def _drill(w: Any) -> int:
    at = (datetime.now(UTC) + timedelta(days=60)).isoformat()
    return int(_post(w, ONC + "/drills", {"team_id": w.ids["team_id"], "at": at})["id"])


def prepare(w: Any) -> None:
    admin = w.clients["admin"]
    w.ids["oncall_user2"] = admin.post(
        "/api/v1/users", json={"email": f"oncall{_n()}@staff.example", "name": "Second"}
    ).json()["id"]
    w.ids["schedule_id"] = _post(w, ONC + "/schedules", _schedule(w))["id"]
    w.ids["escalation_policy_id"] = _post(w, ONC + "/policies", _policy(w))["id"]
    w.ids["override_id"] = _post(
        w, f"{ONC}/schedules/{w.ids['schedule_id']}/overrides", _override(w)
    )["id"]
    w.ids["page_id"] = _page(w)
    w.ids["drill_id"] = _drill(w)
    w.ids["window_id"] = _post(w, ONC + "/maintenance", _window(w))["id"]
    url = admin.get(f"{S.format(schedule_id=w.ids['schedule_id'])}/calendar").json()["url"]
    w.ids["feed_token"] = url.rsplit("/", 1)[1].removesuffix(".ics")


ROWS = Rows(
    expect={
        ("GET", ONC + "/schedules"): READ,
        ("POST", ONC + "/schedules"): MANAGER.format(ok=201),
        ("GET", S): READ,
        ("PUT", S): MANAGER.format(ok=200),
        ("DELETE", S): MANAGER.format(ok=204),
        ("GET", S + "/shifts"): READ,
        ("GET", S + "/overrides"): READ,
        ("POST", S + "/overrides"): STAFF_CREATE,
        ("POST", S + "/swaps"): STAFF_CREATE,
        ("DELETE", ONC + "/overrides/{override_id}"): "401 404 404 204 204 204 204",
        ("GET", S + "/calendar"): READ,
        ("GET", ONC + "/users/{user_id}/calendar"): MANAGER.format(ok=200),
        ("GET", ONC + "/calendar/{feed_token}.ics"): "200 200 200 200 200 200 200",
        ("GET", ONC + "/now"): READ,
        ("GET", ONC + "/policies"): READ,
        ("POST", ONC + "/policies"): MANAGER.format(ok=201),
        ("GET", ONC + "/policies/{escalation_policy_id}"): READ,
        ("PUT", ONC + "/policies/{escalation_policy_id}"): MANAGER.format(ok=200),
        ("DELETE", ONC + "/policies/{escalation_policy_id}"): MANAGER.format(ok=204),
        ("GET", ONC + "/pages"): READ,
        ("POST", ONC + "/pages"): STAFF_CREATE,
        ("GET", ONC + "/pages/{page_id}"): READ,
        ("POST", ONC + "/pages/{page_id}/acknowledge"): "401 404 404 200 200 200 200",
        ("POST", ONC + "/pages/{page_id}/resolve"): "401 404 404 200 200 200 200",
        ("POST", ONC + "/pages/{page_id}/join"): "401 404 404 200 200 200 200",
        ("GET", ONC + "/drills"): READ,
        ("POST", ONC + "/drills"): ADMIN.format(ok=201),
        ("POST", ONC + "/drills/{drill_id}/cancel"): ADMIN.format(ok=200),
        ("GET", ONC + "/maintenance"): READ,
        ("POST", ONC + "/maintenance"): MANAGER.format(ok=201),
        ("DELETE", ONC + "/maintenance/{window_id}"): MANAGER.format(ok=204),
    },
    bodies={
        ("POST", ONC + "/schedules"): _schedule,
        ("PUT", S): _schedule,
        ("POST", S + "/overrides"): _override,
        ("POST", S + "/swaps"): lambda w: {
            "first_at": datetime.now(UTC).isoformat(),
            "second_at": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
        },
        ("POST", ONC + "/policies"): _policy,
        ("PUT", ONC + "/policies/{escalation_policy_id}"): _policy,
        ("POST", ONC + "/pages"): lambda w: {
            "title": "Matrix",
            "dedup_key": _n(),
            "team_id": w.ids["team_id"],
        },
        ("POST", ONC + "/drills"): lambda w: {
            "team_id": w.ids["team_id"],
            "window_start": datetime.now(UTC).isoformat(),
            "window_end": (datetime.now(UTC) + timedelta(days=7)).isoformat(),
        },
        ("POST", ONC + "/maintenance"): _window,
    },
    prepare=prepare,
    fresh={
        "schedule_id": lambda w: int(_post(w, ONC + "/schedules", _schedule(w))["id"]),
        "escalation_policy_id": lambda w: int(_post(w, ONC + "/policies", _policy(w))["id"]),
        "override_id": lambda w: int(
            _post(w, f"{ONC}/schedules/{w.ids['schedule_id']}/overrides", _override(w))["id"]
        ),
        "page_id": _page,
        "drill_id": _drill,
        "window_id": lambda w: int(_post(w, ONC + "/maintenance", _window(w))["id"]),
    },
)
