"""The public status page: components, their status, incidents and maintenance.

Only incidents that are real (not drills) and have at least one public update appear:
an incident nobody has spoken about publicly yet stays internal. A brand without
components shows one line per service, so the page is useful before anyone configures it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.config import get_settings
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Service
from csops.domains.incidents.models import Incident, IncidentStatus, IncidentUpdate
from csops.domains.incidents.service import timeline
from csops.domains.notifications.models import Brand
from csops.domains.oncall import service as oncall
from csops.domains.statuspage import uptime
from csops.domains.statuspage.models import StatusComponent
from csops.domains.statuspage.schemas import ComponentIn
from csops.errors import Conflict, Invalid, NotFound, PermissionDenied

DEFAULT_BRAND = "default"
HISTORY_DAYS = 90
RECENT_DAYS = 14


@dataclass
class ComponentView:
    id: int
    name: str
    description: str
    service_id: int | None
    status: str
    bars: list[uptime.DayBar]
    uptime: float


@dataclass
class IncidentView:
    id: int
    title: str
    impact: str
    status: str
    started_at: datetime
    resolved_at: datetime | None
    components: list[str]
    updates: list[IncidentUpdate]


@dataclass
class MaintenanceView:
    component: str
    starts_at: datetime
    ends_at: datetime
    description: str
    in_progress: bool


@dataclass
class Snapshot:
    brand: str
    title: str
    status: str
    generated_at: datetime
    components: list[ComponentView] = field(default_factory=list)
    active: list[IncidentView] = field(default_factory=list)
    recent: list[IncidentView] = field(default_factory=list)
    maintenance: list[MaintenanceView] = field(default_factory=list)


def _require_admin(actor: Actor) -> None:
    if not actor.is_staff:
        raise NotFound("not found")
    if not actor.is_admin:
        raise PermissionDenied("only an admin may change the status page")


def list_components(session: Session, *, brand: str | None = None) -> list[StatusComponent]:
    query = select(StatusComponent).order_by(
        StatusComponent.brand, StatusComponent.position, StatusComponent.id
    )
    if brand is not None:
        query = query.where(StatusComponent.brand == brand)
    return list(session.scalars(query))


def create_component(session: Session, *, data: ComponentIn, actor: Actor) -> StatusComponent:
    _require_admin(actor)
    try:
        require_brand(session, data.brand)
    except NotFound as exc:
        raise Invalid(f"unknown brand {data.brand!r}") from exc
    if data.service_id is not None and session.get(Service, data.service_id) is None:
        raise Invalid(f"unknown service id {data.service_id}")
    taken = session.scalar(
        select(StatusComponent.id).where(
            StatusComponent.brand == data.brand, StatusComponent.name == data.name
        )
    )
    if taken is not None:
        raise Conflict(f"the {data.brand} page already has a component named {data.name!r}")
    component = StatusComponent(**data.model_dump())
    session.add(component)
    session.flush()
    return component


def delete_component(session: Session, *, component_id: int, actor: Actor) -> None:
    _require_admin(actor)
    component = session.get(StatusComponent, component_id)
    if component is None:
        raise NotFound(f"component {component_id} not found")
    session.delete(component)
    session.flush()


def brand_title(session: Session, brand: str) -> str:
    row = session.scalar(select(Brand).where(Brand.slug == brand))
    title = get_settings().status_page_title
    return f"{row.name} — {title}" if row is not None else title


def require_brand(session: Session, brand: str) -> None:
    """The default page always exists; another one per brand (notifications.Brand slug)."""
    if brand == DEFAULT_BRAND:
        return
    if session.scalar(select(Brand.id).where(Brand.slug == brand)) is None:
        raise NotFound(f"no status page {brand!r}")


def _components(session: Session, brand: str) -> list[StatusComponent]:
    rows = list_components(session, brand=brand)
    if rows or brand != DEFAULT_BRAND:
        return rows
    services = session.scalars(select(Service).order_by(Service.name)).all()
    return [
        StatusComponent(id=-s.id, brand=brand, name=s.name, description="", service_id=s.id)
        for s in services
    ]


def _published(session: Session, since: datetime) -> list[Incident]:
    public = select(IncidentUpdate.incident_id).where(IncidentUpdate.is_public.is_(True))
    query = (
        select(Incident)
        .where(Incident.is_drill.is_(False), Incident.id.in_(public))
        .where((Incident.resolved_at.is_(None)) | (Incident.resolved_at >= since))
        .order_by(Incident.started_at.desc())
    )
    return list(session.scalars(query))


def _incident_view(
    session: Session, incident: Incident, names: dict[int, list[str]]
) -> IncidentView:
    comps = sorted({n for sid in incident.service_ids for n in names.get(sid, [])})
    return IncidentView(
        id=incident.id,
        title=incident.title,
        impact=uptime.LEVEL_FOR_SEVERITY[incident.severity.value],
        status=incident.status.value,
        started_at=incident.started_at,
        resolved_at=incident.resolved_at,
        components=comps,
        updates=list(reversed(timeline(session, incident_id=incident.id, public_only=True))),
    )


def _maintenance(
    session: Session, components: list[StatusComponent], at: datetime
) -> list[MaintenanceView]:
    by_service = {c.service_id: c.name for c in components if c.service_id is not None}
    views = [
        MaintenanceView(
            component=by_service[w.service_id],
            starts_at=w.starts_at,
            ends_at=w.ends_at,
            description=w.description,
            in_progress=w.starts_at <= at < w.ends_at,
        )
        for w in oncall.maintenance_windows(session, public_only=True)
        if w.service_id in by_service
    ]
    return sorted(views, key=lambda v: v.starts_at)


def snapshot(session: Session, *, brand: str = DEFAULT_BRAND) -> Snapshot:
    require_brand(session, brand)
    at = now()
    components = _components(session, brand)
    incidents = _published(session, at - timedelta(days=HISTORY_DAYS))
    names: dict[int, list[str]] = defaultdict(list)
    for comp in components:
        if comp.service_id is not None:
            names[comp.service_id].append(comp.name)
    relevant = [
        i
        for i in incidents
        if any(sid in names for sid in i.service_ids)
        or (brand == DEFAULT_BRAND and not i.service_ids)
    ]
    intervals: dict[int, list[uptime.Interval]] = defaultdict(list)
    for incident in relevant:
        level = uptime.LEVEL_FOR_SEVERITY[incident.severity.value]
        for service_id in incident.service_ids:
            intervals[service_id].append(
                uptime.Interval(incident.started_at, incident.resolved_at, level)
            )
    maintenance = _maintenance(session, components, at)
    in_maintenance = {m.component for m in maintenance if m.in_progress}
    views: list[ComponentView] = []
    for comp in components:
        sid = comp.service_id
        active = [
            uptime.LEVEL_FOR_SEVERITY[i.severity.value]
            for i in relevant
            if i.status != IncidentStatus.resolved and sid in i.service_ids
        ]
        status = uptime.worst(active)
        if status == "operational" and comp.name in in_maintenance:
            status = "maintenance"
        bars = uptime.daily_bars(
            intervals.get(sid or 0, []), today=at.date(), days=HISTORY_DAYS, now=at
        )
        views.append(
            ComponentView(
                id=comp.id,
                name=comp.name,
                description=comp.description,
                service_id=sid,
                status=status,
                bars=bars,
                uptime=uptime.overall_uptime(bars),
            )
        )
    overall = uptime.worst([v.status for v in views if v.status in uptime.LEVELS])
    if overall == "operational" and any(v.status == "maintenance" for v in views):
        overall = "maintenance"
    recent_since = at - timedelta(days=RECENT_DAYS)
    return Snapshot(
        brand=brand,
        title=brand_title(session, brand),
        status=overall,
        generated_at=at,
        components=views,
        active=[
            _incident_view(session, i, names)
            for i in relevant
            if i.status != IncidentStatus.resolved
        ],
        recent=[
            _incident_view(session, i, names)
            for i in relevant
            if i.status == IncidentStatus.resolved and (i.resolved_at or at) >= recent_since
        ],
        maintenance=maintenance,
    )
