"""Postmortems: a template per incident, the timeline filled in, exported as Markdown."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.accounts.actor import Actor
from csops.domains.incidents import metrics
from csops.domains.incidents.models import Incident, Postmortem
from csops.domains.incidents.schemas import ActionItem, PostmortemIn, PostmortemOut, UpdateOut
from csops.domains.incidents.service import get_incident, require, timeline


def _row(session: Session, incident_id: int) -> Postmortem | None:
    return session.scalar(select(Postmortem).where(Postmortem.incident_id == incident_id))


def default_impact(session: Session, incident: Incident) -> str:
    figures = metrics.compute(session, incident)
    seconds = figures.durations.time_to_resolve
    duration = f"{seconds / 60:.0f} minutes" if seconds is not None else "ongoing"
    return (
        f"{figures.customers_affected} customers, {figures.tickets_linked} tickets, "
        f"duration {duration}."
    )


def get_postmortem(session: Session, *, incident_id: int, actor: Actor) -> PostmortemOut:
    incident = get_incident(session, incident_id=incident_id, actor=actor)
    row = _row(session, incident.id)
    entries = [UpdateOut.model_validate(u) for u in timeline(session, incident_id=incident.id)]
    if row is None:
        return PostmortemOut(
            incident_id=incident.id,
            summary=incident.summary,
            impact=default_impact(session, incident),
            root_cause="",
            lessons="",
            action_items=[],
            published=False,
            timeline=entries,
            updated_at=None,
        )
    return PostmortemOut(
        incident_id=incident.id,
        summary=row.summary,
        impact=row.impact,
        root_cause=row.root_cause,
        lessons=row.lessons,
        action_items=[ActionItem.model_validate(item) for item in row.action_items],
        published=row.published,
        timeline=entries,
        updated_at=row.updated_at,
    )


def save_postmortem(
    session: Session, *, incident_id: int, data: PostmortemIn, actor: Actor
) -> PostmortemOut:
    incident = get_incident(session, incident_id=incident_id, actor=actor)
    require(actor, "incidents:write")
    row = _row(session, incident.id)
    if row is None:
        row = Postmortem(incident_id=incident.id)
        session.add(row)
    row.summary = data.summary
    row.impact = data.impact
    row.root_cause = data.root_cause
    row.lessons = data.lessons
    row.action_items = [item.model_dump(mode="json") for item in data.action_items]
    row.published = data.published
    row.updated_at = now()
    row.updated_by_id = actor.id if actor.kind == "user" else None
    session.flush()
    return get_postmortem(session, incident_id=incident.id, actor=actor)


def _section(title: str, body: str) -> list[str]:
    return [f"## {title}", "", body.strip() or "_(to be written)_", ""]


def to_markdown(session: Session, *, incident_id: int, actor: Actor) -> str:
    incident = get_incident(session, incident_id=incident_id, actor=actor)
    pm = get_postmortem(session, incident_id=incident.id, actor=actor)
    figures = metrics.compute(session, incident)
    lines = [
        f"# Postmortem: {incident.title}",
        "",
        f"- Incident: #{incident.id} ({incident.severity.value}, {incident.status.value})",
        f"- Started: {incident.started_at.isoformat()}",
        f"- Resolved: {incident.resolved_at.isoformat() if incident.resolved_at else 'not yet'}",
        f"- Customers affected: {figures.customers_affected}",
        f"- Tickets linked: {figures.tickets_linked}",
        "",
    ]
    lines += _section("Summary", pm.summary)
    lines += _section("Impact", pm.impact)
    lines += ["## Timeline", ""]
    for entry in pm.timeline:
        scope = "public" if entry.is_public else "internal"
        status = f" [{entry.status.value}]" if entry.status else ""
        body = entry.body.replace("\n", " ")
        lines.append(f"- {entry.created_at:%Y-%m-%d %H:%M} UTC ({scope}){status} {body}")
    lines.append("")
    lines += _section("Root cause", pm.root_cause)
    lines += _section("Lessons learned", pm.lessons)
    lines += ["## Action items", "", "| Done | Action | Owner | Due |", "|---|---|---|---|"]
    for item in pm.action_items:
        cell = item.title.replace("|", "\\|")
        due = item.due.isoformat() if item.due else ""
        lines.append(f"| {'x' if item.done else ' '} | {cell} | {item.owner} | {due} |")
    return "\n".join(lines) + "\n"
