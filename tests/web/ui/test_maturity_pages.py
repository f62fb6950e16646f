"""Maturity pages through a real server: start, answer, complete, see levels and the plan."""

from __future__ import annotations

import re

from sqlalchemy import select

from csops.domains.accounts.models import Role
from csops.domains.maturity.model import load
from csops.domains.maturity.models import Assessment, AssessmentStatus
from tests.web.conftest import LiveServer
from tests.web.ui.conftest import signed_in


def _all_level_two(extra: dict[str, str] | None = None) -> dict[str, str]:
    form = {f"answer:{p.id}": "in_place" for p in load().practices if p.level == 2}
    return {**form, **(extra or {})}


def test_a_manager_runs_an_assessment_to_completion(live: LiveServer) -> None:
    live.user("boss@example.com", role=Role.manager)
    boss = signed_in(live, "boss@example.com")
    started = boss.post("/maturity", {"title": "Autumn review"})
    assert started.status_code == 303
    url = started.headers["location"]
    assert re.fullmatch(r"/maturity/\d+", url)
    page = boss.get(url)
    assert page.status_code == 200
    assert "Autumn review" in page.text and "data-chart=" in page.text
    assert "ORG-2.3" in page.text and "重要岗位有主备人选" in page.text
    saved = boss.post(url, _all_level_two({"note:ORG-2.1": "teams per product", "action": "save"}))
    assert saved.status_code == 303
    done = boss.post(url, _all_level_two({"action": "complete"}))
    assert done.status_code == 303
    with live.session() as session:
        assessment = session.scalars(select(Assessment)).one()
        assert assessment.status == AssessmentStatus.completed
        notes = {a.practice_id: a.note for a in assessment.answers}
        assert notes["ORG-2.1"] == ""  # the completing post sent no note: it was cleared
    page = boss.get(url).text
    assert "Overall level" in page and "<strong>2</strong>" in page
    assert 'name="note:ORG-2.1"' not in page  # completed: read-only
    frozen = boss.post(url, _all_level_two({"action": "save"}))
    assert frozen.status_code == 303
    overview = boss.get("/maturity").text
    assert "Autumn review" in overview and "L2" in overview


def test_an_agent_reads_but_cannot_start_or_answer(live: LiveServer) -> None:
    live.user("boss@example.com", role=Role.admin)
    live.user("agent@example.com", role=Role.agent)
    boss = signed_in(live, "boss@example.com")
    url = boss.post("/maturity", {"title": "Spring"}).headers["location"]
    agent = signed_in(live, "agent@example.com")
    assert agent.get(url).status_code == 200
    assert 'name="note:ORG-2.1"' not in agent.get(url).text
    assert agent.post("/maturity", {"title": "Mine"}).status_code == 303
    assert agent.post(url, _all_level_two({"action": "complete"})).status_code == 303
    with live.session() as session:
        rows = session.scalars(select(Assessment)).all()
        assert [a.title for a in rows] == ["Spring"]
        assert rows[0].status == AssessmentStatus.draft


def test_bad_answers_are_refused_without_saving(live: LiveServer) -> None:
    live.user("boss@example.com", role=Role.admin)
    boss = signed_in(live, "boss@example.com")
    url = boss.post("/maturity", {"title": "Bad"}).headers["location"]
    refused = boss.post(url, {"answer:ORG-2.1": "certainly", "action": "complete"})
    assert refused.status_code == 303
    assert boss.post(url, {"action": "save"}).status_code == 303  # nothing answered
    with live.session() as session:
        assert session.scalars(select(Assessment)).one().status == AssessmentStatus.draft
