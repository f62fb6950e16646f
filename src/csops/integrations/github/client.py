"""GitHub REST client for issues, and the `issues` / `issue_comment` webhook events.

Request: POST {api}/repos/{owner}/{repo}/issues with {"title", "body", "labels"} and
`Authorization: Bearer <token>`; 201 returns the issue with "number" and "html_url".
Webhooks carry `X-GitHub-Event` and `X-Hub-Signature-256: sha256=<hmac of the raw body>`.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import httpx

ACCEPT = "application/vnd.github+json"
API_VERSION = "2022-11-28"


class GitHubError(Exception):
    """GitHub refused or could not be reached."""


@dataclass(frozen=True)
class CreatedIssue:
    key: str
    number: int
    url: str


@dataclass(frozen=True)
class IssueEvent:
    """A comment or a state change on an issue, keyed like CreatedIssue.key."""

    key: str
    kind: str  # "comment" | "state"
    author: str
    body: str = ""
    state: str = ""


class GitHubClient:
    def __init__(
        self,
        *,
        api_url: str,
        token: str,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._client = httpx.Client(
            base_url=api_url.rstrip("/"),
            timeout=timeout,
            transport=transport,
            headers={
                "Accept": ACCEPT,
                "Authorization": f"Bearer {token}",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": "csops",
            },
        )

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()

    def create_issue(
        self, repo: str, *, title: str, body: str, labels: list[str] | None = None
    ) -> CreatedIssue:
        owner, _, name = repo.partition("/")
        if not owner or not name or "/" in name:
            raise GitHubError(f"repository must be owner/name, not {repo!r}")
        payload: dict[str, Any] = {"title": title, "body": body}
        if labels:
            payload["labels"] = labels
        try:
            response = self._client.post(f"/repos/{owner}/{name}/issues", json=payload)
        except httpx.HTTPError as exc:
            raise GitHubError(f"GitHub unreachable: {exc}") from exc
        if response.status_code != 201:
            raise GitHubError(f"GitHub answered {response.status_code}: {response.text[:300]}")
        data = response.json()
        number = int(data["number"])
        return CreatedIssue(
            key=f"{repo}#{number}", number=number, url=str(data.get("html_url", ""))
        )


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, header: str | None) -> bool:
    if not secret or not header:
        return False
    return hmac.compare_digest(sign(secret, body), header.strip())


def parse_event(event: str, payload: dict[str, Any]) -> IssueEvent | None:
    """The comment or state change an `issues`/`issue_comment` delivery carries, if any."""
    issue = payload.get("issue")
    repo = payload.get("repository")
    if not isinstance(issue, dict) or not isinstance(repo, dict):
        return None
    key = f"{repo.get('full_name', '')}#{issue.get('number', '')}"
    action = payload.get("action")
    sender = payload.get("sender") if isinstance(payload.get("sender"), dict) else {}
    if event == "issue_comment" and action == "created":
        comment = payload.get("comment") or {}
        user = (comment.get("user") or {}).get("login") or (sender or {}).get("login", "")
        return IssueEvent(
            key=key, kind="comment", author=str(user), body=str(comment.get("body", ""))
        )
    if event == "issues" and action in ("closed", "reopened"):
        reason = issue.get("state_reason") or ""
        state = f"{action} ({reason})" if reason and action == "closed" else str(action)
        return IssueEvent(
            key=key, kind="state", author=str((sender or {}).get("login", "")), state=state
        )
    return None
