"""Counts for operational metrics."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops.domains.tickets.models import Ticket


def tickets_by_channel(session: Session) -> dict[str, int]:
    rows = session.execute(select(Ticket.channel, func.count(Ticket.id)).group_by(Ticket.channel))
    return {channel.value: count for channel, count in rows}
