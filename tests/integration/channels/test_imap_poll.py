"""IMAP polling against a real IMAP server in a process of its own (pymap, in-memory).

fetch → store (committed) → flag/delete: a message is marked on the server only once its
ticket is committed; a store that fails leaves it for the next poll.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from csops.config import get_settings
from csops.db import make_engine, session_scope
from csops.domains.channels.jobs import ACK_KIND, POLL_KIND, poll_source
from csops.domains.channels.models import InboundMail, InboundStatus
from csops.integrations.imap import ImapMailboxConfig, ImapToolsSource, parse_mailboxes
from csops.jobs.models import Job, JobState
from csops.jobs.queue import enqueue
from csops.jobs.worker import Worker

PYMAP = Path(sys.executable).parent / "pymap"
if not PYMAP.exists() and shutil.which("pymap") is None:
    pytest.skip("pymap (an IMAP server for the test) is not installed", allow_module_level=True)

from imap_tools import MailBoxUnencrypted  # noqa: E402


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def imap_port() -> Iterator[int]:
    port = _free_port()
    proc = subprocess.Popen(  # noqa: S603 (our own test server)
        [str(PYMAP), "--host", "127.0.0.1", "--port", str(port), "--no-tls", "dict"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def config(port: int) -> ImapMailboxConfig:
    return ImapMailboxConfig(
        host="127.0.0.1", port=port, user="demouser", password="demopass", ssl=False
    )


def put(port: int, *subjects: str) -> None:
    with MailBoxUnencrypted("127.0.0.1", port).login("demouser", "demopass") as box:
        for subject in subjects:
            msg = EmailMessage()
            msg["From"] = "imap.user@example.com"
            msg["Subject"] = subject
            msg["Message-ID"] = f"<{subject.replace(' ', '-')}@example.com>"
            msg.set_content(f"text of {subject}")
            box.append(msg.as_bytes(), "INBOX", dt=None, flag_set=())


def unseen(port: int) -> int:
    with MailBoxUnencrypted("127.0.0.1", port).login("demouser", "demopass") as box:
        return len(box.uids("UNSEEN"))


def test_poll_stores_then_flags(fresh_engine: Engine, imap_port: int) -> None:
    put(imap_port, "first one", "second one")
    with ImapToolsSource(config(imap_port)) as source:
        result = poll_source(fresh_engine, source, mailbox="demouser")
    assert result.stored == 2 and result.failed == 0
    assert unseen(imap_port) == 0
    with ImapToolsSource(config(imap_port)) as source:
        assert poll_source(fresh_engine, source, mailbox="demouser").stored == 0
    with session_scope(fresh_engine) as session:
        rows = session.scalars(select(InboundMail).order_by(InboundMail.id)).all()
        assert [(r.subject, r.status, r.source) for r in rows] == [
            ("first one", InboundStatus.accepted, "imap"),
            ("second one", InboundStatus.accepted, "imap"),
        ]


def test_failed_store_leaves_the_message_on_the_server(imap_port: int, tmp_path: Path) -> None:
    put(imap_port, "kept for later")
    broken = make_engine(f"sqlite:///{tmp_path / 'no-schema.db'}")  # storing fails for real
    try:
        with ImapToolsSource(config(imap_port)) as source:
            result = poll_source(broken, source, mailbox="demouser")
    finally:
        broken.dispose()
    assert result.stored == 0 and result.failed == 1
    assert unseen(imap_port) == 1


def test_delete_mode_removes_after_commit(fresh_engine: Engine, imap_port: int) -> None:
    put(imap_port, "delete me")
    with ImapToolsSource(config(imap_port), after="delete") as source:
        assert poll_source(fresh_engine, source, mailbox="demouser").stored == 1
    with MailBoxUnencrypted("127.0.0.1", imap_port).login("demouser", "demopass") as box:
        assert box.uids() == []
    with session_scope(fresh_engine) as session:
        assert session.scalar(select(func.count(InboundMail.id))) == 1


def test_mailbox_urls_parse() -> None:
    [one, two] = parse_mailboxes("imaps://a%40x.com:p%3Bw@mail.x.com/Support;imap://b:c@h:1143")
    assert (one.user, one.password, one.host, one.port, one.folder, one.ssl) == (
        "a@x.com",
        "p;w",
        "mail.x.com",
        993,
        "Support",
        True,
    )
    assert (two.port, two.folder, two.ssl) == (1143, "INBOX", False)
    with pytest.raises(ValueError):
        parse_mailboxes("http://x")


def test_jobs_store_then_ack_after_commit(
    fresh_engine: Engine, imap_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"imap://demouser:demopass@127.0.0.1:{imap_port}/INBOX;imap://x:y@127.0.0.1:1/INBOX"
    monkeypatch.setattr(get_settings(), "imap_mailboxes", url)
    put(imap_port, "from the job")
    with session_scope(fresh_engine) as session:
        enqueue(session, kind=POLL_KIND, payload={})
    worker = Worker(fresh_engine, worker_id="imap-test", poll_seconds=0.01, discover=False)
    assert worker.run_until_idle(max_jobs=1) == 1  # the poll: stored, not yet acked
    with session_scope(fresh_engine) as session:
        assert session.scalars(select(InboundMail.subject)).all() == ["from the job"]
        kinds = session.scalars(select(Job.kind).where(Job.state == JobState.queued)).all()
        assert ACK_KIND in kinds
    assert unseen(imap_port) == 1
    worker.run_until_idle()  # the ack, after the poll's commit
    assert unseen(imap_port) == 0
