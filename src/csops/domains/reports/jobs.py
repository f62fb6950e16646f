"""Scheduled reports: the daily complaint report at 07:00 UTC, the weekly perception report
on Mondays, the monthly one on the 1st; each archives the period just ended and emails
its subscribers. Re-running a job replaces the archived report and sends no duplicate
(notifications are idempotent per event key)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.reports import archive
from csops.domains.reports.models import ReportKind
from csops.domains.reports.periods import last_complete, parse
from csops.jobs.registry import job
from csops.jobs.schedule import register_schedule

CRONS = {
    ReportKind.daily: "0 7 * * *",
    ReportKind.weekly: "0 7 * * 1",
    ReportKind.monthly: "0 7 1 * *",
}


def run(session: Session, kind: ReportKind, payload: dict[str, Any]) -> None:
    key = payload.get("period")
    period = parse(kind, str(key)) if key else last_complete(kind, now())
    report = archive.store(session, period)
    archive.deliver(session, report)


@job("reports.daily")
def daily(session: Session, payload: dict[str, Any]) -> None:
    run(session, ReportKind.daily, payload)


@job("reports.weekly")
def weekly(session: Session, payload: dict[str, Any]) -> None:
    run(session, ReportKind.weekly, payload)


@job("reports.monthly")
def monthly(session: Session, payload: dict[str, Any]) -> None:
    run(session, ReportKind.monthly, payload)


for _kind, _cron in CRONS.items():
    register_schedule(f"reports.{_kind.value}", _cron, f"reports.{_kind.value}")
