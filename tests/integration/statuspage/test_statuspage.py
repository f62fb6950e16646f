"""Point 14: the status page derived from incidents and maintenance; subscriptions."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from types import SimpleNamespace

import pytest
from sqlalchemy.orm import Session

from csops import signing
from csops.clock import now
from csops.domains.accounts.actor import Actor
from csops.domains.incidents import service as incidents
from csops.domains.incidents.schemas import IncidentCreate
from csops.domains.oncall import maintenance
from csops.domains.oncall.schemas import MaintenanceIn
from csops.domains.statuspage import cache, render, subscriptions
from csops.domains.statuspage import service as statuspage
from csops.domains.statuspage.models import StatusComponent
from csops.domains.statuspage.schemas import ComponentIn, SubscribeIn
from csops.errors import Invalid, PermissionDenied
from tests.integration.incidents.conftest import drain
from tests.integration.notifications.sinks import HttpSink, SmtpSink, start_http


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def _declare(db: Session, staff: SimpleNamespace, severity: str = "SEV1") -> int:
    data = IncidentCreate(
        title="Search is down",
        severity=severity,
        service_ids=[staff.service.id],
        page=False,
        started_at=now() - timedelta(hours=2),
    )
    return incidents.create_incident(db, data=data, actor=staff.manager_actor).id


def test_components_status_incidents_and_maintenance(db: Session, staff: SimpleNamespace) -> None:
    admin = Actor.system()
    statuspage.create_component(
        db, data=ComponentIn(name="Search", service_id=staff.service.id), actor=admin
    )
    with pytest.raises(PermissionDenied):
        statuspage.create_component(db, data=ComponentIn(name="X"), actor=staff.agent_actor)
    with pytest.raises(Invalid):
        statuspage.create_component(db, data=ComponentIn(name="Y", brand="nope"), actor=admin)
    snap = statuspage.snapshot(db)
    assert snap.status == "operational" and [c.name for c in snap.components] == ["Search"]

    incident_id = _declare(db, staff)
    # Not yet spoken about publicly: the page stays green.
    assert statuspage.snapshot(db).status == "operational"
    incidents.post_update(
        db, incident_id=incident_id, body="Looking into it", public=True, actor=staff.agent_actor
    )
    incidents.post_update(
        db, incident_id=incident_id, body="internal detail", public=False, actor=staff.agent_actor
    )
    snap = statuspage.snapshot(db)
    assert snap.status == "major_outage" and snap.components[0].status == "major_outage"
    assert [u.body for u in snap.active[0].updates] == ["Looking into it"]

    incidents.post_update(
        db,
        incident_id=incident_id,
        body="Fixed",
        public=True,
        status="resolved",
        actor=staff.agent_actor,
    )
    at = now()
    maintenance.create_window(
        db,
        data=MaintenanceIn(
            service_id=staff.service.id,
            starts_at=at - timedelta(minutes=5),
            ends_at=at + timedelta(hours=1),
            description="Index rebuild",
        ),
    )
    summary = render.summary(statuspage.snapshot(db))
    assert summary.status == "maintenance" and summary.incidents == []
    assert summary.recent[0].title == "Search is down"
    assert summary.maintenance[0].description == "Index rebuild"
    assert summary.components[0].uptime_90d < 1.0
    feed = render.atom(statuspage.snapshot(db), base_url="http://x", path="/status")
    assert feed.count("<entry>") == 2 and "internal detail" not in feed
    assert "maintenance" in render.badge(statuspage.snapshot(db))


def test_drills_never_show(db: Session, staff: SimpleNamespace) -> None:
    data = IncidentCreate(
        title="Drill", severity="SEV1", service_ids=[staff.service.id], is_drill=True, page=False
    )
    drill = incidents.create_incident(db, data=data, actor=staff.manager_actor)
    incidents.post_update(
        db, incident_id=drill.id, body="drill", public=True, actor=staff.agent_actor
    )
    assert statuspage.snapshot(db).status == "operational"


def test_email_subscription_double_opt_in(
    db: Session, staff: SimpleNamespace, smtp: SmtpSink
) -> None:
    sub = subscriptions.subscribe(db, data=SubscribeIn(email="Fan@Mail.Example"))
    incident_id = _declare(db, staff, "SEV2")
    incidents.post_update(
        db, incident_id=incident_id, body="Before confirming", public=True, actor=staff.agent_actor
    )
    drain(db)
    to_fan = [m for m in smtp.received if str(m["To"]) == "fan@mail.example"]
    assert len(to_fan) == 1 and "Confirm" in str(to_fan[0]["Subject"])
    link = re.search(r"/status/confirm\?token=(\S+)", _text(to_fan[0]))
    assert link is not None
    subscriptions.confirm(db, token=link.group(1))
    assert sub.confirmed_at is not None
    incidents.post_update(
        db, incident_id=incident_id, body="After confirming", public=True, actor=staff.agent_actor
    )
    drain(db)
    drain(db)
    to_fan = [m for m in smtp.received if str(m["To"]) == "fan@mail.example"]
    assert len(to_fan) == 2 and "After confirming" in _text(to_fan[1])
    unsub = re.search(r"/status/unsubscribe\?token=(\S+)", _text(to_fan[1]))
    assert unsub is not None
    subscriptions.unsubscribe(db, token=unsub.group(1))
    assert not sub.active
    with pytest.raises(Invalid):
        subscriptions.confirm(db, token="forged")


@pytest.fixture
def hook() -> Iterator[HttpSink]:
    sink, server = start_http()
    yield sink
    server.shutdown()
    server.server_close()


def test_webhook_subscribers_get_signed_posts(
    db: Session, staff: SimpleNamespace, hook: HttpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(subscriptions.webhooks, "allowed_ranges", lambda *a, **k: ["127.0.0.0/8"])
    subscriptions.subscribe(db, data=SubscribeIn(kind="webhook", url=f"{hook.url}/status-hook"))
    incident_id = _declare(db, staff, "SEV3")
    update = incidents.post_update(
        db, incident_id=incident_id, body="Degraded search", public=True, actor=staff.agent_actor
    )
    drain(db)
    [hit] = [h for h in hook.hits if h.path == "/status-hook"]
    payload = json.loads(hit.body)
    assert payload["update"]["id"] == update.id and payload["incident"]["severity"] == "SEV3"
    expected = "sha256=" + signing.digest(subscriptions.SIGNATURE_PURPOSE, hit.body.decode())
    assert hit.headers["x-csops-signature"] == expected


def test_webhook_to_a_private_address_is_refused(db: Session) -> None:
    with pytest.raises(Invalid):
        subscriptions.subscribe(db, data=SubscribeIn(kind="webhook", url="http://127.0.0.1:9/x"))


def test_cache_follows_changes(
    db: Session, staff: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.clear()
    monkeypatch.setattr(cache, "get_settings", lambda: SimpleNamespace(status_cache_seconds=0.0))
    renders: list[int] = []

    def make(session: Session) -> str:
        renders.append(1)
        return render.summary(statuspage.snapshot(session)).status

    key = ("default", "test")
    assert cache.cached(key, lambda: Session(bind=db.connection()), make) == "operational"  # type: ignore[arg-type,return-value]
    assert cache.cached(key, lambda: Session(bind=db.connection()), make) == "operational"  # type: ignore[arg-type,return-value]
    assert len(renders) == 1  # unchanged fingerprint: no new rendering
    incident_id = _declare(db, staff, "SEV2")
    incidents.post_update(
        db, incident_id=incident_id, body="x", public=True, actor=staff.agent_actor
    )
    db.add(StatusComponent(name="Search", service_id=staff.service.id))
    db.flush()
    assert cache.cached(key, lambda: Session(bind=db.connection()), make) == "partial_outage"  # type: ignore[arg-type]
    assert len(renders) == 2
    cache.clear()
