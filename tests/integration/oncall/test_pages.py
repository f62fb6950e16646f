from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from csops import clock
from csops.domains.live.models import LiveEvent
from csops.domains.oncall import maintenance, pages, service
from csops.domains.oncall.models import PageStatus, PageSuppression
from csops.domains.oncall.schemas import MaintenanceIn
from csops.errors import Invalid
from csops.jobs.models import Job
from csops.jobs.registry import autodiscover, get_handler
from tests.integration.oncall.conftest import T0


def _timers(db: Session, page_id: int) -> list[Job]:
    jobs = db.scalars(select(Job).where(Job.kind == pages.ESCALATE_JOB)).all()
    return [j for j in jobs if j.payload["page_id"] == page_id]


def _run(db: Session, job: Job) -> None:
    autodiscover()
    handler = get_handler(job.kind)
    assert handler is not None
    handler(db, job.payload)


def _notified(db: Session, page_id: int) -> list[tuple[int, int]]:
    return [(n.level_index, n.user_id) for n in pages.notified(db, page_id=page_id)]


def test_unacked_page_escalates_and_ack_stops_it(db: Session, world: SimpleNamespace) -> None:
    u = world.users
    with clock.frozen(T0):
        page = service.trigger_page(
            db, title="DB down", dedup_key="db", service_id=world.service.id, source="test"
        )
    assert page is not None and page.policy_id == world.policy.id
    assert _notified(db, page.id) == [(0, u[0].id)]
    [first] = _timers(db, page.id)
    assert first.run_at == T0 + timedelta(minutes=10)
    with clock.frozen(T0 + timedelta(minutes=10)):
        _run(db, first)
    assert page.level_index == 1
    assert _notified(db, page.id) == [(0, u[0].id), (1, u[2].id), (1, world.boss.id)]
    second = [j for j in _timers(db, page.id) if j.id != first.id]
    assert len(second) == 1
    _run(db, first)  # a stale timer is harmless
    assert page.level_index == 1
    pages.acknowledge(db, page_id=page.id, user_id=u[2].id)
    assert page.status == PageStatus.acknowledged and page.acknowledged_by_id == u[2].id
    _run(db, second[0])  # the ack made the pending timer stale
    assert len(_notified(db, page.id)) == 3
    topics = db.scalars(select(LiveEvent.payload).where(LiveEvent.topic == "pages")).all()
    assert {"triggered", "escalated", "acknowledged"} <= {p["event"] for p in topics}


def test_policy_repeats_then_stops(db: Session, world: SimpleNamespace) -> None:
    world.policy.repeat = 1
    page = service.trigger_page(
        db, title="x", dedup_key="rep", service_id=world.service.id, source="t"
    )
    assert page is not None
    for _ in range(5):
        timers = _timers(db, page.id)
        _run(db, timers[-1])
    assert [
        (c, lvl)
        for c, lvl in {(n.cycle, n.level_index) for n in pages.notified(db, page_id=page.id)}
    ] != []
    levels_seen = sorted({(n.cycle, n.level_index) for n in pages.notified(db, page_id=page.id)})
    assert levels_seen == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert page.timer_token == ""


def test_triggers_coalesce_into_one_page(db: Session, world: SimpleNamespace) -> None:
    with clock.frozen(T0):
        first = service.trigger_page(
            db, title="a", dedup_key="k1", service_id=world.service.id, source="t"
        )
        for i in range(20):
            again = service.trigger_page(
                db, title=f"a{i}", dedup_key=f"other{i}", service_id=world.service.id, source="t"
            )
            assert again is first
        by_incident = service.trigger_page(
            db, title="b", dedup_key="zz", team_id=world.team.id, incident_id=7, source="t"
        )
        same_incident = service.trigger_page(
            db, title="c", dedup_key="yy", team_id=world.team.id, incident_id=7, source="t"
        )
    assert first is not None and first.trigger_count == 21
    assert by_incident is same_incident and by_incident is not first
    assert len(_notified(db, first.id)) == 1  # coalesced triggers notify nobody again
    with clock.frozen(T0 + timedelta(minutes=31)):
        late = service.trigger_page(
            db, title="a", dedup_key="k1", service_id=world.service.id, source="t"
        )
    assert late is not first
    pages.resolve(db, page_id=late.id, user_id=None)  # type: ignore[union-attr]
    with clock.frozen(T0 + timedelta(minutes=32)):
        after = service.trigger_page(
            db, title="a", dedup_key="k1", service_id=world.service.id, source="t"
        )
    assert after is not late and after is not None and after.status == PageStatus.triggered


def test_maintenance_suppresses_pages(db: Session, world: SimpleNamespace) -> None:
    window = maintenance.create_window(
        db,
        data=MaintenanceIn(
            service_id=world.service.id,
            starts_at=T0,
            ends_at=T0 + timedelta(hours=1),
            description="upgrade",
        ),
    )
    with clock.frozen(T0 + timedelta(minutes=5)):
        assert service.in_maintenance(db, service_id=world.service.id)
        assert (
            service.trigger_page(
                db, title="x", dedup_key="m", service_id=world.service.id, source="t"
            )
            is None
        )
        assert [w.id for w in service.maintenance_windows(db, service_id=world.service.id)] == [
            window.id
        ]
    rows = db.scalars(
        select(PageSuppression).where(PageSuppression.maintenance_id == window.id)
    ).all()
    assert len(rows) == 1 and rows[0].dedup_key == "m"
    assert not service.in_maintenance(db, service_id=world.service.id, at=T0 + timedelta(hours=1))
    with clock.frozen(T0 + timedelta(hours=2)):
        assert (
            service.trigger_page(
                db, title="x", dedup_key="m", service_id=world.service.id, source="t"
            )
            is not None
        )


def test_signed_links(db: Session, world: SimpleNamespace) -> None:
    links = pages.links(5, 9)
    token = links["acknowledge_url"].rsplit("/", 1)[1]
    assert pages.read_link(token) == (5, 9, "acknowledge")
    with pytest.raises(Invalid):
        pages.read_link(token[:-2] + "xx")


def test_team_page_without_policy_uses_schedules(
    db: Session, world: SimpleNamespace, factories: SimpleNamespace
) -> None:
    lonely = factories.team()
    member = factories.user(teams=[lonely])
    with clock.frozen(T0):
        page = service.trigger_page(
            db, title="t", dedup_key="team", team_id=world.team.id, source="t"
        )
        other = service.trigger_page(
            db, title="t", dedup_key="lonely", team_id=lonely.id, source="t"
        )
    assert page is not None and other is not None
    assert _notified(db, page.id) == [(0, world.users[0].id)]
    assert _notified(db, other.id) == [(0, member.id)]


def test_page_writes_outbox_rows_with_signed_links(db: Session, world: SimpleNamespace) -> None:
    from csops.domains.notifications.models import OutboxItem

    with clock.frozen(T0):
        page = service.trigger_page(
            db, title="Disk full", dedup_key="disk", service_id=world.service.id, source="t"
        )
    assert page is not None
    rows = db.scalars(select(OutboxItem).where(OutboxItem.user_id == world.users[0].id)).all()
    assert rows, "the level-1 responder gets an outbox row"
    text = " ".join(str(getattr(r, "body_text", "")) + str(getattr(r, "subject", "")) for r in rows)
    assert "Disk full" in text and "/oncall/link/" in text
