"""Survey, follow-up and NPS routes in the API route x role matrix."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from csops.domains.feedback import followups, surveys
from csops.domains.tickets.models import Ticket
from tests.web.matrix_plugins import Rows

READ = "401 404 404 200 200 200 200"
F = "/api/v1/followups/{followup_id}"


def _followup(world: Any, ticket_id: int) -> int:
    def make(session: Session) -> int:
        ticket = session.get_one(Ticket, ticket_id)
        survey = surveys.send_survey(session, ticket)
        surveys.answer(session, survey=survey, rating=1, comment="Too slow")
        return followups.open_for(session, survey=survey).id

    return int(world.desk.seed(make))


def fresh_followup(world: Any) -> int:
    return _followup(world, world.fresh_ticket())


def prepare(world: Any) -> None:
    world.ids["followup_id"] = _followup(world, int(world.ids["ticket_id"]))


ROWS = Rows(
    expect={
        ("GET", "/api/v1/tickets/{ticket_id}/survey"): "401 404 404 404 200 200 200",
        ("GET", "/api/v1/surveys"): READ,
        ("GET", "/api/v1/followups"): READ,
        ("GET", F): READ,
        ("PATCH", F): "401 404 404 200 200 200 200",
        ("GET", "/api/v1/nps/programs"): READ,
        ("PUT", "/api/v1/nps/programs/{org_id}"): "401 404 404 403 403 200 200",
    },
    bodies={
        ("PATCH", F): lambda w: {"status": "done", "note": "Called back"},
        ("PUT", "/api/v1/nps/programs/{org_id}"): lambda w: {"enabled": True, "every_days": 90},
    },
    prepare=prepare,
    fresh={"followup_id": fresh_followup},
)
