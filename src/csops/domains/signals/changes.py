"""Changes (deploys, config changes, feature flags, canary steps) and the bridge from stored
alerts and changes to the correlation engine's candidates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from csops import clock
from csops.domains.accounts.models import Service
from csops.domains.accounts.service import find_service
from csops.domains.signals.alerts import match_service, parse_time
from csops.domains.signals.models import Alert, Change, ChangeKind
from csops.domains.signals.schemas import ChangeIn
from csops.engine.correlation import Candidate
from csops.errors import Invalid


def record_change(session: Session, data: ChangeIn) -> Change:
    """Store a change; the same ``external_id`` updates the earlier row (CI retries)."""
    service = find_service(session, data.service) or match_service(session, [data.service])
    row = None
    if data.external_id:
        row = session.scalar(select(Change).where(Change.external_id == data.external_id))
    if row is None:
        row = Change(external_id=data.external_id)
        session.add(row)
    cohort = dict(data.cohort)
    if data.percentage is not None:
        cohort.setdefault("percentage", data.percentage)
    row.kind = ChangeKind(data.kind)
    row.service_name = data.service
    row.service_id = service.id if service else None
    row.version = data.version
    row.environment = data.environment
    row.cohort = cohort
    row.percentage = data.percentage
    row.commit = data.commit
    row.author = data.author
    row.url = data.url
    row.description = data.description
    row.started_at = data.started_at or row.started_at or clock.now()
    row.finished_at = data.finished_at or row.finished_at
    session.flush()
    return row


def from_github_deployment_status(payload: Mapping[str, Any]) -> ChangeIn:
    """Map GitHub's ``deployment_status`` webhook body to a deploy change."""
    status = payload.get("deployment_status")
    deployment = payload.get("deployment")
    if not isinstance(status, Mapping) or not isinstance(deployment, Mapping):
        raise Invalid("expected a GitHub deployment_status event")
    repo = payload.get("repository") or {}
    raw_extra = deployment.get("payload")
    extra: Mapping[str, Any] = raw_extra if isinstance(raw_extra, Mapping) else {}
    state = str(status.get("state", ""))
    finished = state in ("success", "failure", "error", "inactive")
    return ChangeIn(
        kind="deploy",
        service=str(extra.get("service") or repo.get("name") or "unknown")[:100],
        version=str(deployment.get("ref", ""))[:100],
        environment=str(status.get("environment") or deployment.get("environment") or "")[:50],
        commit=str(deployment.get("sha", ""))[:64],
        author=str((deployment.get("creator") or {}).get("login", ""))[:200],
        url=str(status.get("target_url") or status.get("log_url") or "")[:500],
        description=f"{deployment.get('description') or ''} ({state})".strip(),
        external_id=f"github:{repo.get('full_name', '')}:{deployment.get('id')}",
        started_at=parse_time(deployment.get("created_at")),
        finished_at=parse_time(status.get("updated_at")) if finished else None,
    )


def list_changes(session: Session, *, service: str | None = None, limit: int = 100) -> list[Change]:
    query = select(Change).order_by(Change.started_at.desc(), Change.id.desc()).limit(limit)
    if service:
        query = query.where(Change.service_name == service)
    return list(session.scalars(query))


def candidates(
    session: Session,
    *,
    start: datetime,
    services: Sequence[str] = (),
    lookback: timedelta = timedelta(hours=6),
    after: timedelta = timedelta(minutes=30),
) -> list[Candidate]:
    """Alerts and changes near a spike that starts at ``start``, as engine candidates.

    An alert or change matched to a catalogue service at intake is named by that service's
    slug (its raw label may be an alias such as ``payments`` for ``payments-api``).
    """
    matched = match_service(session, services) if services else None
    slugs = {sid: slug for sid, slug in session.execute(select(Service.id, Service.slug))}
    changes = session.scalars(
        select(Change).where(
            Change.started_at >= start - lookback, Change.started_at <= start + after
        )
    )
    alert_q = select(Alert).where(
        Alert.starts_at >= start - lookback,
        Alert.starts_at <= start + after,
    )
    if services:
        alert_q = alert_q.where(
            or_(
                Alert.service_name.in_(services),
                Alert.service_id.is_(None),
                Alert.service_id == (matched.id if matched else -1),
            )
        )
    out = [
        Candidate(
            kind="change",
            ref=f"change:{c.id}",
            service=slugs.get(c.service_id or 0, c.service_name),
            at=c.started_at.timestamp(),
            title=f"{c.service_name} {c.version}".strip(),
            change_kind=c.kind.value,
            cohort=c.cohort,
        )
        for c in changes
    ]
    out += [
        Candidate(
            kind="alert",
            ref=f"alert:{a.id}",
            service=slugs.get(a.service_id or 0, a.service_name) or None,
            at=a.starts_at.timestamp(),
            title=a.name,
        )
        for a in session.scalars(alert_q)
    ]
    return out
