"""iCalendar feeds of on-call shifts, per schedule and per user, behind signed URLs.

A calendar app subscribes with a URL and no login, so the URL carries a signed token
(no expiry: a subscription lives as long as the site key; rotating the key revokes all).
"""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from csops import signing
from csops.clock import now
from csops.config import get_settings
from csops.domains.accounts.models import User
from csops.domains.oncall import schedules
from csops.domains.oncall.models import Schedule
from csops.engine.rotation import Shift
from csops.errors import Invalid, NotFound

PURPOSE = "oncall.ical"
PAST = timedelta(days=14)
AHEAD = timedelta(days=90)


def feed_url(*, schedule_id: int | None = None, user_id: int | None = None) -> str:
    payload = {"s": schedule_id} if schedule_id is not None else {"u": user_id}
    token = signing.dumps(PURPOSE, payload)
    return f"{get_settings().base_url.rstrip('/')}/api/v1/oncall/calendar/{token}.ics"


def read_token(token: str) -> tuple[str, int]:
    data = signing.loads(PURPOSE, token)
    if isinstance(data, dict) and isinstance(data.get("s"), int):
        return "schedule", int(data["s"])
    if isinstance(data, dict) and isinstance(data.get("u"), int):
        return "user", int(data["u"])
    raise Invalid("this link is not valid")


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//csops//on-call//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    return cal


def _event(cal: Calendar, schedule: Schedule, shift: Shift, who: str) -> None:
    event = Event()
    event.add("uid", f"oncall-{schedule.id}-{shift.user}-{int(shift.start.timestamp())}@csops")
    event.add("summary", f"On call: {who} ({schedule.name})")
    event.add("dtstart", shift.start)
    event.add("dtend", shift.end)
    event.add("dtstamp", now())
    cal.add_component(event)


def render(session: Session, token: str) -> bytes:
    kind, ident = read_token(token)
    start, end = now() - PAST, now() + AHEAD
    if kind == "schedule":
        schedule = session.get(Schedule, ident)
        if schedule is None:
            raise NotFound("schedule not found")
        cal = _calendar(schedule.name)
        names: dict[int, str] = {}
        for shift in schedules.final_shifts(session, schedule, start, end):
            if shift.user not in names:
                user = session.get(User, shift.user)
                names[shift.user] = user.name if user else "?"
            _event(cal, schedule, shift, names[shift.user])
        return bytes(cal.to_ical())
    user = session.get(User, ident)
    if user is None:
        raise NotFound("user not found")
    cal = _calendar(f"On call: {user.name}")
    for schedule in schedules.list_schedules(session):
        for shift in schedules.final_shifts(session, schedule, start, end):
            if shift.user == user.id:
                _event(cal, schedule, shift, user.name)
    return bytes(cal.to_ical())
