"""Problem clusters made for tests: real tickets, linked to a cluster whose centroid is the
sum of their texts' vectors under the stored encoder (what the streaming path would store)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

import numpy as np
from sqlalchemy.orm import Session

from csops import clock
from csops.domains.accounts.actor import Actor
from csops.domains.signals import state
from csops.domains.signals.models import ClusterTicket, ProblemCluster
from csops.domains.tickets import service as tickets
from csops.domains.tickets.schemas import TicketCreate
from csops.engine.clustering import vector_to_bytes


def seed_cluster(
    session: Session,
    texts: Sequence[str],
    *,
    label: str = "",
    at: datetime | None = None,
    times: Sequence[datetime] = (),
) -> tuple[int, list[int]]:
    """A cluster holding one new ticket per text (arrived at ``times``, else all ``at``);
    returns its id and the ticket ids."""
    at = at or clock.now()
    arrived = list(times) or [at] * len(texts)
    encoder = state.cached_encoder(session, state.state_row(session, state.ENCODER))
    ticket_ids = []
    for text in texts:
        data = TicketCreate.model_validate(
            {
                "subject": text,
                "description": text,
                "requester": {
                    "email": f"seed-{uuid.uuid4().hex[:12]}@mail.example",
                    "name": "Seed",
                },
            }
        )
        ticket_ids.append(tickets.create_ticket(session, data=data, actor=Actor.system()).id)
    stored = state.ticket_texts(session, ticket_ids)
    vectors = encoder.encode_many([stored[t] for t in ticket_ids], learn=False)
    row = ProblemCluster(
        label=label or texts[0][:200], dim=encoder.dim,
        centroid=vector_to_bytes(np.asarray(vectors).sum(axis=0)), count=len(texts),
        terms={}, cannot_link=[], last_at=max(arrived), created_at=min(arrived),
    )  # fmt: skip
    session.add(row)
    session.flush()
    for tid, when in zip(ticket_ids, arrived, strict=True):
        session.add(
            ClusterTicket(ticket_id=tid, cluster_id=row.id, similarity=0.9, created_at=when)
        )
    session.flush()
    state.clusters_changed(session)
    return row.id, ticket_ids
