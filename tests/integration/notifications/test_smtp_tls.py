"""SMTP out over STARTTLS and implicit TLS, against aiosmtpd with a self-signed cert."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from csops.integrations.smtp_out import SmtpMailer, build_email
from tests.integration.notifications.sinks import SmtpSink

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    key, crt = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(crt)],
        check=True, capture_output=True,
    )  # fmt: skip
    return crt, key


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _message() -> object:
    return build_email(
        from_name="S", from_address="s@a.test", to="r@b.test", subject="TLS",
        text="secret", html="", message_id="<tls@a.test>",
    )  # fmt: skip


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_modes(cert: tuple[Path, Path], security: str) -> None:
    crt, key = cert
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(crt, key)
    sink, port = SmtpSink(), _port()
    if security == "ssl":
        controller = Controller(sink, hostname="127.0.0.1", port=port, ssl_context=server_ctx)
    else:
        controller = Controller(
            sink, hostname="127.0.0.1", port=port, tls_context=server_ctx, require_starttls=True
        )
    controller.start()
    try:
        trusted = ssl.create_default_context(cafile=str(crt))
        mailer = SmtpMailer("127.0.0.1", port, security=security, ssl_context=trusted, timeout=5)  # type: ignore[arg-type]
        mailer.send(_message())  # type: ignore[arg-type]
        assert [str(m["Message-ID"]) for m in sink.received] == ["<tls@a.test>"]
        untrusted = SmtpMailer("127.0.0.1", port, security=security, timeout=5)  # type: ignore[arg-type]
        with pytest.raises(ssl.SSLError):
            untrusted.send(_message())  # type: ignore[arg-type]
    finally:
        controller.stop()


def test_plain_refused_when_server_requires_starttls(cert: tuple[Path, Path]) -> None:
    crt, key = cert
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(crt, key)
    sink, port = SmtpSink(), _port()
    controller = Controller(
        sink, hostname="127.0.0.1", port=port, tls_context=server_ctx, require_starttls=True
    )
    controller.start()
    try:
        with pytest.raises(Exception):  # noqa: B017  (530 must issue STARTTLS first)
            SmtpMailer("127.0.0.1", port, timeout=5).send(_message())  # type: ignore[arg-type]
        assert sink.received == []
    finally:
        controller.stop()
