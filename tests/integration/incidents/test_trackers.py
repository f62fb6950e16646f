"""Point 3: GitHub and Jira issues opened through their REST APIs (a real local HTTP server
speaking their request/response shapes) and their webhooks synced into the timeline."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from sqlalchemy.orm import Session

from csops.config import Settings, get_settings
from csops.domains.incidents import service, trackers
from csops.domains.incidents.schemas import IncidentCreate
from csops.errors import Conflict, PermissionDenied
from csops.integrations import github
from tests.integration.notifications.sinks import HttpSink, start_http


@pytest.fixture
def tracker_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[HttpSink, Settings]]:
    sink, server = start_http()
    settings = get_settings().model_copy(
        update={
            "github_api_url": sink.url,
            "github_token": "ghp_test",
            "github_repo": "acme/shop",
            "github_webhook_secret": "gh-secret",
            "jira_url": sink.url,
            "jira_user": "bot@acme.example",
            "jira_token": "jira-token",
            "jira_project": "OPS",
            "jira_webhook_secret": "jira-secret",
        }
    )
    monkeypatch.setattr(trackers, "get_settings", lambda: settings)
    yield sink, settings
    server.shutdown()
    server.server_close()


def _incident(db: Session, staff: SimpleNamespace) -> int:
    data = IncidentCreate(title="Checkout down", severity="SEV3", summary="502 on pay")
    return service.create_incident(db, data=data, actor=staff.manager_actor).id


def test_github_issue_and_webhooks(
    db: Session, staff: SimpleNamespace, tracker_server: tuple[HttpSink, Settings]
) -> None:
    sink, _settings = tracker_server
    sink.responses.append(
        (
            201,
            {"Content-Type": "application/json"},
            json.dumps(
                {"number": 42, "html_url": "https://github.com/acme/shop/issues/42"}
            ).encode(),
        )
    )
    incident_id = _incident(db, staff)
    issue = trackers.open_issue(
        db, incident_id=incident_id, tracker="github", actor=staff.agent_actor
    )
    assert issue.key == "acme/shop#42"
    hit = sink.hits[-1]
    assert hit.method == "POST" and hit.path == "/repos/acme/shop/issues"
    assert hit.headers["authorization"] == "Bearer ghp_test"
    sent = json.loads(hit.body)
    assert sent["title"] == "[SEV3] Checkout down" and "502 on pay" in sent["body"]
    with pytest.raises(Conflict):
        trackers.open_issue(db, incident_id=incident_id, tracker="github", actor=staff.agent_actor)

    comment = {
        "action": "created",
        "issue": {"number": 42},
        "repository": {"full_name": "acme/shop"},
        "comment": {"body": "Rolled back the deploy", "user": {"login": "octo"}},
        "sender": {"login": "octo"},
    }
    body = json.dumps(comment).encode()
    assert trackers.github_webhook(
        db,
        event="issue_comment",
        body=body,
        signature=github.sign("gh-secret", body),
        payload=comment,
    )
    with pytest.raises(PermissionDenied):
        trackers.github_webhook(
            db,
            event="issue_comment",
            body=body,
            signature=github.sign("wrong", body),
            payload=comment,
        )
    closed = {
        "action": "closed",
        "issue": {"number": 42, "state_reason": "completed"},
        "repository": {"full_name": "acme/shop"},
        "sender": {"login": "octo"},
    }
    raw = json.dumps(closed).encode()
    assert trackers.github_webhook(
        db, event="issues", body=raw, signature=github.sign("gh-secret", raw), payload=closed
    )
    texts = [u.body for u in service.timeline(db, incident_id=incident_id)]
    assert any("Rolled back the deploy" in t and "octo" in t for t in texts)
    assert any("closed (completed)" in t for t in texts)
    assert all(not u.is_public for u in service.timeline(db, incident_id=incident_id))


def test_jira_issue_and_webhooks(
    db: Session, staff: SimpleNamespace, tracker_server: tuple[HttpSink, Settings]
) -> None:
    sink, _settings = tracker_server
    sink.responses.append(
        (
            201,
            {"Content-Type": "application/json"},
            json.dumps(
                {"id": "10001", "key": "OPS-7", "self": f"{sink.url}/rest/api/2/issue/10001"}
            ).encode(),
        )
    )
    incident_id = _incident(db, staff)
    issue = trackers.open_issue(
        db, incident_id=incident_id, tracker="jira", actor=staff.agent_actor
    )
    assert issue.key == "OPS-7" and issue.url.endswith("/browse/OPS-7")
    hit = sink.hits[-1]
    assert hit.path == "/rest/api/2/issue"
    expected = base64.b64encode(b"bot@acme.example:jira-token").decode()
    assert hit.headers["authorization"] == f"Basic {expected}"
    fields = json.loads(hit.body)["fields"]
    assert fields["project"] == {"key": "OPS"} and fields["issuetype"] == {"name": "Bug"}

    comment = {
        "webhookEvent": "comment_created",
        "issue": {"key": "OPS-7"},
        "comment": {"body": "DB failover done", "author": {"displayName": "Dana"}},
    }
    assert trackers.jira_webhook(db, secret="jira-secret", payload=comment)
    with pytest.raises(PermissionDenied):
        trackers.jira_webhook(db, secret="nope", payload=comment)
    moved = {
        "webhookEvent": "jira:issue_updated",
        "issue": {"key": "OPS-7"},
        "user": {"displayName": "Dana"},
        "changelog": {"items": [{"field": "status", "fromString": "To Do", "toString": "Done"}]},
    }
    assert trackers.jira_webhook(db, secret="jira-secret", payload=moved)
    assert not trackers.jira_webhook(
        db,
        secret="jira-secret",
        payload={"webhookEvent": "jira:issue_updated", "issue": {"key": "X-1"}},
    )
    texts = [u.body for u in service.timeline(db, incident_id=incident_id)]
    assert any("DB failover done" in t for t in texts)
    assert any("is now Done" in t for t in texts)


def test_tracker_errors_are_conflicts(
    db: Session, staff: SimpleNamespace, tracker_server: tuple[HttpSink, Settings]
) -> None:
    sink, _settings = tracker_server
    sink.responses.append(
        (401, {"Content-Type": "application/json"}, b'{"message": "Bad credentials"}')
    )
    incident_id = _incident(db, staff)
    with pytest.raises(Conflict, match="401"):
        trackers.open_issue(db, incident_id=incident_id, tracker="github", actor=staff.agent_actor)
