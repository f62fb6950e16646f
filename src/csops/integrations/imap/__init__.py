"""IMAP polling of existing mailboxes (imap-tools)."""

from csops.integrations.imap.poller import (
    ImapMailboxConfig,
    ImapToolsSource,
    MailSource,
    PollResult,
    parse_mailboxes,
    poll,
)

__all__ = [
    "ImapMailboxConfig",
    "ImapToolsSource",
    "MailSource",
    "PollResult",
    "parse_mailboxes",
    "poll",
]
