"""Incidents out to GitHub or Jira, and their comments and status changes back in."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.config import get_settings
from csops.domains.accounts.actor import Actor
from csops.domains.incidents.models import Incident, TrackerIssue
from csops.domains.incidents.service import get_incident, record_timeline, require, touch
from csops.errors import Conflict, Invalid, PermissionDenied
from csops.integrations import github, jira

SYNC_ACTOR_NAME = {"github": "GitHub", "jira": "Jira"}


def _describe(incident: Incident) -> str:
    base = get_settings().base_url.rstrip("/")
    return (
        f"{incident.summary or incident.title}\n\n"
        f"Severity: {incident.severity.value}\nStatus: {incident.status.value}\n"
        f"Incident: {base}/incidents/{incident.id}\n"
    )


def _create(tracker: str, incident: Incident) -> tuple[str, str]:
    settings = get_settings()
    title = f"[{incident.severity.value}] {incident.title}"
    if tracker == "github":
        if not (settings.github_token and settings.github_repo):
            raise Invalid("GitHub is not configured (CSOPS_GITHUB_TOKEN, CSOPS_GITHUB_REPO)")
        with github.GitHubClient(api_url=settings.github_api_url, token=settings.github_token) as c:
            try:
                made = c.create_issue(
                    settings.github_repo, title=title, body=_describe(incident), labels=["incident"]
                )
            except github.GitHubError as exc:
                raise Conflict(str(exc)) from exc
        return made.key, made.url
    if not (settings.jira_url and settings.jira_token and settings.jira_project):
        raise Invalid(
            "Jira is not configured (CSOPS_JIRA_URL, CSOPS_JIRA_TOKEN, CSOPS_JIRA_PROJECT)"
        )
    with jira.JiraClient(
        base_url=settings.jira_url, user=settings.jira_user, token=settings.jira_token
    ) as client:
        try:
            created = client.create_issue(
                project=settings.jira_project,
                summary=title,
                description=_describe(incident),
                issue_type=settings.jira_issue_type,
            )
        except jira.JiraError as exc:
            raise Conflict(str(exc)) from exc
    return created.key, created.url


def open_issue(session: Session, *, incident_id: int, tracker: str, actor: Actor) -> TrackerIssue:
    incident = get_incident(session, incident_id=incident_id, actor=actor)
    require(actor, "incidents:write")
    if tracker not in SYNC_ACTOR_NAME:
        raise Invalid(f"unknown tracker {tracker!r}")
    existing = session.scalar(
        select(TrackerIssue).where(
            TrackerIssue.incident_id == incident.id, TrackerIssue.tracker == tracker
        )
    )
    if existing is not None:
        raise Conflict(f"this incident already has a {tracker} issue: {existing.key}")
    key, url = _create(tracker, incident)
    issue = TrackerIssue(incident_id=incident.id, tracker=tracker, key=key, url=url)
    session.add(issue)
    session.flush()
    name = SYNC_ACTOR_NAME[tracker]
    record_timeline(
        session, incident, f"{name} issue {key} opened: {url}", actor=actor, source="system"
    )
    touch(session, incident)
    return issue


def trackers_of(session: Session, *, incident_id: int) -> list[TrackerIssue]:
    return list(
        session.scalars(
            select(TrackerIssue)
            .where(TrackerIssue.incident_id == incident_id)
            .order_by(TrackerIssue.id)
        )
    )


def _apply(
    session: Session, tracker: str, key: str, kind: str, author: str, body: str, state: str
) -> bool:
    issue = session.scalar(
        select(TrackerIssue).where(TrackerIssue.tracker == tracker, TrackerIssue.key == key)
    )
    if issue is None:
        return False
    incident = session.get(Incident, issue.incident_id)
    if incident is None:
        return False
    name = SYNC_ACTOR_NAME[tracker]
    actor = Actor(kind="system", name=f"{author} via {name}" if author else name)
    if kind == "comment":
        text = f"{name} {key} comment by {author or 'someone'}: {body.strip()[:10_000]}"
    else:
        issue.state = state[:50]
        text = f"{name} {key} is now {state}."
    record_timeline(session, incident, text, actor=actor, source=tracker)
    touch(session, incident)
    return True


def github_webhook(
    session: Session, *, event: str, body: bytes, signature: str | None, payload: dict[str, Any]
) -> bool:
    """Apply one GitHub delivery; False when it concerns no incident or carries nothing."""
    if not github.verify_signature(get_settings().github_webhook_secret, body, signature):
        raise PermissionDenied("bad or missing X-Hub-Signature-256")
    found = github.parse_event(event, payload)
    if found is None:
        return False
    return _apply(session, "github", found.key, found.kind, found.author, found.body, found.state)


def jira_webhook(session: Session, *, secret: str | None, payload: dict[str, Any]) -> bool:
    if not jira.verify_secret(get_settings().jira_webhook_secret, secret):
        raise PermissionDenied("bad or missing webhook secret")
    found = jira.parse_event(payload)
    if found is None:
        return False
    return _apply(session, "jira", found.key, found.kind, found.author, found.body, found.state)
