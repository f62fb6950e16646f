from __future__ import annotations

from csops.integrations import github, jira


def test_github_signature_and_events() -> None:
    body = b'{"a":1}'
    assert github.verify_signature("s", body, github.sign("s", body))
    assert not github.verify_signature("s", body, github.sign("t", body))
    assert not github.verify_signature("", body, github.sign("", body))
    event = github.parse_event(
        "issue_comment",
        {
            "action": "created",
            "issue": {"number": 3},
            "repository": {"full_name": "a/b"},
            "comment": {"body": "hi", "user": {"login": "u"}},
        },
    )
    assert event == github.IssueEvent(key="a/b#3", kind="comment", author="u", body="hi")
    assert (
        github.parse_event("issues", {"action": "labeled", "issue": {}, "repository": {}}) is None
    )
    assert github.parse_event("push", {}) is None


def test_jira_events() -> None:
    assert jira.verify_secret("x", "x") and not jira.verify_secret("x", "y")
    assert not jira.verify_secret("", "")
    event = jira.parse_event(
        {
            "webhookEvent": "jira:issue_updated",
            "issue": {"key": "OPS-1"},
            "changelog": {"items": [{"field": "status", "toString": "Done"}]},
        }
    )
    assert event is not None and event.kind == "state" and event.state == "Done"
    assert jira.parse_event({"webhookEvent": "comment_created"}) is None
