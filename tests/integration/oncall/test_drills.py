from __future__ import annotations

import random
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops import clock
from csops.domains.oncall import drills, pages, service
from csops.domains.oncall.models import DrillStatus
from csops.domains.oncall.schemas import DrillIn
from csops.jobs.models import Job
from csops.jobs.registry import autodiscover, get_handler
from tests.integration.oncall.conftest import T0


def test_drill_pages_and_records_results(db: Session, world: SimpleNamespace) -> None:
    with clock.frozen(T0):
        drill = drills.schedule_drill(
            db,
            data=DrillIn(team_id=world.team.id, window_start=T0, window_end=T0 + timedelta(days=2)),
            created_by_id=world.boss.id,
            rng=random.Random(4),
        )
    assert T0 <= drill.scheduled_for <= T0 + timedelta(days=2)
    job = db.scalars(select(Job).where(Job.kind == drills.START_JOB)).one()
    assert job.run_at == drill.scheduled_for
    autodiscover()
    handler = get_handler(job.kind)
    assert handler is not None
    with clock.frozen(drill.scheduled_for):
        handler(db, job.payload)
        handler(db, job.payload)  # idempotent
    assert drill.status == DrillStatus.running and drill.page_id is not None
    page = pages.get_page(db, drill.page_id)
    assert page.is_drill and page.title.startswith("[DRILL]")
    assert [n.user_id for n in pages.notified(db, page_id=page.id)]
    with clock.frozen(drill.scheduled_for + timedelta(seconds=90)):
        pages.acknowledge(db, page_id=page.id, user_id=world.users[0].id)
    with clock.frozen(drill.scheduled_for + timedelta(seconds=300)):
        pages.join(db, page_id=page.id, user_id=world.users[0].id)
    assert (drill.seconds_to_ack, drill.seconds_to_join, drill.levels_reached) == (90, 300, 1)
    assert drill.status == DrillStatus.completed
    with clock.frozen(drill.scheduled_for + timedelta(hours=1)):
        [row] = service.drill_results(db, team_id=world.team.id)
    assert row["seconds_to_ack"] == 90 and row["joined"] is True


def test_cancelled_drill_never_pages(db: Session, world: SimpleNamespace) -> None:
    drill = drills.schedule_drill(
        db, data=DrillIn(team_id=world.team.id, at=T0), created_by_id=None
    )
    drills.cancel_drill(db, drill_id=drill.id)
    assert drills.start_drill(db, drill_id=drill.id) is None
    assert drill.page_id is None
