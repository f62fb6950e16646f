"""The Mailer port over smtplib, with plain, STARTTLS or implicit-TLS (SSL) transport."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from typing import Literal

from csops.integrations.ports import PermanentFailure

Security = Literal["none", "starttls", "ssl"]


class SmtpMailer:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        security: Security = "none",
        user: str = "",
        password: str = "",
        timeout: float = 30.0,
        ssl_context: ssl.SSLContext | None = None,
        local_hostname: str = "localhost",
    ) -> None:
        self.host = host
        self.port = port
        self.security = security
        self.user = user
        self.password = password
        self.timeout = timeout
        self.ssl_context = ssl_context
        self.local_hostname = local_hostname  # the EHLO name; never a slow getfqdn() lookup

    def _context(self) -> ssl.SSLContext:
        if self.ssl_context is None:
            self.ssl_context = ssl.create_default_context()  # slow to build: once
        return self.ssl_context

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            return smtplib.SMTP_SSL(
                self.host,
                self.port,
                timeout=self.timeout,
                context=self._context(),
                local_hostname=self.local_hostname,
            )
        client = smtplib.SMTP(
            self.host, self.port, timeout=self.timeout, local_hostname=self.local_hostname
        )
        if self.security == "starttls":
            client.starttls(context=self._context())
        return client

    def send(self, message: EmailMessage) -> None:
        """Deliver one message; PermanentFailure on a 5xx answer, other errors are retryable."""
        try:
            with self._connect() as client:
                if self.user:
                    client.login(self.user, self.password)
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if all(code >= 500 for code in codes):
                raise PermanentFailure(f"recipient refused: {codes}") from exc
            raise
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPAuthenticationError):
                raise PermanentFailure(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
            raise
