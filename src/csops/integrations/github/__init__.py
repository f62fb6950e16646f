"""GitHub Issues: open an issue (REST), verify and read the webhooks that come back."""

from csops.integrations.github.client import (
    CreatedIssue,
    GitHubClient,
    GitHubError,
    IssueEvent,
    parse_event,
    sign,
    verify_signature,
)

__all__ = [
    "CreatedIssue",
    "GitHubClient",
    "GitHubError",
    "IssueEvent",
    "parse_event",
    "sign",
    "verify_signature",
]
