"""The inbound-mail admin pages through a real server: list, detail, retry with a flash."""

from __future__ import annotations

from csops.domains.accounts.models import Role
from csops.domains.channels import service as channels
from csops.domains.channels.models import InboundMail, InboundStatus
from tests.web.api.matrix_rows.mail import quarantined
from tests.web.conftest import LiveServer
from tests.web.ui.test_admin import csrf_of


def test_quarantine_page_shows_reason_and_retry_accepts(live: LiveServer) -> None:
    live.user("root@example.com", role=Role.admin)
    client = live.login("root@example.com")
    good = live.seed(quarantined)
    bad = live.seed(
        lambda s: (
            channels.receive_email(
                s, b"<html>not mail", envelope_from="", envelope_to=["help@example.org"]
            ).id
        )
    )
    listing = client.get("/admin/mail")
    assert listing.status_code == 200
    assert f"/admin/mail/{good}" in listing.text and "rate limit (matrix)" in listing.text
    page = client.get(f"/admin/mail/{bad}")
    assert page.status_code == 200
    assert "no header" in page.text and "&lt;html&gt;not mail" in page.text
    token = csrf_of(page.text)
    failed = client.post(f"/admin/mail/{bad}/retry", data={"csrf_token": token})
    assert failed.status_code == 303
    assert "still quarantined" in client.get(failed.headers["location"]).text
    done = client.post(f"/admin/mail/{good}/retry", data={"csrf_token": token})
    assert done.status_code == 303
    shown = client.get(done.headers["location"]).text
    assert "processed again (ticket #" in shown
    with live.session() as session:
        mail = session.get(InboundMail, good)
        assert mail is not None and mail.status == InboundStatus.accepted
    assert client.post(f"/admin/mail/{good}/retry", data={"csrf_token": "bad"}).status_code in (
        400,
        403,
    )

    accepted = client.get("/admin/mail?status=ignored")
    assert accepted.status_code == 200 and "No email here." in accepted.text
    assert client.get("/admin/mail?status=bogus").status_code in (303, 400, 422)
