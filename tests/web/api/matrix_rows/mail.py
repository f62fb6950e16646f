"""Inbound-mail routes in the API route x role matrix (admins only)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from csops.domains.channels.models import InboundMail, InboundStatus
from tests.web.matrix_plugins import Rows

M = "/api/v1/mail/inbound"
ADMIN_ONLY = "401 404 404 403 403 403 200"


def quarantined(session: Session) -> int:
    """A valid email held in quarantine (as the rate limit would), so a retry accepts it."""
    token = uuid.uuid4().hex[:12]
    raw = (
        f"From: m{token}@customer.example\r\nSubject: Matrix {token}\r\n"
        f"Message-ID: <{token}@customer.example>\r\n\r\nHello\r\n"
    ).encode()
    mail = InboundMail(
        raw=raw,
        size=len(raw),
        envelope_from=f"m{token}@customer.example",
        envelope_to=["support@example.org"],
        status=InboundStatus.quarantined,
        reason="rate limit (matrix)",
    )
    session.add(mail)
    session.flush()
    return mail.id


def prepare(w: Any) -> None:
    w.ids["inbound_mail_id"] = w.desk.seed(quarantined)


ROWS = Rows(
    expect={
        ("GET", M): ADMIN_ONLY,
        ("GET", M + "/{inbound_mail_id}"): ADMIN_ONLY,
        ("POST", M + "/{inbound_mail_id}/retry"): ADMIN_ONLY,
    },
    bodies={("POST", M + "/{inbound_mail_id}/retry"): lambda w: {}},
    prepare=prepare,
    fresh={"inbound_mail_id": lambda w: int(w.desk.seed(quarantined))},
)
