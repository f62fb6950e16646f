"""Protocols the domains depend on; `integrations/*` implement them (DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol


class PermanentFailure(Exception):
    """The remote refused for good (an SMTP 5xx, a malformed address): do not retry."""


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Hand `message` to the mail server; raise on any refusal or transport error."""
        ...


class Notifier(Protocol):
    def notify(self, url: str, *, title: str, body: str) -> None:
        """Send a short message to a chat/SMS service URL; raise when it was not accepted."""
        ...


@dataclass(frozen=True)
class WebhookResult:
    status_code: int | None
    body_excerpt: str
    duration_ms: int
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300


class WebhookSender(Protocol):
    def send(
        self,
        url: str,
        *,
        body: bytes,
        headers: dict[str, str],
        allowed_ranges: list[str],
    ) -> WebhookResult:
        """POST `body`; never raise for the remote's answer or a network failure."""
        ...
