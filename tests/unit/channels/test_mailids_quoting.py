"""Signed Message-IDs, subject tokens, quote stripping and charset fallbacks."""

from __future__ import annotations

import pytest

from csops.domains.channels import mailids
from csops.domains.channels.parsing import ParseError, decode_bytes, parse_email
from csops.domains.channels.quoting import strip_quotes


def test_message_id_round_trip_and_shape() -> None:
    mid = mailids.new_message_id(123, "support.example.org")
    assert mid.startswith("<t123.") and mid.endswith("@support.example.org>")
    assert mailids.ticket_id_from_message_id(mid) == 123
    assert mailids.ticket_id_from_message_id(mid.strip("<>")) == 123
    assert mailids.new_message_id(123, "x.org") != mailids.new_message_id(123, "x.org")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda m: m.replace("<t123.", "<t124."),
        lambda m: m[:-20] + ("0" if m[-20] != "0" else "1") + m[-19:],
        lambda m: m.replace(m.split(".")[2][:64], "f" * 64),
        lambda m: m.replace(m.split(".")[2][:64], m.split(".")[2][:32]),
        lambda m: "<t123.abc@x.org>",
        lambda m: "<CAF123@mail.gmail.com>",
    ],
)
def test_forged_or_foreign_message_ids_are_refused(tamper: object) -> None:
    mid = mailids.new_message_id(123, "x.org")
    forged = tamper(mid)  # type: ignore[operator]
    assert forged != mid
    assert mailids.ticket_id_from_message_id(forged) is None


def test_references_pick_a_signed_id_among_foreign_ones() -> None:
    mid = mailids.new_message_id(77, "x.org")
    refs = f"<a@gmail.com> {mid}\r\n <b@outlook.com>"
    assert mailids.ticket_id_from_references(None, refs) == 77
    assert mailids.ticket_id_from_references("<other@x>", None) is None


def test_subject_token() -> None:
    assert mailids.subject_token(55) == "[#55]"
    assert mailids.ticket_id_from_subject("Re: [#55] Printer") == 55
    assert mailids.ticket_id_from_subject("Re: #55 Printer") is None
    assert mailids.ticket_id_from_subject(None) is None


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Thanks!\n\nOn Mon, 1 Jan 2024, Bob <b@x> wrote:\n> hi", "Thanks!"),
        ("Yes\n\n-----Original Message-----\nFrom: a\nSent: b\n\nold", "Yes"),
        ("Ok\n\nFrom: A <a@x>\nSent: Monday\nTo: B\n\nold", "Ok"),
        ("好的\n\n在 2024年3月5日 10:00，张三 <z@x> 写道：\n> 旧", "好的"),
        ("Done\n\n发件人: Acme\n发送时间: 2024年3月5日\n\n旧", "Done"),
        ("Body\n-- \nSig line", "Body"),
        ("> only quoted\n> text", "> only quoted\n> text"),
        (
            "From: is normal text at the start of a sentence",
            "From: is normal text at the start of a sentence",
        ),
    ],
)
def test_strip_quotes(text: str, shown: str) -> None:
    assert strip_quotes(text) == shown


@pytest.mark.parametrize(
    ("data", "declared", "expected"),
    [
        ("你好".encode("gb2312"), "gb2312", "你好"),
        ("€".encode("cp1252"), "iso-8859-1", "€"),
        ("héllo".encode(), "no-such-charset", "héllo"),
        ("中文".encode("gb18030"), None, "中文"),
        (b"\xff\xfe\xfd", "utf-8", "\xff\xfe\xfd"),
    ],
)
def test_decode_bytes_fallbacks(data: bytes, declared: str | None, expected: str) -> None:
    assert decode_bytes(data, declared) == expected


@pytest.mark.parametrize("raw", [b"", b"   \r\n", b"\x00\x01\x02 binary", b"just words no header"])
def test_not_an_email(raw: bytes) -> None:
    with pytest.raises(ParseError):
        parse_email(raw)
