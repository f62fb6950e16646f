"""Places where other areas add to the ticket page and the inbox without editing them.

An area's UI module registers providers at import time:

- `@ticket_panel(order)`: `(session, ticket, actor) -> Panel | None`, shown in the ticket
  page's side column (incident status, SLA clock, ...).
- `@inbox_banner(order)`: `(session, actor) -> Panel | None`, shown above the inbox list
  (an active incident, a suspected outage).
- `@row_badges(order)`: `(session, tickets, actor) -> {ticket_id: Panel}`, a small badge in
  each inbox row (time to breach, linked incident); one query for the whole page.
- `@bulk_action(order)`: `(session, actor) -> Panel | None`, extra controls in the inbox's
  bulk bar; their buttons post the selected `ids` (form="bulk") to the area's own route.

A Panel names a template and its context; the template reads the context as `panel`.
A provider that fails is logged and skipped, so one area cannot break the inbox.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.tickets.models import Ticket

log = logging.getLogger("csops.web.extensions")


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


TicketPanel = Callable[[Session, Ticket, Actor], Panel | None]
InboxBanner = Callable[[Session, Actor], Panel | None]
RowBadges = Callable[[Session, Sequence[Ticket], Actor], dict[int, Panel]]
BulkAction = Callable[[Session, Actor], Panel | None]

F = TypeVar("F")

_TICKET_PANELS: list[tuple[int, TicketPanel]] = []
_INBOX_BANNERS: list[tuple[int, InboxBanner]] = []
_ROW_BADGES: list[tuple[int, RowBadges]] = []
_BULK_ACTIONS: list[tuple[int, BulkAction]] = []


def _registrar(table: list[tuple[int, F]], order: int) -> Callable[[F], F]:
    def register(fn: F) -> F:
        key = getattr(fn, "__qualname__", "") + getattr(fn, "__module__", "")
        table[:] = [
            (o, f)
            for o, f in table
            if getattr(f, "__qualname__", "") + getattr(f, "__module__", "") != key
        ]
        table.append((order, fn))
        table.sort(key=lambda item: item[0])
        return fn

    return register


def ticket_panel(order: int = 100) -> Callable[[TicketPanel], TicketPanel]:
    return _registrar(_TICKET_PANELS, order)


def inbox_banner(order: int = 100) -> Callable[[InboxBanner], InboxBanner]:
    return _registrar(_INBOX_BANNERS, order)


def row_badges(order: int = 100) -> Callable[[RowBadges], RowBadges]:
    return _registrar(_ROW_BADGES, order)


def bulk_action(order: int = 100) -> Callable[[BulkAction], BulkAction]:
    return _registrar(_BULK_ACTIONS, order)


def _safely(what: str, fn: Callable[..., Any], *args: Any) -> Any:
    try:
        return fn(*args)
    except Exception:
        log.exception("a %s provider failed; it is left out of the page", what)
        return None


def ticket_panels(session: Session, ticket: Ticket, actor: Actor) -> list[Panel]:
    found = [_safely("ticket panel", fn, session, ticket, actor) for _, fn in _TICKET_PANELS]
    return [panel for panel in found if isinstance(panel, Panel)]


def inbox_banners(session: Session, actor: Actor) -> list[Panel]:
    found = [_safely("inbox banner", fn, session, actor) for _, fn in _INBOX_BANNERS]
    return [panel for panel in found if isinstance(panel, Panel)]


def inbox_row_badges(
    session: Session, tickets: Sequence[Ticket], actor: Actor
) -> dict[int, list[Panel]]:
    badges: dict[int, list[Panel]] = {}
    if not tickets:
        return badges
    for _, fn in _ROW_BADGES:
        found = _safely("row badge", fn, session, tickets, actor) or {}
        for ticket_id, panel in found.items():
            badges.setdefault(ticket_id, []).append(panel)
    return badges


def bulk_actions(session: Session, actor: Actor) -> list[Panel]:
    found = [_safely("bulk action", fn, session, actor) for _, fn in _BULK_ACTIONS]
    return [panel for panel in found if isinstance(panel, Panel)]
