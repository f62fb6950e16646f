"""KPI and report pages in the HTML route x role matrix and the bad-input fuzz."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.reports import archive, service
from csops.domains.reports.models import ReportKind
from csops.domains.reports.periods import parse
from tests.web.matrix_plugins import Rows


def _share(world: Any) -> tuple[int, str]:
    def make(session: Session) -> tuple[int, str]:
        share, token = service.create_share(
            session, title="Matrix", days=30, team_id=None, actor=Actor.system()
        )
        return share.id, token

    found: tuple[int, str] = world.desk.seed(make)
    return found


def _subscription(world: Any) -> int:
    def make(session: Session) -> int:
        n = world.ids.get("sub_n", 0) + 1
        world.ids["sub_n"] = n
        sub = archive.subscribe(
            session, kind="daily", email=f"matrix{n}@desk.example", actor=Actor.system()
        )
        return sub.id

    found: int = world.desk.seed(make)
    return found


def _report(world: Any) -> int:
    def make(session: Session) -> int:
        return archive.store(session, parse(ReportKind.daily, "2026-11-20")).id

    found: int = world.desk.seed(make)
    return found


def prepare(world: Any) -> None:
    world.ids["share_id"], world.ids["share_token"] = _share(world)
    world.ids["subscription_id"] = _subscription(world)
    world.ids["report_id"] = _report(world)


STAFF_READ = "L L L 200 200 200 200"
MANAGERS = "L L L ERR ERR 303 303"

ROWS = Rows(
    expect={
        ("GET", "/kpis"): STAFF_READ,
        ("POST", "/kpis/shares"): MANAGERS,
        ("POST", "/kpis/shares/{share_id}/revoke"): MANAGERS,
        ("GET", "/kpis/public/{share_token}"): "200 200 200 200 200 200 200",
        ("GET", "/reports"): STAFF_READ,
        ("POST", "/reports/generate"): MANAGERS,
        ("POST", "/reports/subscriptions"): "L L L 303 303 303 303",
        ("POST", "/reports/subscriptions/{subscription_id}/delete"): MANAGERS,
        ("GET", "/reports/forecast"): STAFF_READ,
        ("GET", "/reports/{report_id}"): STAFF_READ,
    },
    bodies={
        ("POST", "/kpis/shares"): lambda w: {"title": "Matrix", "days": "30"},
        ("POST", "/reports/generate"): lambda w: {"kind": "daily", "period": "2026-11-19"},
        ("POST", "/reports/subscriptions"): lambda w: {"kind": "weekly"},
    },
    prepare=prepare,
    fresh={
        "share_id": lambda w: _share(w)[0],
        "subscription_id": _subscription,
    },
    fuzz={
        "/kpis/shares": ("admin", lambda d: {"title": "Fuzz", "days": "30", "team_id": ""}),
        "/kpis/shares/{share_id}/revoke": ("admin", lambda d: {}),
        "/reports/generate": ("admin", lambda d: {"kind": "daily", "period": "2026-11-18"}),
        "/reports/subscriptions": ("admin", lambda d: {"kind": "monthly", "email": ""}),
        "/reports/subscriptions/{subscription_id}/delete": ("admin", lambda d: {}),
    },
)
