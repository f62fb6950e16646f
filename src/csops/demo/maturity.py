"""Demo maturity assessments: one completed last quarter, one now, so the radar shows a delta."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from csops import clock
from csops.domains.accounts.actor import Actor
from csops.domains.maturity import service
from csops.domains.maturity.model import load as load_model
from csops.domains.maturity.schemas import AnswerIn, AssessmentCreate
from csops.domains.maturity.scoring import Answer

SYSTEM = Actor.system()


def _answers(rng: random.Random, levels_done: dict[str, int]) -> list[AnswerIn]:
    answers = []
    for practice in load_model().practices:
        reached = levels_done.get(practice.capability, 1)
        if practice.level <= reached:
            answer = Answer.in_place
        elif practice.level == reached + 1:
            answer = rng.choice((Answer.partly, Answer.in_place, Answer.not_in_place))
        else:
            answer = Answer.not_in_place
        answers.append(AnswerIn(practice_id=practice.id, answer=answer))
    return answers


def load(session: Session, *, now: datetime, rng: random.Random) -> None:
    earlier = {"ORG": 2, "PER": 2, "BIZ": 2, "COM": 2, "RSP": 2}
    current = {"ORG": 3, "PER": 3, "BIZ": 2, "COM": 3, "RSP": 3}
    for when, title, levels in (
        (now - timedelta(days=90), "Q3 customer-service maturity", earlier),
        (now - timedelta(hours=2), "Q4 customer-service maturity", current),
    ):
        with clock.frozen(when):
            data = AssessmentCreate(title=title, prefill_from_evidence=False)
            assessment = service.create_assessment(session, data=data, actor=SYSTEM)
            service.save_answers(
                session,
                assessment_id=assessment.id,
                answers=_answers(rng, levels),
                actor=SYSTEM,
                complete=True,
            )
