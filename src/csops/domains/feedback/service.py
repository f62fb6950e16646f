"""Feedback use cases other areas call: surveys, follow-ups, NPS programs."""

from __future__ import annotations

from csops.domains.feedback.followups import get_followup, list_followups, update_followup
from csops.domains.feedback.nps import list_programs, send_due, set_program
from csops.domains.feedback.surveys import (
    answer,
    can_change,
    recent,
    send_survey,
    survey_for_customer,
    survey_from_token,
    ticket_survey,
    token_for,
    url_for,
)

__all__ = [
    "answer",
    "can_change",
    "get_followup",
    "list_followups",
    "list_programs",
    "recent",
    "send_due",
    "send_survey",
    "set_program",
    "survey_for_customer",
    "survey_from_token",
    "ticket_survey",
    "token_for",
    "update_followup",
    "url_for",
]
