"""IMAP polling as jobs: `channels.imap_poll` stores, `channels.imap_ack` marks.

The poll job stores every fetched message in its own transaction and, in that same
transaction, enqueues an ack job naming the UIDs (transactional outbox): the messages
are deleted or flagged on the server only once their tickets are committed. If the poll
transaction fails, nothing is acked and the next poll fetches them again; a message
fetched twice before its ack ran is dropped as a duplicate by its Message-ID.

`store_committed` / `poll_source` are the one-transaction-per-message path of
`csops mail poll`, which runs outside the job runner.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from itertools import islice
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from csops.config import get_settings
from csops.db import session_scope
from csops.domains.channels.service import receive_email
from csops.integrations.imap import (
    ImapMailboxConfig,
    ImapToolsSource,
    MailSource,
    PollResult,
    parse_mailboxes,
    poll,
)
from csops.jobs.queue import enqueue
from csops.jobs.registry import job
from csops.jobs.schedule import register_schedule

log = logging.getLogger("csops.channels")

POLL_KIND = "channels.imap_poll"
ACK_KIND = "channels.imap_ack"
BATCH = 200
StoreFn = Callable[[bytes, str, Sequence[str]], int]


def store_committed(engine: Engine, raw: bytes, *, source: str, mailbox: str) -> int:
    """Receives one message in a transaction of its own; returns the inbound mail id."""
    with session_scope(engine) as session:
        mail = receive_email(session, raw, envelope_from="", envelope_to=[mailbox], source=source)
        return mail.id


def poll_source(engine: Engine, source: MailSource, *, mailbox: str) -> PollResult:
    """Fetch → store (committed) → ack, one message at a time, for one mailbox."""
    return poll(source, lambda raw: store_committed(engine, raw, source="imap", mailbox=mailbox))


def _configured(label: str | None = None) -> list[ImapMailboxConfig]:
    configs = parse_mailboxes(get_settings().imap_mailboxes)
    return [c for c in configs if label is None or c.label == label]


def _poll_one(session: Session, config: ImapMailboxConfig) -> int:
    with ImapToolsSource(config, after=get_settings().imap_after_fetch) as source:
        uids = []
        for uid, raw in islice(source.fetch(), BATCH):
            receive_email(session, raw, envelope_from="", envelope_to=[config.user], source="imap")
            uids.append(uid)
    if uids:
        enqueue(session, kind=ACK_KIND, payload={"mailbox": config.label, "uids": uids})
    return len(uids)


@job(POLL_KIND)
def poll_imap(session: Session, payload: dict[str, Any]) -> None:
    for config in _configured():
        try:
            with session.begin_nested():
                stored = _poll_one(session, config)
        except Exception as exc:  # noqa: BLE001 (unreachable or refused: the next run retries)
            log.warning("IMAP mailbox %s not polled: %s", config.label, exc)
            continue
        log.info("IMAP %s: %s messages stored", config.label, stored)


@job(ACK_KIND)
def ack_imap(session: Session, payload: dict[str, Any]) -> None:
    """Deletes or flags messages whose tickets are committed (idempotent)."""
    for config in _configured(str(payload.get("mailbox"))):
        with ImapToolsSource(config, after=get_settings().imap_after_fetch) as source:
            for uid in payload.get("uids", []):
                source.ack(str(uid))


if get_settings().imap_mailboxes:
    register_schedule("channels.imap_poll", get_settings().imap_poll_cron, POLL_KIND)
