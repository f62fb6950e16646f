from __future__ import annotations

import ipaddress

import pytest

from csops.integrations import netguard
from csops.integrations.webhooks_out import sign, signed_headers, verify


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x",
        "http://localhost:8080/",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://172.16.5.5/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1]/",
        "http://224.0.0.1/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
        "http://240.0.0.1/",
        "ftp://93.184.216.34/",
        "file:///etc/passwd",
        "http://user:pw@93.184.216.34/",
        "http:///nohost",
    ],
)
def test_refused(url: str) -> None:
    with pytest.raises(netguard.BlockedURL):
        netguard.check_url(url)


def test_public_literal_allowed() -> None:
    assert netguard.check_url("https://93.184.216.34/hook") == ipaddress.ip_address("93.184.216.34")


def test_allow_list() -> None:
    assert str(netguard.check_url("http://127.0.0.1:9/", ["127.0.0.0/8"])) == "127.0.0.1"
    with pytest.raises(netguard.BlockedURL):
        netguard.check_url("http://10.0.0.1/", ["127.0.0.0/8"])
    with pytest.raises(netguard.BlockedURL):
        netguard.parse_networks(["not-a-net"])


def test_pinned_url_keeps_host_header() -> None:
    target, host = netguard._pinned(
        "https://hooks.example:8443/a?b=1", ipaddress.ip_address("1.2.3.4")
    )
    assert target == "https://1.2.3.4:8443/a?b=1"
    assert host == "hooks.example:8443"


def test_standard_webhooks_signature_vector() -> None:
    # Test vector of the Standard Webhooks specification.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == expected


def test_verify_roundtrip() -> None:
    headers = signed_headers("s3cr3t-s3cr3t-s3cr3t", "msg_1", b"{}")
    assert verify("s3cr3t-s3cr3t-s3cr3t", headers, b"{}")
    assert not verify("s3cr3t-s3cr3t-s3cr3t", headers, b"{ }")
