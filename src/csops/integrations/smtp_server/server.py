"""An aiosmtpd server that stores every message through a `deliver` function.

`deliver(raw, envelope_from, envelope_to)` must have committed the message when it
returns; if it raises, the client is told 452 (try again later), so a message the
server could not store stays with the sender's queue and is never lost. Delivery runs in
worker threads, off the event loop (one thread on SQLite, whose writer is single).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger("csops.smtp")

Deliver = Callable[[bytes, str, Sequence[str]], object]
Accepts = Callable[[str], bool]

RETRY_LATER = "452 4.3.1 Cannot store the message now, try again later"


class IntakeHandler:
    def __init__(
        self, deliver: Deliver, *, accepts: Accepts | None = None, threads: int = 1
    ) -> None:
        self.deliver = deliver
        self.accepts = accepts
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="smtp-intake")

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if self.accepts is not None and not self.accepts(address):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(
                self.executor,
                self.deliver,
                raw,
                envelope.mail_from or "",
                list(envelope.rcpt_tos),
            )
        except Exception:  # noqa: BLE001 (any failure to store: the sender retries later)
            log.exception("could not store a message from %s", envelope.mail_from)
            return RETRY_LATER
        return "250 2.0.0 Message accepted"

    def close(self) -> None:
        self.executor.shutdown(wait=True)


class SmtpIntake:
    """Start/stop wrapper of the aiosmtpd Controller (its own thread and event loop)."""

    def __init__(
        self,
        deliver: Deliver,
        *,
        host: str = "127.0.0.1",
        port: int = 2525,
        accepts: Accepts | None = None,
        threads: int = 1,
        max_bytes: int = 30 * 1024 * 1024,
    ) -> None:
        self.handler = IntakeHandler(deliver, accepts=accepts, threads=threads)
        self.controller = Controller(
            self.handler,
            hostname=host,
            port=port,
            ready_timeout=10,
            data_size_limit=max_bytes,
            decode_data=False,
        )

    @property
    def port(self) -> int:
        return int(self.controller.port)

    def start(self) -> None:
        self.controller.start()
        log.info("SMTP intake listening on %s:%s", self.controller.hostname, self.port)

    def stop(self) -> None:
        self.controller.stop()
        self.handler.close()
