"""Demo reports: a shared KPI page, report subscriptions for the managers, and the archived
daily / weekly / monthly reports of the recent periods."""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops import clock
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role, User
from csops.domains.reports import archive, service
from csops.domains.reports.models import ReportKind
from csops.domains.reports.periods import last_complete

SYSTEM = Actor.system()


def load(session: Session, *, now: datetime, rng: random.Random) -> None:
    with clock.frozen(now):
        service.create_share(
            session, title="Support KPIs for all teams", days=30, team_id=None, actor=SYSTEM
        )
        managers = session.scalars(
            select(User).where(User.role.in_((Role.manager, Role.admin))).order_by(User.id)
        ).all()
        for user in managers[:3]:
            for kind in rng.sample(list(ReportKind), k=2):
                archive.subscribe(session, kind=kind.value, user_id=user.id, actor=SYSTEM)
        archive.subscribe(session, kind="weekly", email="ops-leads@example.com", actor=SYSTEM)
        for kind, count in ((ReportKind.daily, 2), (ReportKind.weekly, 2), (ReportKind.monthly, 1)):
            period = last_complete(kind, now)
            for _ in range(count):
                archive.store(session, period)
                period = period.previous()
