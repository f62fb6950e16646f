"""Poll IMAP mailboxes: fetch, store (committed by the caller), then delete or flag.

The order is the guarantee: a message is marked on the server only after `store` has
returned, i.e. after its ticket is committed. A crash between the two leaves it unmarked,
so the next poll fetches it again; intake drops the twin by its Message-ID.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol
from urllib.parse import unquote, urlsplit

from imap_tools import AND, MailBox, MailBoxUnencrypted, MailMessageFlags

log = logging.getLogger("csops.imap")

AfterFetch = Literal["delete", "flag"]


@dataclass(frozen=True)
class ImapMailboxConfig:
    host: str
    user: str
    password: str = field(repr=False)
    port: int = 993
    folder: str = "INBOX"
    ssl: bool = True

    @property
    def label(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"


def parse_mailboxes(spec: str) -> list[ImapMailboxConfig]:
    """'imaps://user:pass@host[:port]/FOLDER;imap://...' into configs (imap:// = no TLS)."""
    configs = []
    for item in (part.strip() for part in spec.split(";")):
        if not item:
            continue
        url = urlsplit(item)
        if url.scheme not in ("imap", "imaps") or not url.hostname or not url.username:
            raise ValueError(f"not an imap:// or imaps:// URL with a user: {url.hostname!r}")
        tls = url.scheme == "imaps"
        configs.append(
            ImapMailboxConfig(
                host=url.hostname,
                user=unquote(url.username),
                password=unquote(url.password or ""),
                port=url.port or (993 if tls else 143),
                folder=unquote(url.path.lstrip("/")) or "INBOX",
                ssl=tls,
            )
        )
    return configs


class MailSource(Protocol):
    """What polling needs of a mailbox."""

    def fetch(self) -> Iterator[tuple[str, bytes]]:
        """(uid, raw bytes) of each message not yet taken."""
        ...

    def ack(self, uid: str) -> None:
        """Mark one message as taken (delete or flag)."""
        ...


@dataclass
class PollResult:
    stored: int = 0
    failed: int = 0
    uids: list[str] = field(default_factory=list)


def poll(source: MailSource, store: Callable[[bytes], object], *, limit: int = 200) -> PollResult:
    """Stores each fetched message, acknowledging it only once `store` has returned."""
    result = PollResult()
    for count, (uid, raw) in enumerate(source.fetch()):
        if count >= limit:
            break
        try:
            store(raw)
        except Exception:  # noqa: BLE001 (left on the server: the next poll retries it)
            log.exception("storing IMAP message %s failed; left on the server", uid)
            result.failed += 1
            continue
        source.ack(uid)
        result.stored += 1
        result.uids.append(uid)
    return result


class ImapToolsSource:
    """A real IMAP mailbox through imap-tools; use as a context manager."""

    def __init__(
        self, config: ImapMailboxConfig, *, after: AfterFetch = "flag", timeout: float = 30
    ) -> None:
        self.config = config
        self.after = after
        self.timeout = timeout
        self.box: MailBox | MailBoxUnencrypted | None = None

    def __enter__(self) -> ImapToolsSource:
        cls = MailBox if self.config.ssl else MailBoxUnencrypted
        box = cls(self.config.host, self.config.port, timeout=self.timeout)
        box.login(self.config.user, self.config.password, initial_folder=self.config.folder)
        self.box = box
        return self

    def __exit__(self, *exc: object) -> None:
        if self.box is not None:
            self.box.logout()
            self.box = None

    def fetch(self) -> Iterator[tuple[str, bytes]]:
        assert self.box is not None  # noqa: S101 (used inside `with`)
        criteria = AND(seen=False) if self.after == "flag" else AND(all=True)
        for uid in self.box.uids(criteria):
            # BODY.PEEK[]: the exact bytes, without setting \Seen before the store
            status, data = self.box.client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((item[1] for item in data if isinstance(item, tuple)), None)
            if status == "OK" and isinstance(raw, bytes):
                yield uid, raw

    def ack(self, uid: str) -> None:
        assert self.box is not None  # noqa: S101 (used inside `with`)
        if self.after == "delete":
            self.box.delete(uid)
        else:
            self.box.flag(uid, MailMessageFlags.SEEN, True)
