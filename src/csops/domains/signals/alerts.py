"""Alert intake: Alertmanager v4 webhooks, Grafana webhooks and a generic JSON format.

Deduplication: an alert is identified by (source, fingerprint). Alertmanager HA pairs send
every notification twice by design, and repeat notifications while an alert keeps firing, so
a firing alert that is already open only bumps ``receive_count``; a resolved notification
closes the open row; a firing notification after that opens a new row (a re-fire), unless it
repeats the episode already closed (same ``startsAt``: a late duplicate from an HA peer).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from csops import clock
from csops.domains.accounts.models import Service
from csops.domains.signals.models import Alert, AlertStatus
from csops.domains.signals.schemas import AlertIn
from csops.errors import Invalid

SERVICE_LABELS = ("service", "app", "job", "component", "namespace")
# Deployment names often carry a role suffix the service catalogue leaves out (or the reverse).
SERVICE_SUFFIXES = ("-api", "-svc", "-service", "-web", "-worker")
ZERO_TIME = "0001-01-01"


def parse_time(value: Any) -> datetime | None:
    if not value or (isinstance(value, str) and value.startswith(ZERO_TIME)):
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise Invalid(f"bad timestamp {value!r}") from exc
    if parsed.tzinfo is None:
        raise Invalid(f"timestamp without a time zone: {value!r}")
    return parsed


def _service_from(labels: Mapping[str, Any]) -> str:
    for key in SERVICE_LABELS:
        if labels.get(key):
            return str(labels[key])[:100]
    return ""


def _base_name(value: str) -> str:
    """Lower-cased, spaces and underscores as dashes, without a common role suffix."""
    name = re.sub(r"[\s_]+", "-", value.strip().lower())
    for suffix in SERVICE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def match_service(session: Session, values: Sequence[str]) -> Service | None:
    """The catalogue service the first matching value names: exactly by slug or name, else by
    the names without a role suffix (``payments`` matches ``payments-api``); case-insensitive.

    ``values`` are tried in order (the alert's service, app, job, component, namespace labels).
    """
    wanted = [str(v).strip() for v in values if v and str(v).strip()]
    if not wanted:
        return None
    services = list(session.scalars(select(Service).order_by(Service.id)))
    exact = {key: s for s in services for key in (s.slug.lower(), s.name.lower())}
    loose: dict[str, Service] = {}
    for s in services:
        for key in (_base_name(s.slug), _base_name(s.name)):
            loose.setdefault(key, s)
    for value in wanted:
        found = exact.get(value.lower()) or loose.get(_base_name(value))
        if found is not None:
            return found
    return None


def label_values(labels: Mapping[str, Any]) -> list[str]:
    return [str(labels[key]) for key in SERVICE_LABELS if labels.get(key)]


def from_alertmanager(payload: Mapping[str, Any]) -> list[AlertIn]:
    """Map an Alertmanager (v4) or Grafana unified-alerting webhook body to alerts."""
    if not isinstance(payload, Mapping) or not isinstance(payload.get("alerts"), list):
        raise Invalid("expected an Alertmanager webhook body with an 'alerts' list")
    group_key = str(payload.get("groupKey", ""))[:500]
    common = payload.get("commonLabels") or {}
    out: list[AlertIn] = []
    for raw in payload["alerts"]:
        if not isinstance(raw, Mapping):
            raise Invalid("each alert must be an object")
        labels = {**common, **(raw.get("labels") or {})}
        annotations = raw.get("annotations") or {}
        try:
            out.append(
                AlertIn(
                    name=str(labels.get("alertname") or payload.get("title") or "alert")[:200],
                    status="resolved" if raw.get("status") == "resolved" else "firing",
                    fingerprint=raw.get("fingerprint") or None,
                    group_key=group_key,
                    service=_service_from(labels),
                    severity=str(labels.get("severity", ""))[:20],
                    summary=str(annotations.get("summary") or annotations.get("description", "")),
                    labels=dict(labels),
                    annotations=dict(annotations),
                    starts_at=parse_time(raw.get("startsAt")),
                    ends_at=parse_time(raw.get("endsAt")),
                )
            )
        except ValidationError as exc:
            raise Invalid(str(exc.errors()[0]["msg"])) from exc
    return out


def fingerprint_of(alert: AlertIn) -> str:
    if alert.fingerprint:
        return alert.fingerprint
    ident = {k: alert.labels[k] for k in sorted(alert.labels)} or {"name": alert.name}
    ident.setdefault("alertname", alert.name)
    return hashlib.sha256(json.dumps(ident, sort_keys=True, default=str).encode()).hexdigest()[:32]


def record_alert(
    session: Session, alert: AlertIn, *, source: str, payload: Mapping[str, Any] | None = None
) -> Alert:
    """Insert or update one alert episode; returns the row it landed on."""
    fp = fingerprint_of(alert)
    now = clock.now()
    starts = alert.starts_at or now
    open_row = session.scalar(
        select(Alert)
        .where(
            Alert.source == source,
            Alert.fingerprint == fp,
            Alert.status == AlertStatus.firing,
        )
        .order_by(Alert.id.desc())
        .limit(1)
        .with_for_update()
    )
    if open_row is not None:
        open_row.receive_count += 1
        open_row.last_received_at = now
        if alert.status == "resolved":
            open_row.status = AlertStatus.resolved
            open_row.ends_at = alert.ends_at or now
        return open_row
    closed = session.scalar(
        select(Alert)
        .where(Alert.source == source, Alert.fingerprint == fp, Alert.starts_at == starts)
        .order_by(Alert.id.desc())
        .limit(1)
    )
    if closed is not None:
        closed.receive_count += 1
        closed.last_received_at = now
        return closed
    service = match_service(session, [alert.service, *label_values(alert.labels)])
    row = Alert(
        source=source,
        fingerprint=fp,
        group_key=alert.group_key,
        name=alert.name,
        status=AlertStatus(alert.status),
        severity=alert.severity,
        service_name=alert.service,
        service_id=service.id if service else None,
        summary=alert.summary,
        labels=alert.labels,
        annotations=alert.annotations,
        starts_at=starts,
        ends_at=alert.ends_at if alert.status == "resolved" else None,
        last_received_at=now,
        receive_count=1,
        payload=dict(payload or {}),
    )
    session.add(row)
    session.flush()
    return row


def ingest_alertmanager(
    session: Session, payload: Mapping[str, Any], *, source: str = "alertmanager"
) -> list[Alert]:
    return [
        record_alert(session, a, source=source, payload=payload) for a in from_alertmanager(payload)
    ]


def list_alerts(
    session: Session, *, status: str | None = None, service: str | None = None, limit: int = 100
) -> list[Alert]:
    query = select(Alert).order_by(Alert.starts_at.desc(), Alert.id.desc()).limit(limit)
    if status:
        query = query.where(Alert.status == AlertStatus(status))
    if service:
        query = query.where(Alert.service_name == service)
    return list(session.scalars(query))
