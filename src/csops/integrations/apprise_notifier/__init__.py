"""The Notifier port over apprise (SMS via Twilio and others, Slack, Teams, Telegram, ...)."""

from __future__ import annotations

import apprise

from csops.integrations.ports import PermanentFailure


class NotificationRefused(Exception):
    pass


class AppriseNotifier:
    def notify(self, url: str, *, title: str, body: str) -> None:
        """Send through the service named by the apprise `url`; raise when not accepted."""
        client = apprise.Apprise()
        if not client.add(url):
            raise PermanentFailure("not a usable apprise URL")
        if not client.notify(body=body, title=title):
            raise NotificationRefused("the notification service did not accept the message")


def is_valid_url(url: str) -> bool:
    """Whether apprise knows the scheme and can parse `url` (no network)."""
    return bool(apprise.Apprise().add(url))
