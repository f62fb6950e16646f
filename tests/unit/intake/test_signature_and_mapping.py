from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime

import pytest

from csops.domains.intake import mapping, signature
from csops.errors import Invalid

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
STAMP = str(int(NOW.timestamp()))


def _independent(secret: str, msg_id: str, stamp: str, body: bytes) -> str:
    """The Standard Webhooks signature computed here from the spec, not with our module."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def _verify(secret: str, header: str, stamp: str = STAMP, body: bytes = b"{}") -> None:
    signature.verify(
        secret,
        webhook_id="msg_1",
        timestamp=stamp,
        signature_header=header,
        body=body,
        at=NOW,
        tolerance_seconds=300,
    )


def test_a_valid_signature_passes_and_matches_the_spec() -> None:
    secret = signature.new_secret()
    header = _independent(secret, "msg_1", STAMP, b"{}")
    assert signature.sign(secret, "msg_1", int(STAMP), b"{}") == header
    _verify(secret, header)
    _verify(secret, "v1,bm90IGl0 " + header)  # several signatures, one good


@pytest.mark.parametrize(
    ("header", "stamp", "body"),
    [
        ("v1,AAAA", STAMP, b"{}"),
        ("", STAMP, b"{}"),
        (None, str(int(STAMP) - 301), b"{}"),
        (None, str(int(STAMP) + 301), b"{}"),
        (None, "soon", b"{}"),
        (None, STAMP, b'{"x": 1}'),  # body changed after signing
    ],
)
def test_bad_signatures_are_refused(header: str | None, stamp: str, body: bytes) -> None:
    secret = signature.new_secret()
    good = _independent(secret, "msg_1", stamp if stamp.isdigit() else STAMP, b"{}")
    with pytest.raises(Invalid):
        _verify(secret, good if header is None else header, stamp, body)


def test_wrong_secret_is_refused() -> None:
    header = _independent(signature.new_secret(), "msg_1", STAMP, b"{}")
    with pytest.raises(Invalid):
        _verify(signature.new_secret(), header)


def test_mapping_by_pointer_dotted_path_and_constant() -> None:
    payload = {
        "alert": {"title": "Disk full", "labels": {"severity": "critical"}},
        "people": [{"mail": "ops@acme.example", "name": "Ops"}],
        "id": 77,
        "tags": ["disk", "Prod Env"],
    }
    rules = mapping.validate(
        {
            "subject": "/alert/title",
            "requester_email": "people.0.mail",
            "requester_name": "/people/0/name",
            "priority": "alert.labels.severity",
            "tags": "tags",
            "external_id": "id",
            "description": "=Raised by monitoring",
        }
    )
    fields = mapping.apply(rules, payload)
    assert fields["subject"] == "Disk full"
    assert fields["requester_email"] == "ops@acme.example"
    assert fields["priority"] == "urgent"
    assert fields["tags"] == ["disk", "prodenv"]
    assert fields["external_id"] == "77"
    assert fields["description"] == "Raised by monitoring"


def test_unmappable_payload_names_what_is_missing() -> None:
    with pytest.raises(Invalid, match="requester_email"):
        mapping.apply({"subject": "title", "requester_email": "who.mail"}, {"title": "x"})
    with pytest.raises(Invalid):
        mapping.validate({"colour": "x"})
