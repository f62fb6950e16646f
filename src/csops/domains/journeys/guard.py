"""SSRF guard for journey requests, async, with host names in the allow-list.

Which addresses count as internal is decided by the shared `csops.integrations.netguard`
(loopback, private, link-local, CGNAT, reserved, IPv4-mapped forms...); its pinned
synchronous request is not used here because journeys need an async client that keeps
cookies across steps.

A URL may reach a private, loopback, link-local, reserved or multicast address only when
its host (name, IP, or a CIDR range holding the address) is in the environment's
`allowed_hosts`. Every redirect hop is checked again. The name is resolved here and the
connection resolves it again: an attacker controlling DNS could answer differently the
second time (rebinding); journeys target the operator's own environments, so the check
keeps honest mistakes and hostile redirects out rather than a hostile DNS.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from csops.integrations import netguard

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(Exception):
    """The URL points somewhere this environment may not reach."""


def is_internal(ip: Address) -> bool:
    return not netguard.is_public(ip)


def _allowed(host: str, ips: Iterable[Address], allowed: Iterable[str]) -> bool:
    host = host.lower().strip("[]")
    entries = [a.strip().lower() for a in allowed if a.strip()]
    if host in entries:
        return True
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError:
            continue
    ips = list(ips)
    return bool(ips) and all(any(ip in net for net in networks) for ip in ips)


async def resolve(host: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Refused(f"cannot resolve {host}: {exc.strerror}") from exc
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


async def check_url(url: str, allowed_hosts: Iterable[str]) -> None:
    """Raises Refused unless `url` is http(s) and its addresses are public or allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"only http and https URLs with a host: {url!r}")
    host = parts.hostname
    allowed = list(allowed_hosts)
    if host.lower() in (a.lower() for a in allowed):
        return
    ips = await resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
    internal = [ip for ip in ips if is_internal(ip)]
    if internal and not _allowed(host, internal, allowed):
        raise Refused(
            f"{host} resolves to {internal[0]} (private, loopback or link-local); "
            "add it to the environment's allowed_hosts to reach it"
        )
