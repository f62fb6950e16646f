"""Evidence collectors over the service desk itself: tickets, people, teams, macros."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from csops.domains.maturity.evidence import (
    MISSING,
    WINDOW,
    Evidence,
    collector,
    count,
    pct,
    ratio_status,
    table,
)


def _recent_tickets(session: Session, at: datetime) -> int:
    tickets = table("tickets")
    return 0 if tickets is None else count(session, tickets, tickets.c.created_at >= at - WINDOW)


@collector("ticket_system")
def ticket_system(session: Session, at: datetime) -> Evidence:
    tickets, messages = table("tickets"), table("messages")
    if tickets is None or messages is None:
        return MISSING
    recent = _recent_tickets(session, at)
    if recent == 0:
        return Evidence("not_met", "no tickets in the last 90 days")
    answered = session.scalar(
        select(func.count(distinct(messages.c.ticket_id))).where(
            messages.c.author_kind == "user",
            messages.c.is_public.is_(True),
            messages.c.created_at >= at - WINDOW,
        )
    )
    share = (answered or 0) / recent
    return Evidence(
        ratio_status(share, 0.8, 0.3),
        f"{recent} tickets in 90 days; {pct(share)} got a public answer",
    )


@collector("first_response")
def first_response(session: Session, at: datetime) -> Evidence:
    tickets = table("tickets")
    if tickets is None:
        return MISSING
    recent = _recent_tickets(session, at)
    if recent == 0:
        return MISSING
    answered = count(
        session,
        tickets,
        tickets.c.created_at >= at - WINDOW,
        tickets.c.first_public_reply_at.is_not(None),
    )
    share = answered / recent
    return Evidence(
        ratio_status(share, 0.9, 0.5), f"{pct(share)} of {recent} recent tickets had a reply"
    )


@collector("priorities_used")
def priorities_used(session: Session, at: datetime) -> Evidence:
    tickets = table("tickets")
    if tickets is None:
        return MISSING
    rows = session.execute(
        select(tickets.c.priority, func.count())
        .where(tickets.c.created_at >= at - WINDOW)
        .group_by(tickets.c.priority)
    ).all()
    if not rows:
        return MISSING
    levels = {str(p): int(n) for p, n in rows}
    used = sum(1 for n in levels.values() if n)
    figure = ", ".join(f"{k}: {v}" for k, v in sorted(levels.items()))
    return Evidence("met" if used >= 3 else "partial" if used == 2 else "not_met", figure)


@collector("teams_own_services")
def teams_own_services(session: Session, at: datetime) -> Evidence:
    services, members = table("services"), table("team_members")
    if services is None or members is None:
        return MISSING
    total = count(session, services)
    if total == 0:
        return Evidence("not_met", "no services defined")
    owned = count(session, services, services.c.owning_team_id.is_not(None))
    teams = session.scalar(select(func.count(distinct(members.c.team_id)))) or 0
    share = owned / total
    return Evidence(
        ratio_status(share, 1.0, 0.5),
        f"{owned} of {total} services have an owning team; {teams} teams with members",
    )


@collector("services_owned")
def services_owned(session: Session, at: datetime) -> Evidence:
    return teams_own_services(session, at)


@collector("unified_intake")
def unified_intake(session: Session, at: datetime) -> Evidence:
    tickets = table("tickets")
    if tickets is None:
        return MISSING
    channels = session.scalars(
        select(tickets.c.channel).where(tickets.c.created_at >= at - WINDOW).distinct()
    ).all()
    if not channels:
        return MISSING
    names = sorted(str(c) for c in channels)
    return Evidence(
        "met" if len(names) >= 2 else "partial",
        f"{len(names)} channels into one inbox: {', '.join(names)}",
    )


@collector("knowledge_base")
def knowledge_base(session: Session, at: datetime) -> Evidence:
    macros = table("macros")
    if macros is None:
        return MISSING
    active = count(session, macros, macros.c.is_active.is_(True))
    articles = table("kb_articles")
    published = 0 if articles is None else count(session, articles)
    figure = f"{active} active macros; " + (
        f"{published} knowledge-base articles" if articles is not None else "no article store"
    )
    if published:
        return Evidence("met" if published >= 10 else "partial", figure)
    return Evidence("partial" if active else "not_met", figure, "deflection is not measured")


@collector("one_touch")
def one_touch(session: Session, at: datetime) -> Evidence:
    tickets, messages = table("tickets"), table("messages")
    if tickets is None or messages is None:
        return MISSING
    replies = (
        select(messages.c.ticket_id, func.count().label("n"))
        .where(messages.c.author_kind == "user", messages.c.is_public.is_(True))
        .group_by(messages.c.ticket_id)
        .subquery()
    )
    solved = (
        select(replies.c.n)
        .join(tickets, tickets.c.id == replies.c.ticket_id)
        .where(tickets.c.solved_at.is_not(None), tickets.c.created_at >= at - WINDOW)
        .subquery()
    )
    total = session.scalar(select(func.count()).select_from(solved)) or 0
    if total == 0:
        return MISSING
    one = session.scalar(select(func.count()).select_from(solved).where(solved.c.n == 1)) or 0
    share = one / total
    return Evidence(
        ratio_status(share, 0.5, 0.25), f"{pct(share)} of {total} solved tickets in one touch"
    )
