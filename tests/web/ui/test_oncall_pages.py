"""On-call HTML pages through a real server: the 14-day timeline, the pages list with its
acknowledge button, maintenance and drill forms (role checks, bad input as a flash)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.domains.accounts.models import Role, User
from csops.domains.oncall import schedules, service
from csops.domains.oncall.models import Drill, MaintenanceWindow, Page, PageStatus
from csops.domains.oncall.schemas import LayerIn, ScheduleIn
from tests.web.conftest import LiveServer
from tests.web.ui.conftest import signed_in, team_id


def test_oncall_pages_end_to_end(live: LiveServer) -> None:
    live.user("ann@example.com", role=Role.agent, team_names=("Ops",))
    live.user("bob@example.com", role=Role.agent, team_names=("Ops",))
    live.user("root@example.com", role=Role.admin)
    ops = team_id(live, "Ops")

    def seed(session: Session) -> tuple[int, int]:
        ids = session.scalars(select(User.id).where(User.email.like("%@example.com"))).all()
        schedule = schedules.save_schedule(
            session,
            data=ScheduleIn(
                name="Ops primary",
                team_id=ops,
                time_zone="Asia/Shanghai",
                layers=[
                    LayerIn(
                        participant_ids=list(ids[:2]),
                        rotation="daily",
                        starts_local=datetime(2026, 1, 1, 9),
                    )
                ],
            ),
        )
        page = service.trigger_page(
            session,
            title="<script>x</script> checkout down",
            dedup_key="ui",
            team_id=ops,
            source="test",
        )
        assert page is not None
        return schedule.id, page.id

    schedule_id, page_id = live.seed(seed)
    ann = signed_in(live, "ann@example.com")
    overview = ann.get("/oncall")
    assert overview.status_code == 200 and "Ops primary" in overview.text
    timeline = ann.get(f"/oncall/schedules/{schedule_id}")
    assert timeline.status_code == 200 and timeline.text.count('class="oncall-bar') >= 14
    listing = ann.get("/oncall/pages")
    assert "&lt;script&gt;x&lt;/script&gt;" in listing.text and "<script>x" not in listing.text
    assert f'action="/oncall/pages/{page_id}/acknowledge"' in listing.text
    acked = ann.post(f"/oncall/pages/{page_id}/acknowledge", {})
    assert acked.status_code == 303
    bad = ann.post(
        f"/oncall/schedules/{schedule_id}/overrides",
        {"user_id": "1", "starts_at": "yesterday", "ends_at": "tomorrow"},
    )
    assert bad.status_code == 303 and "csops_flash" in bad.headers.get("set-cookie", "")
    start = datetime.now(UTC) + timedelta(days=1)
    window = {
        "service_id": "1",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
        "description": "Upgrade",
    }
    assert ann.post("/oncall/maintenance", window).status_code == 403
    assert (
        ann.post("/oncall/drills", {"team_id": str(ops), "at": start.isoformat()}).status_code
        == 403
    )
    root = signed_in(live, "root@example.com")
    drill = root.post(
        "/oncall/drills",
        {
            "team_id": str(ops),
            "window_start": start.isoformat(),
            "window_end": (start + timedelta(days=3)).isoformat(),
        },
    )
    assert drill.status_code == 303
    assert "Drill:" in root.get("/oncall/drills").text
    with live.session() as session:
        assert session.get(Page, page_id).status == PageStatus.acknowledged  # type: ignore[union-attr]
        made = session.scalars(select(Drill)).one()
        assert start <= made.scheduled_for <= start + timedelta(days=3)
        assert session.scalars(select(MaintenanceWindow)).all() == []
