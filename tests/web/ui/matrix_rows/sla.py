"""SLA admin pages in the HTML route x role matrix and the bad-input fuzz."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.sla import service
from csops.domains.sla.schemas import PolicyIn
from tests.web.matrix_plugins import Rows

ADMINS_GET = "L L L 403 403 200 200"
ADMINS_POST = "L L L ERR ERR 303 303"


def policy_form(world: Any) -> dict[str, Any]:
    return {
        "name": f"Matrix SLA {secrets.token_hex(4)}",
        "priorities": ["low"],
        "internal": "yes",
        "first_response_minutes": "60",
        "resolution_minutes": "480",
        "warn_percents": "75, 90",
        "escalate": ["assignee"],
        "enabled": "on",
    }


def calendar_form(world: Any) -> dict[str, Any]:
    return {
        "name": f"Office {secrets.token_hex(4)}",
        "timezone": "Europe/Berlin",
        "hours": "mon 09:00-18:00\ntue 09:00-12:00 13:00-18:00",
        "holiday_country": "DE",
        "custom_holidays": "2026-12-24",
    }


def fresh_policy(world: Any) -> int:
    def make(session: Session) -> int:
        data = PolicyIn(name=f"Doomed {secrets.token_hex(4)}", conditions={"internal": True})
        return service.create_policy(session, data=data, actor=Actor.system()).id

    return int(world.desk.seed(make))


ROWS = Rows(
    expect={
        ("GET", "/admin/sla"): ADMINS_GET,
        ("POST", "/admin/sla/policies"): ADMINS_POST,
        ("POST", "/admin/sla/policies/{policy_id}/delete"): ADMINS_POST,
        ("POST", "/admin/sla/calendars"): ADMINS_POST,
    },
    bodies={
        ("POST", "/admin/sla/policies"): policy_form,
        ("POST", "/admin/sla/calendars"): calendar_form,
    },
    fresh={"policy_id": fresh_policy},
    fuzz={
        "/admin/sla/policies": ("admin", policy_form),
        "/admin/sla/policies/{policy_id}/delete": ("admin", lambda d: {}),
        "/admin/sla/calendars": ("admin", calendar_form),
    },
)
