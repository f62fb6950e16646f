"""API matrix rows of the incidents area: staff only; links need a ticket the caller sees."""

from __future__ import annotations

from typing import Any

from tests.web.api.conftest import uniq
from tests.web.matrix_plugins import Rows

INC = "/api/v1/incidents"
STAFF = "401 404 404 200 200 200 200"
STAFF_CREATED = "401 404 404 201 201 201 201"


def prepare(w: Any) -> None:
    made = w.clients["admin"].post(INC, json={"title": uniq("Matrix "), "severity": "SEV4"})
    assert made.status_code == 201, made.text
    w.ids["incident_id"] = made.json()["id"]


def linked_ticket(w: Any) -> int:
    ticket_id = w.fresh_ticket()
    response = w.clients["admin"].post(
        f"{INC}/{w.ids['incident_id']}/tickets", json={"ticket_ids": [ticket_id]}
    )
    assert response.status_code == 200, response.text
    return int(ticket_id)


ROWS = Rows(
    expect={
        ("GET", INC): STAFF,
        ("POST", INC): STAFF_CREATED,
        ("GET", INC + "/{incident_id}"): STAFF,
        ("PATCH", INC + "/{incident_id}"): STAFF,
        ("POST", INC + "/{incident_id}/tickets"): "401 404 404 404 200 200 200",
        (
            "DELETE",
            INC + "/{incident_id}/tickets/{linked_ticket_id}",
        ): "401 404 404 204 204 204 204",
        ("POST", INC + "/{incident_id}/updates"): STAFF_CREATED,
        ("POST", INC + "/{incident_id}/page"): STAFF,
        ("GET", INC + "/{incident_id}/evidence"): STAFF,
        ("POST", INC + "/{incident_id}/evidence/{linked_ticket_id}/reveal"): STAFF,
        ("GET", INC + "/{incident_id}/postmortem"): STAFF,
        ("PUT", INC + "/{incident_id}/postmortem"): STAFF,
        ("GET", INC + "/{incident_id}/postmortem.md"): STAFF,
        ("POST", INC + "/{incident_id}/trackers"): "401 404 404 422 422 422 422",
        ("POST", INC + "/webhooks/github"): "403 403 403 403 403 403 403",
        ("POST", INC + "/webhooks/jira"): "403 403 403 403 403 403 403",
    },
    bodies={
        ("POST", INC): lambda w: {"title": uniq("Matrix "), "severity": "SEV4"},
        ("PATCH", INC + "/{incident_id}"): lambda w: {"summary": "matrix"},
        ("POST", INC + "/{incident_id}/tickets"): lambda w: {"ticket_ids": [w.fresh_ticket()]},
        ("POST", INC + "/{incident_id}/updates"): lambda w: {"body": "matrix", "public": False},
        ("POST", INC + "/{incident_id}/evidence/{linked_ticket_id}/reveal"): lambda w: {
            "reason": "matrix check"
        },
        ("PUT", INC + "/{incident_id}/postmortem"): lambda w: {"summary": "matrix"},
        ("POST", INC + "/{incident_id}/trackers"): lambda w: {"tracker": "github"},
        ("POST", INC + "/webhooks/github"): lambda w: {"action": "created"},
        ("POST", INC + "/webhooks/jira"): lambda w: {"webhookEvent": "comment_created"},
    },
    prepare=prepare,
    fresh={"linked_ticket_id": linked_ticket},
)
