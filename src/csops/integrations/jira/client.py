"""Jira REST client (POST /rest/api/2/issue) and its webhook payloads.

Create: {"fields": {"project": {"key"}, "summary", "description", "issuetype": {"name"}}}
with basic auth (email, API token); 201 returns {"id", "key", "self"}. Jira Cloud webhooks
cannot sign, so the webhook URL carries a shared secret (?secret=...), compared in constant
time. Events: "comment_created" (comment.body, comment.author.displayName) and
"jira:issue_updated" whose changelog has a "status" item (fromString -> toString).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

import httpx


class JiraError(Exception):
    """Jira refused or could not be reached."""


@dataclass(frozen=True)
class CreatedIssue:
    key: str
    url: str


@dataclass(frozen=True)
class IssueEvent:
    key: str
    kind: str  # "comment" | "state"
    author: str
    body: str = ""
    state: str = ""


class JiraClient:
    def __init__(
        self,
        *,
        base_url: str,
        user: str,
        token: str,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._client = httpx.Client(
            base_url=self._base,
            timeout=timeout,
            transport=transport,
            auth=(user, token),
            headers={"Accept": "application/json", "User-Agent": "csops"},
        )

    def __enter__(self) -> JiraClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()

    def create_issue(
        self, *, project: str, summary: str, description: str, issue_type: str = "Bug"
    ) -> CreatedIssue:
        payload = {
            "fields": {
                "project": {"key": project},
                "summary": summary[:255],
                "description": description,
                "issuetype": {"name": issue_type},
            }
        }
        try:
            response = self._client.post("/rest/api/2/issue", json=payload)
        except httpx.HTTPError as exc:
            raise JiraError(f"Jira unreachable: {exc}") from exc
        if response.status_code != 201:
            raise JiraError(f"Jira answered {response.status_code}: {response.text[:300]}")
        key = str(response.json()["key"])
        return CreatedIssue(key=key, url=f"{self._base}/browse/{key}")


def verify_secret(expected: str, given: str | None) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def _name(person: Any) -> str:
    if not isinstance(person, dict):
        return ""
    return str(person.get("displayName") or person.get("name") or person.get("emailAddress") or "")


def parse_event(payload: dict[str, Any]) -> IssueEvent | None:
    issue = payload.get("issue")
    if not isinstance(issue, dict) or not issue.get("key"):
        return None
    key = str(issue["key"])
    event = payload.get("webhookEvent")
    if event == "comment_created" and isinstance(payload.get("comment"), dict):
        comment = payload["comment"]
        return IssueEvent(
            key=key,
            kind="comment",
            author=_name(comment.get("author")),
            body=str(comment.get("body", "")),
        )
    if event == "jira:issue_updated" and isinstance(payload.get("comment"), dict):
        comment = payload["comment"]
        return IssueEvent(
            key=key,
            kind="comment",
            author=_name(comment.get("author")),
            body=str(comment.get("body", "")),
        )
    if event == "jira:issue_updated":
        items = (payload.get("changelog") or {}).get("items") or []
        for item in items:
            if isinstance(item, dict) and item.get("field") == "status":
                return IssueEvent(
                    key=key,
                    kind="state",
                    author=_name(payload.get("user")),
                    state=str(item.get("toString", "")),
                )
    return None
