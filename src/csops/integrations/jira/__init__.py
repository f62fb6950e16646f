"""Jira: open an issue (REST v2), read the webhooks that come back."""

from csops.integrations.jira.client import (
    CreatedIssue,
    IssueEvent,
    JiraClient,
    JiraError,
    parse_event,
    verify_secret,
)

__all__ = ["CreatedIssue", "IssueEvent", "JiraClient", "JiraError", "parse_event", "verify_secret"]
