"""Ticket change hooks: other domains react to tickets inside the same transaction.

Routing rules, incident auto-linking, SLA timers, acknowledgments, clustering: each domain
that must react to a ticket being created, changed or answered puts a `subscribers.py`
module in its package and registers functions there with `@subscribe(...)`. The tickets
service calls `emit()` after its own writes are flushed, so a subscriber's writes (an outbox
row, a timer, a job) commit with the change or not at all.

Subscribers are discovered on the first emit by importing every
`csops.domains.<name>.subscribers` module, so the tickets domain never imports the domains
that listen to it. They run in ascending `order`; a subscriber that raises aborts the use
case (its transaction rolls back), so subscribers must only raise for real errors.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor

log = logging.getLogger("csops.tickets.hooks")

ChangeKind = Literal["created", "updated", "message"]


@dataclass(frozen=True)
class TicketChange:
    """What happened to one ticket.

    `changes` maps each changed field to (old, new) for "updated" (status, priority, type,
    assignee_id, team_id, service_id, subject, tags, ...). For "message", `message_id` and
    `public` say which message; `by_customer` tells a customer's reply from an agent's.
    """

    kind: ChangeKind
    ticket_id: int
    actor: Actor
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    message_id: int | None = None
    public: bool = False
    by_customer: bool = False


Subscriber = Callable[[Session, TicketChange], None]


@dataclass(frozen=True)
class _Registration:
    order: int
    kinds: frozenset[str]
    fn: Subscriber


_SUBSCRIBERS: dict[str, _Registration] = {}
_loaded = False

# Conventional orders: rules change fields first, then the others read the result.
ORDER_RULES = 10
ORDER_INCIDENTS = 20
ORDER_SLA = 30
ORDER_SIGNALS = 40
ORDER_NOTIFY = 50


def subscribe(*kinds: ChangeKind, order: int = 100) -> Callable[[Subscriber], Subscriber]:
    """Register the decorated function for the given change kinds (all when none given)."""
    chosen = frozenset(kinds or ("created", "updated", "message"))

    def register(fn: Subscriber) -> Subscriber:
        _SUBSCRIBERS[f"{fn.__module__}.{fn.__qualname__}"] = _Registration(order, chosen, fn)
        return fn

    return register


def load_subscribers() -> None:
    """Import every `csops.domains.<name>.subscribers` module (once)."""
    global _loaded
    if _loaded:
        return
    import csops.domains as domains_pkg

    for info in pkgutil.iter_modules(domains_pkg.__path__):
        name = f"csops.domains.{info.name}.subscribers"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
    _loaded = True


def subscribers_for(kind: str) -> list[Subscriber]:
    load_subscribers()
    chosen = [r for r in _SUBSCRIBERS.values() if kind in r.kinds]
    return [r.fn for r in sorted(chosen, key=lambda r: (r.order, r.fn.__module__))]


def emit(session: Session, change: TicketChange) -> None:
    """Run every subscriber of `change.kind`, in order, in the caller's transaction."""
    for fn in subscribers_for(change.kind):
        fn(session, change)


# One acknowledgment per new ticket: a subscriber that already answered the customer (e.g.
# "we know about this outage") marks the ticket, and the generic acknowledgment is skipped.
_ACKNOWLEDGED = "csops.tickets.acknowledged"


def mark_acknowledged(session: Session, ticket_id: int) -> None:
    session.info.setdefault(_ACKNOWLEDGED, set()).add(ticket_id)


def is_acknowledged(session: Session, ticket_id: int) -> bool:
    return ticket_id in session.info.get(_ACKNOWLEDGED, set())
