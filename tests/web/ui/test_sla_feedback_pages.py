"""SLA clocks on the inbox and ticket page, SLA admin forms, surveys from the portal."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Role
from csops.domains.feedback.models import CsatSurvey, FollowUp
from csops.domains.sla import service as sla
from csops.domains.sla.models import SlaCalendar
from csops.domains.sla.schemas import PolicyIn
from csops.domains.tickets import service as tickets
from csops.domains.tickets.schemas import TicketUpdate
from tests.web.conftest import LiveServer
from tests.web.ui.conftest import row_ids, signed_in, ticket


def test_sla_in_inbox_ticket_page_and_admin(live: LiveServer) -> None:
    live.user("boss@csops.example", Role.admin)

    def policies(session: Session) -> None:
        for name, priority, minutes in (("Urgent", "urgent", 15), ("Normal", "normal", 240)):
            data = PolicyIn(
                name=name,
                conditions={"priorities": [priority]},
                business_hours=False,
                first_response_minutes=minutes,
            )
            sla.create_policy(session, data=data, actor=Actor.system())

    live.seed(policies)
    later = ticket(live, subject="Normal one")
    sooner = ticket(live, subject="Urgent one", priority="urgent")
    browser = signed_in(live, "boss@csops.example")
    page = browser.get("/inbox?sort=due")
    assert page.status_code == 200
    assert row_ids(page.text)[:2] == [sooner, later]
    assert page.text.count("sla-badge") >= 2 and "left" in page.text
    assert "Sort by time to breach" in page.text or "Latest due first" in page.text
    assert row_ids(browser.get("/inbox?sort=-due").text)[-2:] == [later, sooner]
    panel = browser.get(f"/tickets/{sooner}")
    assert "sla-panel" in panel.text and "Urgent" in panel.text
    admin = browser.get("/admin/sla")
    assert admin.status_code == 200 and "Normal" in admin.text
    saved = browser.post(
        "/admin/sla/calendars",
        {"name": "Office", "timezone": "Europe/Berlin", "hours": "mon 09:00-18:00\nfri 09-12"},
    )
    assert saved.status_code == 303  # a bad range: flash, nothing stored
    assert live.seed(lambda s: s.scalar(select(SlaCalendar.id))) is None
    saved = browser.post(
        "/admin/sla/calendars",
        {"name": "Office", "timezone": "Europe/Berlin", "hours": "mon 09:00-18:00"},
    )
    assert saved.status_code == 303
    stored = live.seed(lambda s: s.scalars(select(SlaCalendar)).one().hours)
    assert stored == {"mon": [["09:00", "18:00"]]}
    browser.close()


def test_survey_from_portal_needs_a_click_to_record(live: LiveServer) -> None:
    live.customer("ann@customer.example")
    live.user("lead@csops.example", Role.manager)
    ticket_id = ticket(
        live, subject="Refund", requester={"email": "ann@customer.example", "name": "Ann"}
    )

    def solve(session: Session) -> None:
        update = TicketUpdate(status="solved")
        tickets.update_ticket(session, ticket_id=ticket_id, data=update, actor=Actor.system())

    live.seed(solve)
    ann = signed_in(live, "ann@customer.example", customer=True)
    request_page = ann.get(f"/portal/requests/{ticket_id}")
    assert f"/portal/requests/{ticket_id}/survey" in request_page.text
    go = ann.get(f"/portal/requests/{ticket_id}/survey")
    assert go.status_code == 303
    survey_url = go.headers["location"]
    one_click = ann.get(survey_url + "?r=1")  # as the email's link: shows, records nothing
    assert one_click.status_code == 200 and 'value="1" checked' in one_click.text
    rating = live.seed(lambda s: s.scalars(select(CsatSurvey.rating)).one())
    assert rating is None
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', one_click.text)
    assert csrf is not None
    sent = ann.client.post(
        survey_url, data={"csrf_token": csrf.group(1), "rating": "1", "comment": "Slow"}
    )
    assert sent.status_code == 303 and sent.headers["location"].endswith("?done=1")
    assert live.seed(lambda s: s.scalars(select(CsatSurvey.rating)).one()) == 1
    forged = ann.client.post(survey_url, data={"csrf_token": "nope", "rating": "5"})
    assert forged.status_code == 403
    assert live.seed(lambda s: s.scalar(select(FollowUp.id))) is not None
    lead = signed_in(live, "lead@csops.example")
    listed = lead.get("/followups")
    assert listed.status_code == 200 and "Slow" in listed.text
    bad = ann.get(survey_url[:-3] + "xyz")
    assert bad.status_code == 400
    ann.close()
    lead.close()
