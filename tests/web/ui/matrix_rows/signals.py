"""Signals pages in the HTML route x role matrix and the bad-input fuzz."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from csops.domains.signals.models import ProblemCluster, SuspectedIncident
from tests.web.matrix_plugins import Rows

STAFF_GET = "L L L 200 200 200 200"
STAFF_POST = "L L L 303 303 303 303"
SUS = "/signals/suspects/{suspect_id}"


def _suspect(w: Any) -> int:
    def make(session: Session) -> int:
        row = SuspectedIncident(
            key="matrix", title="Matrix spike", score=9.0,
            started_at=datetime.now(UTC), evidence={"counts_by_5min": [1, 5]},
            causes=[], ticket_ids=[],
        )  # fmt: skip
        session.add(row)
        session.flush()
        return row.id

    return int(w.desk.seed(make))


def prepare(w: Any) -> None:
    def make(session: Session) -> int:
        row = ProblemCluster(label="card / payment", dim=4, centroid=b"\0" * 16, count=0)
        session.add(row)
        session.flush()
        return row.id

    w.ids["cluster_id"] = int(w.desk.seed(make))
    w.ids["suspect_id"] = _suspect(w)


ROWS = Rows(
    expect={
        ("GET", "/signals"): STAFF_GET,
        ("GET", "/signals/clusters/{cluster_id}"): STAFF_GET,
        ("POST", SUS + "/confirm"): STAFF_POST,
        ("POST", SUS + "/dismiss"): STAFF_POST,
    },
    bodies={("POST", SUS + "/dismiss"): lambda w: {"reason": "known noise"}},
    prepare=prepare,
    fresh={"suspect_id": _suspect},
    fuzz={
        SUS + "/confirm": ("admin", lambda d: {}),
        SUS + "/dismiss": ("admin", lambda d: {"reason": "noise"}),
    },
)
