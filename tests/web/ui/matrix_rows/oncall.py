"""On-call pages in the HTML route x role matrix and the bad-input fuzz."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from csops.domains.accounts.models import Service, User
from csops.domains.oncall import maintenance, pages, schedules, service
from csops.domains.oncall.schemas import LayerIn, MaintenanceIn, ScheduleIn
from tests.web.matrix_plugins import Rows

STAFF_GET = "L L L 200 200 200 200"
STAFF_POST = "L L L 303 303 303 303"
ANYONE = "200 200 200 200 200 200 200"
S = "/oncall/schedules/{schedule_id}"
P = "/oncall/pages/{page_id}"


def _later(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def prepare(w: Any) -> None:
    def make(session: Session) -> dict[str, Any]:
        other = User(email=f"oc{secrets.token_hex(4)}@staff.example", name="On call")
        session.add(other)
        session.flush()
        victim = int(w.ids["victim"])
        schedule = schedules.save_schedule(
            session,
            data=ScheduleIn(
                name=f"Matrix {secrets.token_hex(4)}",
                team_id=w.ids["team"],
                time_zone="America/New_York",
                layers=[
                    LayerIn(
                        participant_ids=[victim, other.id],
                        rotation="daily",
                        starts_local=datetime(2026, 1, 1, 9),
                    )
                ],
            ),
        )
        return {"schedule_id": schedule.id, "oncall_user": other.id}

    w.ids.update(w.desk.seed(make))
    w.ids["page_id"] = _page(w)
    w.ids["window_id"] = _window(w)
    w.ids["link_token"] = _link(w)
    w.ids["action"] = "acknowledge"


def _page(w: Any) -> int:
    def make(session: Session) -> int:
        page = service.trigger_page(
            session,
            title="Matrix <b>page</b>",
            dedup_key=secrets.token_hex(6),
            team_id=w.ids["team"],
            source="test",
        )
        assert page is not None
        return page.id

    return int(w.desk.seed(make))


def _window(w: Any) -> int:
    def make(session: Session) -> int:
        svc = Service(name=f"OC {secrets.token_hex(4)}", slug=f"oc-{secrets.token_hex(4)}")
        session.add(svc)
        session.flush()
        w.ids["oncall_service"] = svc.id
        start = datetime.now(UTC) + timedelta(days=3)
        data = MaintenanceIn(service_id=svc.id, starts_at=start, ends_at=start + timedelta(hours=1))
        return maintenance.create_window(session, data=data).id

    return int(w.desk.seed(make))


def _link(w: Any) -> str:
    page_id = _page(w)
    return pages.links(page_id, int(w.ids["victim"]))["acknowledge_url"].rsplit("/", 1)[1]


def _override(w: Any) -> dict[str, Any]:
    return {"user_id": str(w.ids["oncall_user"]), "starts_at": _later(1), "ends_at": _later(2)}


def _schedule(w: Any) -> dict[str, Any]:
    return {
        "name": f"UI {secrets.token_hex(5)}",
        "team_id": str(w.ids["team"]),
        "time_zone": "Europe/Berlin",
        "rotation": "weekly",
        "starts_local": "2026-03-02T09:00",
        "participant_ids": [str(w.ids["oncall_user"])],
    }


def _drill(w: Any) -> dict[str, Any]:
    return {"team_id": str(w.ids["team"]), "title": "Matrix drill", "at": _later(40)}


def _maintenance(w: Any) -> dict[str, Any]:
    return {
        "service_id": str(w.ids["oncall_service"]),
        "starts_at": _later(5),
        "ends_at": _later(6),
        "description": "Matrix",
        "public": "1",
    }


ROWS = Rows(
    expect={
        ("GET", "/oncall"): STAFF_GET,
        ("POST", "/oncall/schedules"): "L L L 403 403 303 303",
        ("GET", S): STAFF_GET,
        ("POST", S + "/overrides"): STAFF_POST,
        ("GET", "/oncall/pages"): STAFF_GET,
        ("GET", P): STAFF_GET,
        ("POST", P + "/{action}"): STAFF_POST,
        ("GET", "/oncall/link/{link_token}"): ANYONE,
        ("POST", "/oncall/link/{link_token}"): ANYONE,
        ("GET", "/oncall/drills"): STAFF_GET,
        ("POST", "/oncall/drills"): "L L L 403 403 403 303",
        ("GET", "/oncall/maintenance"): STAFF_GET,
        ("POST", "/oncall/maintenance"): "L L L 403 403 303 303",
        ("POST", "/oncall/maintenance/{window_id}/delete"): "L L L 403 403 303 303",
    },
    bodies={
        ("POST", "/oncall/schedules"): _schedule,
        ("POST", S + "/overrides"): _override,
        ("POST", "/oncall/drills"): _drill,
        ("POST", "/oncall/maintenance"): _maintenance,
    },
    prepare=prepare,
    fresh={"page_id": _page, "window_id": _window, "link_token": _link},
    fuzz={
        "/oncall/schedules": ("admin", _schedule),
        S + "/overrides": ("admin", _override),
        P + "/{action}": ("admin", lambda d: {}),
        "/oncall/link/{link_token}": ("anon", lambda d: {}),
        "/oncall/drills": ("admin", _drill),
        "/oncall/maintenance": ("admin", _maintenance),
        "/oncall/maintenance/{window_id}/delete": ("admin", lambda d: {}),
    },
)
