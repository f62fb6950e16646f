"""Maturity pages in the HTML route x role matrix and the bad-input fuzz."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.maturity import service
from csops.domains.maturity.schemas import AssessmentCreate
from tests.web.matrix_plugins import Rows

A = "/maturity/{assessment_id}"


def prepare(world: Any) -> None:
    def make(session: Session) -> int:
        data = AssessmentCreate(title="Matrix")
        return service.create_assessment(session, data=data, actor=Actor.system()).id

    world.ids["assessment_id"] = world.desk.seed(make)


ROWS = Rows(
    expect={
        ("GET", "/maturity"): "L L L 200 200 200 200",
        ("POST", "/maturity"): "L L L ERR ERR 303 303",
        ("GET", A): "L L L 200 200 200 200",
        ("POST", A): "L L L ERR ERR 303 303",
    },
    bodies={
        ("POST", "/maturity"): lambda w: {"title": "Matrix"},
        ("POST", A): lambda w: {"action": "save", "answer:ORG-2.1": "partly"},
    },
    prepare=prepare,
    fuzz={
        "/maturity": ("admin", lambda d: {"title": "Fuzz"}),
        A: ("admin", lambda d: {"action": "save", "answer:ORG-2.1": "partly"}),
    },
)
