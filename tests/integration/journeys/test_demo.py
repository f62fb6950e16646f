from __future__ import annotations

import random
import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.demo import journeys as demo
from csops.domains.journeys import cx, drift_store
from csops.domains.journeys.models import JourneyRun


def test_demo_history_fills_the_cx_page(db: Session) -> None:
    started = time.monotonic()
    demo.load(db, now=now(), rng=random.Random(7))
    assert time.monotonic() - started < 5
    assert db.scalar(select(func.count()).select_from(JourneyRun)) > 300
    rows = cx.summary(db)
    assert {r["environment"] for r in rows} == {"local", "staging-like"}
    assert len(rows) == 6 and all(r["runs"] > 20 for r in rows)
    assert {w.key for w in drift_store.open_warnings(db)} == {"features.sso"}
