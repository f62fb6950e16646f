"""UI matrix rows and fuzz bases of the incidents pages (staff only)."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.incidents import service
from csops.domains.incidents.schemas import IncidentCreate
from csops.domains.tickets import service as tickets
from csops.domains.tickets.schemas import TicketCreate
from tests.web.matrix_plugins import Rows

INC = "/incidents"
STAFF_GET = "L L L 200 200 200 200"
STAFF_POST = "L L L 303 303 303 303"
SEEN_POST = "L L L ERR 303 303 303"  # the other team's agent cannot see the ticket
ADMIN = "admin"


def _uniq(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(4)}"


def prepare(w: Any) -> None:
    def make(session: Session) -> int:
        data = IncidentCreate(title=_uniq("Matrix "), severity="SEV4")
        return service.create_incident(session, data=data, actor=Actor.system()).id

    w.ids["incident_id"] = int(w.desk.seed(make))


def _ticket(w: Any) -> int:
    def make(session: Session) -> int:
        data = TicketCreate.model_validate(
            {
                "subject": "Matrix",
                "description": "Made for incidents",
                "team_id": w.ids["team"],
                "requester": {"email": f"{_uniq('req')}@customer.example", "name": "Req"},
            }
        )
        return tickets.create_ticket(session, data=data, actor=Actor.system()).id

    return int(w.desk.seed(make))


def linked_ticket(w: Any) -> int:
    ticket_id = _ticket(w)

    def link(session: Session) -> None:
        service.link_tickets(
            session, incident_id=w.ids["incident_id"], ticket_ids=[ticket_id], actor=Actor.system()
        )

    w.desk.seed(link)
    return ticket_id


ROWS = Rows(
    expect={
        ("GET", INC): STAFF_GET,
        ("GET", INC + "/new"): STAFF_GET,
        ("POST", INC): STAFF_POST,
        ("GET", INC + "/{incident_id}"): STAFF_GET,
        ("POST", INC + "/{incident_id}"): STAFF_POST,
        ("POST", INC + "/{incident_id}/updates"): STAFF_POST,
        ("POST", INC + "/{incident_id}/tickets"): SEEN_POST,
        ("POST", INC + "/{incident_id}/tickets/{linked_ticket_id}/unlink"): STAFF_POST,
        ("POST", INC + "/{incident_id}/page"): STAFF_POST,
        ("POST", INC + "/{incident_id}/trackers"): "L L L ERR ERR ERR ERR",
        ("POST", INC + "/{incident_id}/evidence/{linked_ticket_id}/reveal"): STAFF_GET,
        ("GET", INC + "/{incident_id}/postmortem"): STAFF_GET,
        ("POST", INC + "/{incident_id}/postmortem"): STAFF_POST,
        ("POST", INC + "/escalate"): SEEN_POST,
        ("POST", INC + "/bulk-link"): SEEN_POST,
    },
    bodies={
        ("POST", INC): lambda w: {"title": "Matrix", "severity": "SEV4"},
        ("POST", INC + "/{incident_id}"): lambda w: {"title": "Matrix", "severity": "SEV4"},
        ("POST", INC + "/{incident_id}/updates"): lambda w: {"body": "From the matrix"},
        ("POST", INC + "/{incident_id}/tickets"): lambda w: {"ticket_ids": str(_ticket(w))},
        ("POST", INC + "/{incident_id}/trackers"): lambda w: {"tracker": "github"},
        ("POST", INC + "/{incident_id}/evidence/{linked_ticket_id}/reveal"): lambda w: {
            "reason": "matrix check"
        },
        ("POST", INC + "/{incident_id}/postmortem"): lambda w: {"summary": "From the matrix"},
        ("POST", INC + "/escalate"): lambda w: {"ticket_id": str(_ticket(w)), "title": "Escalated"},
        ("POST", INC + "/bulk-link"): lambda w: {
            "ids": [str(_ticket(w))],
            "incident_id": str(w.ids["incident_id"]),
        },
    },
    prepare=prepare,
    fresh={"linked_ticket_id": linked_ticket},
    fuzz={
        INC: (
            ADMIN,
            lambda d: {
                "title": "Fuzz",
                "severity": "SEV4",
                "service_ids": [],
                "summary": "",
                "keywords": "a, b",
                "policy": "solve",
            },
        ),
        INC + "/{incident_id}": (
            ADMIN,
            lambda d: {
                "title": "Fuzz",
                "severity": "SEV4",
                "summary": "s",
                "keywords": "",
                "policy": "notify",
                "service_ids": [],
                "role_kinds": ["commander"],
                "role_user_ids": [str(d.principals[ADMIN][1])],
            },
        ),
        INC + "/{incident_id}/updates": (
            ADMIN,
            lambda d: {"body": "Fuzz", "public": "", "status": ""},
        ),
        INC + "/{incident_id}/tickets": (ADMIN, lambda d: {"ticket_ids": str(_ticket(d))}),
        INC + "/{incident_id}/tickets/{linked_ticket_id}/unlink": (ADMIN, lambda d: {"back": ""}),
        INC + "/{incident_id}/page": (ADMIN, lambda d: {}),
        INC + "/{incident_id}/trackers": (ADMIN, lambda d: {"tracker": "jira"}),
        INC + "/{incident_id}/evidence/{linked_ticket_id}/reveal": (
            ADMIN,
            lambda d: {"reason": "fuzzing it"},
        ),
        INC + "/{incident_id}/postmortem": (
            ADMIN,
            lambda d: {
                "summary": "s",
                "impact": "i",
                "root_cause": "r",
                "lessons": "l",
                "action_items": "Fix it | Ann | 2030-01-01 | x",
                "published": "",
            },
        ),
        INC + "/escalate": (
            ADMIN,
            lambda d: {
                "ticket_id": str(_ticket(d)),
                "incident_id": "",
                "title": "Fuzz",
                "severity": "SEV4",
                "service_id": "",
                "summary": "",
            },
        ),
        INC + "/bulk-link": (
            ADMIN,
            lambda d: {
                "ids": [str(_ticket(d))],
                "incident_id": str(d.ids["incident_id"]),
                "back": "/inbox",
            },
        ),
    },
)
