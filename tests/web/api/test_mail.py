"""The inbound-mail API: admins list, read and retry received email."""

from __future__ import annotations

from sqlalchemy.orm import Session

from csops.domains.accounts.models import Role
from csops.domains.channels import service as channels
from tests.web.api.conftest import Desk
from tests.web.api.matrix_rows.mail import quarantined


def _garbage(session: Session) -> int:
    return channels.receive_email(
        session, b"\x00 not mail", envelope_from="x@example.com", envelope_to=["s@example.org"]
    ).id


def test_admin_sees_the_quarantine_and_a_retry_opens_the_ticket(server: Desk) -> None:
    _uid, admin = server.staff(Role.admin)
    mail_id = server.seed(quarantined)
    bad_id = server.seed(_garbage)
    listing = admin.get("/api/v1/mail/inbound", params={"status": "quarantined", "limit": 200})
    assert listing.status_code == 200
    ids = [item["id"] for item in listing.json()["items"]]
    assert mail_id in ids and bad_id in ids
    bad = admin.get(f"/api/v1/mail/inbound/{bad_id}").json()
    assert bad["status"] == "quarantined" and "no header" in bad["reason"]
    assert "not mail" in bad["raw_preview"] and bad["raw_truncated"] is False
    retried = admin.post(f"/api/v1/mail/inbound/{mail_id}/retry")
    assert retried.status_code == 200, retried.text
    body = retried.json()
    assert body["status"] == "accepted" and body["ticket_id"] and body["attempts"] == 2
    ticket = admin.get(f"/api/v1/tickets/{body['ticket_id']}").json()
    assert ticket["channel"] == "email"
    again = admin.post(f"/api/v1/mail/inbound/{mail_id}/retry")
    assert again.status_code == 409
    assert admin.get("/api/v1/mail/inbound/99999999").status_code == 404


def test_listing_pages_with_a_cursor(server: Desk) -> None:
    _uid, admin = server.staff(Role.admin)
    made = [server.seed(quarantined) for _ in range(3)]
    first = admin.get("/api/v1/mail/inbound", params={"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = admin.get(
        "/api/v1/mail/inbound", params={"limit": 2, "cursor": first["next_cursor"]}
    ).json()
    seen = [i["id"] for i in first["items"] + second["items"]]
    assert seen == sorted(seen, reverse=True)
    assert made[-1] == seen[0] and made[-2] == seen[1] and made[-3] == seen[2]
