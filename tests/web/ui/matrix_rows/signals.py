"""Signals pages in the HTML route x role matrix and the bad-input fuzz."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from csops.domains.signals.models import SuspectedIncident
from tests.integration.signals.seeding import seed_cluster
from tests.web.matrix_plugins import Rows

STAFF_GET = "L L L 200 200 200 200"
STAFF_POST = "L L L 303 303 303 303"
SUS = "/signals/suspects/{suspect_id}"
CL = "/signals/clusters/{cluster_id}"


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


def _fresh_cluster(w: Any) -> int:
    """A new cluster of two tickets per writing call; the split form moves the first one
    (this matrix builds the path before the form)."""
    made: tuple[int, list[int]] = w.desk.seed(
        lambda session: seed_cluster(session, ["card payment failed", "card payment declined"])
    )
    w.ids["signals_first_ticket"] = made[1][0]
    return made[0]


def prepare(w: Any) -> None:
    made: tuple[int, list[int]] = w.desk.seed(
        lambda session: seed_cluster(session, ["card payment failed"], label="card / payment")
    )
    w.ids["cluster_id"] = made[0]
    w.ids["suspect_id"] = _suspect(w)


ROWS = Rows(
    expect={
        ("GET", "/signals"): STAFF_GET,
        ("GET", "/signals/clusters/{cluster_id}"): STAFF_GET,
        ("POST", SUS + "/confirm"): STAFF_POST,
        ("POST", SUS + "/dismiss"): STAFF_POST,
        ("POST", CL + "/rename"): STAFF_POST,
        ("POST", CL + "/merge"): STAFF_POST,
        ("POST", CL + "/split"): STAFF_POST,
    },
    bodies={
        ("POST", SUS + "/dismiss"): lambda w: {"reason": "known noise"},
        ("POST", CL + "/rename"): lambda w: {"label": "Matrix problem"},
        ("POST", CL + "/merge"): lambda w: {"into_id": str(w.ids["cluster_id"])},
        ("POST", CL + "/split"): lambda w: {
            "ticket_ids": [str(w.ids["signals_first_ticket"])],
            "label": "Matrix split",
        },
    },
    prepare=prepare,
    fresh={"suspect_id": _suspect, "cluster_id": _fresh_cluster},
    fuzz={
        SUS + "/confirm": ("admin", lambda d: {}),
        SUS + "/dismiss": ("admin", lambda d: {"reason": "noise"}),
        CL + "/rename": ("admin", lambda d: {"label": "Fuzzed"}),
        CL + "/merge": ("admin", lambda d: {"into_id": str(d.ids["cluster_id"])}),
        CL + "/split": ("admin", lambda d: {"ticket_ids": ["1"], "label": "Fuzzed"}),
    },
)
