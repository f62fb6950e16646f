from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from csops.integrations.ports import PermanentFailure
from csops.integrations.smtp_out import build_email, clean_header


def _build(**over: str) -> bytes:
    args = {
        "from_name": "Acme Support",
        "from_address": "help@acme.test",
        "to": "ann@example.test",
        "subject": "Hello",
        "text": "plain body",
        "html": "<p>html body</p>",
        "message_id": "<abc.1@acme.test>",
    }
    args.update(over)
    return build_email(**args).as_bytes()  # type: ignore[arg-type]


def test_alternative_parts_and_headers() -> None:
    raw = _build()
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    assert msg.get_body(("plain",)).get_content().strip() == "plain body"  # type: ignore[union-attr]
    assert "html body" in msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert msg["Message-ID"] == "<abc.1@acme.test>"
    assert msg["From"] == "Acme Support <help@acme.test>"


@pytest.mark.parametrize("crlf", ["\r\n", "\n", "\r", "\u2028", "\x85"])
def test_no_header_injection(crlf: str) -> None:
    raw = _build(
        subject=f"Hi{crlf}Bcc: victim@evil.test",
        from_name=f"Acme{crlf}X-Evil: 1",
        message_id=f"<a@b>{crlf}X-Evil: 2",
    )
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg["Bcc"] is None and msg["X-Evil"] is None
    assert "victim@evil.test" in str(msg["Subject"])
    head = raw.split(b"\n\n", 1)[0]
    assert b"\nBcc:" not in head and b"\nX-Evil" not in head


def test_threading_headers_keep_only_message_ids() -> None:
    raw = _build(
        headers={  # type: ignore[arg-type]
            "In-Reply-To": "<x@y>\r\nBcc: a@b.test",
            "References": "<1@a> <2@b>",
            "X-Other": "dropped",
            "List-Unsubscribe": "<https://s.test/preferences/t>",
        }
    )
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg["In-Reply-To"] == "<x@y>"
    assert msg["References"] == "<1@a> <2@b>"
    assert msg["X-Other"] is None and msg["Bcc"] is None
    assert msg["List-Unsubscribe"] == "<https://s.test/preferences/t>"


@pytest.mark.parametrize("bad", ["a@b.test, c@d.test", "x", "a b@c.test", "<a@b.test>"])
def test_bad_recipient_is_permanent(bad: str) -> None:
    with pytest.raises(PermanentFailure):
        _build(to=bad)


def test_clean_header() -> None:
    assert clean_header(" a\r\nb\x00c ") == "a b c"


def test_non_ascii_subject_and_name() -> None:
    raw = _build(subject="您好 [#12]", from_name="客服")
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg["Subject"] == "您好 [#12]"
    assert "客服" in str(msg["From"])
