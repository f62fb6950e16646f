"""The status page as JSON, an Atom feed and an SVG badge (pure functions of a Snapshot)."""

from __future__ import annotations

from datetime import datetime
from xml.sax.saxutils import escape

from csops.domains.statuspage.schemas import (
    ComponentSummary,
    IncidentSummary,
    MaintenanceSummary,
    StatusSummary,
    UpdateSummary,
)
from csops.domains.statuspage.service import IncidentView, Snapshot

LABEL = {
    "operational": "operational",
    "degraded": "degraded",
    "partial_outage": "partial outage",
    "major_outage": "major outage",
    "maintenance": "maintenance",
}
COLOR = {
    "operational": "#2e9d4f",
    "degraded": "#d4a017",
    "partial_outage": "#e67e22",
    "major_outage": "#c0392b",
    "maintenance": "#3b7dd8",
}


def _incident(view: IncidentView) -> IncidentSummary:
    return IncidentSummary(
        id=view.id,
        title=view.title,
        impact=view.impact,
        status=view.status,
        started_at=view.started_at,
        resolved_at=view.resolved_at,
        components=view.components,
        updates=[
            UpdateSummary(
                created_at=u.created_at, status=u.status.value if u.status else None, body=u.body
            )
            for u in view.updates
        ],
    )


def summary(snap: Snapshot) -> StatusSummary:
    return StatusSummary(
        brand=snap.brand,
        title=snap.title,
        status=snap.status,
        generated_at=snap.generated_at,
        components=[
            ComponentSummary(id=c.id, name=c.name, status=c.status, uptime_90d=round(c.uptime, 6))
            for c in snap.components
        ],
        incidents=[_incident(v) for v in snap.active],
        recent=[_incident(v) for v in snap.recent],
        maintenance=[
            MaintenanceSummary(
                component=m.component,
                starts_at=m.starts_at,
                ends_at=m.ends_at,
                description=m.description,
                in_progress=m.in_progress,
            )
            for m in snap.maintenance
        ],
    )


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def atom(snap: Snapshot, *, base_url: str, path: str) -> str:
    """One entry per public update, newest first."""
    entries = [(update, view) for view in [*snap.active, *snap.recent] for update in view.updates]
    entries.sort(key=lambda pair: pair[0].created_at, reverse=True)
    updated = entries[0][0].created_at if entries else snap.generated_at
    page = f"{base_url}{path}"
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(snap.title)}</title>",
        f"<id>{escape(page)}/feed.atom</id>",
        f'<link href="{escape(page)}"/>',
        f'<link rel="self" href="{escape(page)}/feed.atom"/>',
        f"<updated>{_stamp(updated)}</updated>",
    ]
    for update, view in entries[:100]:
        status = update.status.value if update.status else view.status
        parts += [
            "<entry>",
            f"<title>{escape(view.title)} — {escape(status)}</title>",
            f"<id>{escape(page)}/incidents/{view.id}#update-{update.id}</id>",
            f'<link href="{escape(page)}#incident-{view.id}"/>',
            f"<updated>{_stamp(update.created_at)}</updated>",
            "<author><name>status</name></author>",
            f'<content type="text">{escape(update.body)}</content>',
            "</entry>",
        ]
    parts.append("</feed>")
    return "\n".join(parts) + "\n"


def badge(snap: Snapshot, *, label: str = "status") -> str:
    text = LABEL.get(snap.status, snap.status)
    color = COLOR.get(snap.status, "#777")
    left = 7 * len(label) + 12
    right = 7 * len(text) + 12
    width = left + right
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" '
        f'aria-label="{escape(label)}: {escape(text)}">'
        f"<title>{escape(label)}: {escape(text)}</title>"
        f'<rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{color}"/>'
        '<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="6" y="14">{escape(label)}</text>'
        f'<text x="{left + 6}" y="14">{escape(text)}</text></g></svg>'
    )
