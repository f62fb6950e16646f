"""Survey pages, follow-ups and NPS schedules in the HTML route x role matrix and the fuzz."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Customer, Organization
from csops.domains.feedback import followups, nps, surveys
from csops.domains.feedback.models import NpsSurvey
from csops.domains.tickets import service as tickets
from csops.domains.tickets.schemas import TicketCreate, TicketUpdate
from tests.web.matrix_plugins import Rows

PUBLIC = "200 200 200 200 200 200 200"
PUBLIC_POST = "303 303 303 303 303 303 303"


def _solved_survey(session: Session, email: str) -> Any:
    data = TicketCreate.model_validate(
        {
            "subject": "Rated",
            "description": "Please rate",
            "requester": {"email": email, "name": "C"},
        }
    )
    ticket = tickets.create_ticket(session, data=data, actor=Actor.system())
    tickets.update_ticket(
        session, ticket_id=ticket.id, data=TicketUpdate(status="solved"), actor=Actor.system()
    )
    survey = surveys.ticket_survey(session, ticket_id=ticket.id)
    assert survey is not None
    return survey


def fresh_survey_token(world: Any) -> str:
    email = world.emails["cust"]
    return str(world.desk.seed(lambda s: surveys.token_for(_solved_survey(s, email))))


def fresh_followup(world: Any) -> int:
    email = world.emails["cust"]

    def make(session: Session) -> int:
        survey = _solved_survey(session, email)
        surveys.answer(session, survey=survey, rating=1, comment="Slow")
        return followups.open_for(session, survey=survey).id

    return int(world.desk.seed(make))


def _org_of(session: Session, email: str) -> int:
    customer = session.scalars(select(Customer).where(Customer.email == email)).one()
    if customer.organization_id is None:
        org = Organization(name=f"NPS {secrets.token_hex(4)}")
        session.add(org)
        session.flush()
        customer.organization_id = org.id
    return customer.organization_id


def fresh_nps_token(world: Any) -> str:
    email = world.emails["cust"]

    def make(session: Session) -> str:
        org_id = _org_of(session, email)
        customer_id = session.scalars(select(Customer.id).where(Customer.email == email)).one()
        survey = NpsSurvey(
            organization_id=org_id,
            customer_id=customer_id,
            round=secrets.token_hex(6),
            sent_at=now(),
            expires_at=now() + timedelta(days=30),
            comment="",
        )
        session.add(survey)
        session.flush()
        return nps.token_for(survey)

    return str(world.desk.seed(make))


def prepare(world: Any) -> None:
    world.ids["survey_token"] = fresh_survey_token(world)
    world.ids["nps_token"] = fresh_nps_token(world)
    world.ids["followup_id"] = fresh_followup(world)
    email = world.emails["cust"]
    world.ids["nps_org"] = world.desk.seed(lambda s: _org_of(s, email))


ROWS = Rows(
    expect={
        ("GET", "/portal/requests/{ticket_id}/survey"): "PL ERR 404 PL PL PL PL",
        ("GET", "/survey/{survey_token}"): PUBLIC,
        ("POST", "/survey/{survey_token}"): PUBLIC_POST,
        ("GET", "/survey/nps/{nps_token}"): PUBLIC,
        ("POST", "/survey/nps/{nps_token}"): PUBLIC_POST,
        ("GET", "/followups"): "L L L 200 200 200 200",
        ("POST", "/followups/nps"): "L L L ERR ERR 303 303",
        ("POST", "/followups/{followup_id}"): "L L L 303 303 303 303",
    },
    bodies={
        ("POST", "/survey/{survey_token}"): lambda w: {"rating": "4", "comment": "Nice"},
        ("POST", "/survey/nps/{nps_token}"): lambda w: {"score": "9", "comment": "Good"},
        ("POST", "/followups/nps"): lambda w: {
            "organization_id": str(w.ids["nps_org"]),
            "every_days": "90",
            "enabled": "on",
        },
        ("POST", "/followups/{followup_id}"): lambda w: {"status": "done", "note": "Called"},
    },
    prepare=prepare,
    fresh={
        "survey_token": fresh_survey_token,
        "nps_token": fresh_nps_token,
        "followup_id": fresh_followup,
    },
    fuzz={
        "/survey/{survey_token}": ("anon", lambda d: {"rating": "4", "comment": "Nice"}),
        "/survey/nps/{nps_token}": ("anon", lambda d: {"score": "9", "comment": "Good"}),
        "/followups/nps": (
            "admin",
            lambda d: {"organization_id": str(d.ids["nps_org"]), "every_days": "90"},
        ),
        "/followups/{followup_id}": ("admin", lambda d: {"status": "done", "note": "Called"}),
    },
)
