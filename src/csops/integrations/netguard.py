"""SSRF guard for requests to URLs that users typed (webhooks, journeys).

`check_url()` resolves the host and refuses any address that is not globally routable
(loopback, private, link-local, CGNAT, multicast, reserved, unspecified, IPv4-mapped forms
of those) unless it falls in an allow-listed network. `guarded_request()` then connects to
the very address that was checked (the IP is pinned in the URL, the name kept in the Host
header and for TLS SNI/verification), so a DNS answer that changes between check and
connect cannot redirect the request. Redirects are followed by hand and each hop is checked
again; the whole exchange is bounded in time and the body read is capped.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BYTES = 1_048_576
MAX_REDIRECTS = 5


class BlockedURL(ValueError):
    """The URL is malformed or leads to an address the guard refuses."""


def parse_networks(ranges: Sequence[str]) -> list[Network]:
    """CIDR strings to networks; BlockedURL naming the first bad one."""
    nets: list[Network] = []
    for raw in ranges:
        text = raw.strip()
        if not text:
            continue
        try:
            nets.append(ipaddress.ip_network(text, strict=False))
        except ValueError as exc:
            raise BlockedURL(f"not a network range: {text[:60]!r}") from exc
    return nets


def is_public(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return is_public(mapped)
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def ip_allowed(ip: IPAddress, allowed: Sequence[Network]) -> bool:
    return is_public(ip) or any(ip in net for net in allowed if ip.version == net.version)


def _split(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise BlockedURL("only http and https URLs are allowed")
    if not parts.hostname:
        raise BlockedURL("the URL has no host")
    if parts.username or parts.password:
        raise BlockedURL("credentials in the URL are not allowed")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise BlockedURL("the URL has an invalid port") from exc
    return parts.scheme, parts.hostname, port


def resolve(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise BlockedURL(f"cannot resolve {host[:100]!r}") from exc
    found = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    return list(dict.fromkeys(found))


def check_url(url: str, allowed_ranges: Sequence[str] = ()) -> IPAddress:
    """The address to connect to; BlockedURL when ANY resolved address is refused."""
    _, host, port = _split(url)
    nets = parse_networks(allowed_ranges)
    addresses = resolve(host, port)
    if not addresses:
        raise BlockedURL(f"no address for {host[:100]!r}")
    for ip in addresses:
        if not ip_allowed(ip, nets):
            raise BlockedURL(f"{host[:100]} resolves to a non-public address ({ip})")
    return addresses[0]


def _pinned(url: str, ip: IPAddress) -> tuple[str, str]:
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    literal = f"[{ip}]" if ip.version == 6 else str(ip)
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    host_header = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")), host_header


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """Loading the CA bundle costs tens of milliseconds: once per process."""
    return ssl.create_default_context()


@dataclass(frozen=True)
class GuardedResponse:
    status_code: int
    content: bytes
    truncated: bool
    url: str


def _read_capped(response: httpx.Response, max_bytes: int, deadline: float) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            return b"".join(chunks)[:max_bytes], True
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout("overall deadline passed")
    return b"".join(chunks), False


def guarded_request(
    method: str,
    url: str,
    *,
    content: bytes | None = None,
    headers: dict[str, str] | None = None,
    allowed_ranges: Sequence[str] = (),
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> GuardedResponse:
    """One request with the guard on every hop. Raises BlockedURL or httpx.HTTPError."""
    deadline = time.monotonic() + timeout
    current = url
    client = httpx.Client(
        timeout=timeout, follow_redirects=False, trust_env=False, verify=_tls_context()
    )
    with client:
        for _ in range(MAX_REDIRECTS + 1):
            ip = check_url(current, allowed_ranges)
            target, host_header = _pinned(current, ip)
            request = client.build_request(
                method,
                target,
                content=content,
                headers={**(headers or {}), "Host": host_header},
                extensions={
                    "sni_hostname": urlsplit(current).hostname or "",
                    "timeout": {
                        "connect": timeout,
                        "read": max(0.1, deadline - time.monotonic()),
                        "write": timeout,
                        "pool": timeout,
                    },
                },
            )
            response = client.send(request, stream=True)
            try:
                location = response.headers.get("location")
                if response.is_redirect and location:
                    current = urljoin(current, location)
                    if response.status_code in (301, 302, 303):
                        method, content = "GET", None
                    continue
                body, truncated = _read_capped(response, max_bytes, deadline)
                return GuardedResponse(response.status_code, body, truncated, current)
            finally:
                response.close()
    raise BlockedURL("too many redirects")
