"""Generated reports: build one period (HTML + PDF), keep it in the archive, email a link
to its subscribers (once per period); and the subscriptions themselves."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.clock import now
from csops.config import get_settings
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import User
from csops.domains.notifications import service as notifications
from csops.domains.notifications.templates import register_default
from csops.domains.reports import charts, content, render
from csops.domains.reports.models import ReportArchive, ReportKind, ReportSubscription
from csops.domains.reports.periods import Period, last_complete, parse
from csops.domains.reports.service import require_manager, require_staff
from csops.errors import Invalid, NotFound, PermissionDenied

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

register_default(
    "report_ready",
    subject="[{{ brand.name }}] {{ report_title }}",
    text="{{ report_title }} is ready: {{ report_url }}\n\nPDF: {{ report_pdf_url }}\n",
    locale="en",
)
register_default(
    "report_ready",
    subject="[{{ brand.name }}] {{ report_title }}",
    text="报告已生成：{{ report_title }}\n在线查看：{{ report_url }}\n\nPDF：{{ report_pdf_url }}\n",
    locale="zh_Hans",
)


@dataclass
class Built:
    data: content.ReportData
    charts: dict[str, bytes]

    def html(self) -> str:
        return render.html(self.data, self.charts)

    def pdf(self) -> bytes:
        return render.pdf(self.data, self.charts)

    def markdown(self) -> str:
        return render.markdown(self.data)


def build(session: Session, period: Period) -> Built:
    data = content.gather(session, period)
    return Built(data, charts.all_charts(data))


def resolve_period(kind: str, key: str | None) -> Period:
    try:
        report_kind = ReportKind(kind)
    except ValueError:
        raise Invalid("the report kind is daily, weekly or monthly") from None
    return last_complete(report_kind, now()) if not key else parse(report_kind, key)


def store(session: Session, period: Period, built: Built | None = None) -> ReportArchive:
    """Builds the period's report and archives it, replacing an earlier run of it."""
    built = built or build(session, period)
    row = session.scalar(
        select(ReportArchive).where(
            ReportArchive.kind == period.kind, ReportArchive.period_key == period.key
        )
    )
    if row is None:
        row = ReportArchive(kind=period.kind, period_key=period.key)
        session.add(row)
    row.start, row.end = period.start, period.end
    row.title = render.title(built.data)
    row.html = built.html()
    row.pdf = built.pdf()
    row.summary = {
        "tickets": built.data.volume.total,
        "previous": built.data.previous_total,
        "themes": [t.name for t in built.data.themes[:3]],
    }
    row.created_at = now()
    session.flush()
    return row


def generate(session: Session, *, kind: str, key: str | None, actor: Actor) -> ReportArchive:
    require_manager(actor)
    return store(session, resolve_period(kind, key))


def list_reports(
    session: Session, *, actor: Actor, kind: str | None = None, limit: int = 100
) -> Sequence[ReportArchive]:
    require_staff(actor)
    query = select(ReportArchive).order_by(ReportArchive.start.desc(), ReportArchive.id.desc())
    if kind:
        query = query.where(ReportArchive.kind == resolve_period(kind, None).kind)
    return session.scalars(query.limit(limit)).all()


def get_report(session: Session, *, report_id: int, actor: Actor) -> ReportArchive:
    require_staff(actor)
    row = session.get(ReportArchive, report_id)
    if row is None:
        raise NotFound(f"report {report_id} not found")
    return row


def deliver(session: Session, report: ReportArchive) -> int:
    """Queues one email per subscriber with a link to the report (the outbox carries no
    attachments: links to the HTML page and the PDF). Idempotent per period."""
    base = get_settings().base_url.rstrip("/")
    context = {
        "report_title": report.title,
        "report_url": f"{base}/reports/{report.id}",
        "report_pdf_url": f"{base}/api/v1/reports/archive/{report.id}/pdf",
    }
    event_key = f"report:{report.kind.value}:{report.period_key}"
    queued = 0
    subs = session.scalars(
        select(ReportSubscription).where(ReportSubscription.kind == report.kind)
    ).all()
    for sub in subs:
        items = notifications.notify(
            session,
            event_key=event_key,
            kind="report_ready",
            template="report_ready",
            context=context,
            user_id=sub.user_id,
            address=sub.email if sub.user_id is None else None,
            channel="email" if sub.user_id is None else None,
            essential=False,
        )
        queued += len(items)
    return queued


def list_subscriptions(session: Session, *, actor: Actor) -> Sequence[ReportSubscription]:
    require_staff(actor)
    query = select(ReportSubscription).order_by(ReportSubscription.kind, ReportSubscription.id)
    if actor.role is not None and actor.role.value not in ("manager", "admin"):
        query = query.where(ReportSubscription.user_id == actor.id)
    return session.scalars(query).all()


def subscribe(
    session: Session, *, kind: str, actor: Actor, email: str = "", user_id: int | None = None
) -> ReportSubscription:
    """A staff member subscribes themself; a manager may add any user or email address."""
    require_staff(actor)
    report_kind = resolve_period(kind, None).kind
    email = email.strip().lower()
    if email or (user_id is not None and user_id != actor.id):
        require_manager(actor)
    if email and not EMAIL.match(email):
        raise Invalid("give a valid email address")
    if not email:
        user_id = user_id or actor.id
        if user_id is None or session.get(User, user_id) is None:
            raise Invalid("choose a user or an email address")
    sub_user = None if email else user_id
    duplicate = session.scalar(
        select(ReportSubscription).where(
            ReportSubscription.kind == report_kind,
            ReportSubscription.user_id.is_(None)
            if sub_user is None
            else ReportSubscription.user_id == sub_user,
            ReportSubscription.email == (email or None)
            if email
            else ReportSubscription.email.is_(None),
        )
    )
    if duplicate is not None:
        return duplicate  # subscribing twice changes nothing
    sub = ReportSubscription(kind=report_kind, user_id=sub_user, email=email or None)
    session.add(sub)
    session.flush()
    return sub


def unsubscribe(session: Session, *, subscription_id: int, actor: Actor) -> None:
    require_staff(actor)
    sub = session.get(ReportSubscription, subscription_id)
    if sub is None:
        raise NotFound(f"subscription {subscription_id} not found")
    if sub.user_id != actor.id and not actor.sees_all_tickets:
        raise PermissionDenied("only managers remove other people's subscriptions")
    session.delete(sub)
    session.flush()
