"""Status transitions: which moves are allowed, and what each move stamps on the ticket."""

from __future__ import annotations

from csops.clock import now
from csops.domains.tickets.models import Status, Ticket
from csops.errors import Conflict

ALLOWED: dict[Status, frozenset[Status]] = {
    Status.new: frozenset({Status.open, Status.pending, Status.on_hold, Status.solved}),
    Status.open: frozenset({Status.pending, Status.on_hold, Status.solved}),
    Status.pending: frozenset({Status.open, Status.on_hold, Status.solved}),
    Status.on_hold: frozenset({Status.open, Status.pending, Status.solved}),
    Status.solved: frozenset({Status.open, Status.closed}),
    Status.closed: frozenset(),
}


def can_move(old: Status, new: Status) -> bool:
    return old == new or new in ALLOWED[old]


def move(ticket: Ticket, new: Status) -> bool:
    """Applies a transition; returns False when nothing changed, raises Conflict when not allowed."""
    old = ticket.status
    if old == new:
        return False
    if new not in ALLOWED[old]:
        raise Conflict(f"a ticket cannot go from {old.value} to {new.value}")
    stamp = now()
    if old == Status.solved and new == Status.open:
        ticket.reopen_count += 1
        ticket.solved_at = None
    if new == Status.solved:
        ticket.solved_at = stamp
    if new == Status.closed:
        ticket.closed_at = stamp
    ticket.status = new
    return True


def force_close(ticket: Ticket) -> None:
    """Closing by merge skips the usual path: the thread now lives elsewhere."""
    stamp = now()
    if ticket.solved_at is None:
        ticket.solved_at = stamp
    ticket.closed_at = stamp
    ticket.status = Status.closed
