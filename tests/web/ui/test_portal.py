"""The customer portal through a real server: sign-in, magic links, requests, thread."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csops import clock
from csops.domains.accounts import auth
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Customer, MagicLink, Role, User
from csops.domains.tickets import service as tickets
from csops.domains.tickets import thread
from csops.domains.tickets.models import Channel, Status, Ticket
from csops.domains.tickets.schemas import MessageCreate, TicketCreate
from tests.web.conftest import PASSWORD, LiveServer

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no csrf_token field on the page"
    return found.group(1)


def portal(live: LiveServer, email: str) -> httpx.Client:
    return live.login(email, path="/portal/login")


def open_request(live: LiveServer, email: str, subject: str) -> int:
    def make(session: Session) -> int:
        customer = session.scalars(select(Customer).where(Customer.email == email)).one()
        data = TicketCreate(subject=subject, description=f"About {subject}")
        return tickets.create_ticket(session, data=data, actor=Actor.for_customer(customer)).id

    return int(live.seed(make))


def staff_message(live: LiveServer, ticket_id: int, body: str, public: bool) -> None:
    def make(session: Session) -> None:
        agent = session.scalars(select(User).where(User.email == "agent@example.com")).one()
        thread.add_message(
            session,
            ticket_id=ticket_id,
            data=MessageCreate(body=body, public=public),
            actor=Actor.for_user(agent),
        )

    live.seed(make)


def status_of(live: LiveServer, ticket_id: int) -> Status:
    with live.session() as session:
        return session.get_one(Ticket, ticket_id).status


def test_portal_needs_a_customer_session(live: LiveServer) -> None:
    live.user("agent@example.com")
    anonymous = live.client(follow_redirects=False)
    response = anonymous.get("/portal")
    assert (
        response.status_code == 303 and response.headers["location"] == "/portal/login?next=/portal"
    )
    agent = live.login("agent@example.com")
    assert agent.get("/portal").headers["location"].startswith("/portal/login")


def test_portal_login_and_logout(live: LiveServer) -> None:
    live.customer("cus@example.com")
    live.user("agent@example.com")
    client = live.client(follow_redirects=False)
    page = client.get("/portal/login")
    assert page.status_code == 200 and "Sign in with a link" in page.text
    bad = client.post(
        "/portal/login",
        data={
            "email": "cus@example.com",
            "password": "nope",
            "csrf_token": page.cookies["csops_csrf"],
        },
    )
    assert bad.status_code == 401 and "Invalid email or password" in bad.text
    staff = client.post(
        "/portal/login",
        data={
            "email": "agent@example.com",
            "password": PASSWORD,
            "csrf_token": page.cookies["csops_csrf"],
        },
    )
    assert staff.status_code == 401  # staff accounts are not customers
    no_csrf = client.post("/portal/login", data={"email": "cus@example.com", "password": PASSWORD})
    assert no_csrf.status_code == 403

    client = portal(live, "cus@example.com")
    home = client.get("/portal")
    assert home.status_code == 200 and "My requests" in home.text
    assert client.get("/portal/login").status_code == 303  # already signed in
    out = client.post("/portal/logout", data={"csrf_token": csrf_of(home.text)})
    assert out.status_code == 303 and out.headers["location"] == "/portal/login"
    assert client.get("/portal").status_code == 303


def test_portal_login_is_rate_limited(live: LiveServer) -> None:
    live.customer("cus@example.com")
    client = live.client(follow_redirects=False)
    token = client.get("/portal/login").cookies["csops_csrf"]
    data = {"email": "cus@example.com", "csrf_token": token}
    for _ in range(5):
        assert client.post("/portal/login", data=data | {"password": "no"}).status_code == 401
    blocked = client.post("/portal/login", data=data | {"password": PASSWORD})
    assert blocked.status_code == 429 and "Too many attempts" in blocked.text


def test_customer_sees_only_own_requests_org_admin_sees_org(live: LiveServer) -> None:
    live.customer("ann@acme.example", org="Acme")
    live.customer("bob@acme.example", org="Acme")
    live.customer("boss@acme.example", org="Acme", org_admin=True)
    live.customer("zed@other.example", org="Other")
    open_request(live, "ann@acme.example", "Ann cannot export")
    open_request(live, "bob@acme.example", "Bob sees a 500")
    open_request(live, "zed@other.example", "Zed is locked out")

    ann = portal(live, "ann@acme.example").get("/portal").text
    assert "Ann cannot export" in ann
    assert "Bob sees a 500" not in ann and "Zed is locked out" not in ann
    assert "scope=org" not in ann  # no organization toggle for a plain customer
    assert "Bob sees a 500" not in portal(live, "ann@acme.example").get("/portal?scope=org").text

    boss = portal(live, "boss@acme.example")
    mine = boss.get("/portal").text
    assert "You have no requests yet." in mine and "scope=org" in mine
    org = boss.get("/portal?scope=org").text
    assert "Ann cannot export" in org and "Bob sees a 500" in org
    assert "Zed is locked out" not in org


def test_request_list_pages(live: LiveServer) -> None:
    live.customer("ann@example.com")
    for n in range(27):
        open_request(live, "ann@example.com", f"Question number {n:02d}")
    client = portal(live, "ann@example.com")
    first = client.get("/portal").text
    assert "Question number 26" in first and "Question number 01" not in first
    cursor = re.search(r'cursor=([^"&]+)', first)
    assert cursor
    second = client.get(f"/portal?scope=mine&cursor={cursor.group(1)}").text
    assert "Question number 01" in second and "Question number 26" not in second
    assert client.get("/portal?cursor=garbage").status_code == 422


def test_another_customers_request_is_404(live: LiveServer) -> None:
    live.customer("ann@example.com")
    live.customer("bob@example.com")
    bobs = open_request(live, "bob@example.com", "Bob's private trouble")
    client = portal(live, "ann@example.com")
    token = csrf_of(client.get("/portal").text)
    assert client.get(f"/portal/requests/{bobs}").status_code == 404
    assert client.get("/portal/requests/999999").status_code == 404
    reply = client.post(f"/portal/requests/{bobs}/reply", data={"body": "hi", "csrf_token": token})
    assert reply.status_code == 404
    close = client.post(f"/portal/requests/{bobs}/close", data={"csrf_token": token})
    assert close.status_code == 404
    assert status_of(live, bobs) == Status.new


def test_new_request_creates_a_ticket(live: LiveServer) -> None:
    customer_id = live.customer("ann@example.com")
    client = portal(live, "ann@example.com")
    token = csrf_of(client.get("/portal/new").text)
    response = client.post(
        "/portal/new",
        data={
            "subject": "Invoices will not export",
            "description": "Clicking <b>Export</b> does nothing",
            "csrf_token": token,
        },
        files=[("files", ("steps.txt", b"1. open\n2. click", "text/plain"))],
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert re.fullmatch(r"/portal/requests/\d+", location)
    page = client.get(location)
    assert page.status_code == 200
    assert "Your request has been received" in page.text
    assert "Invoices will not export" in page.text
    assert "Clicking &lt;b&gt;Export&lt;/b&gt; does nothing" in page.text  # text, escaped
    assert 'sse-connect="/live/tickets/' in page.text and 'sse-swap="message"' in page.text
    assert "Your request has been received" not in client.get(location).text
    with live.session() as session:
        ticket = session.get_one(Ticket, int(location.rsplit("/", 1)[1]))
        assert ticket.requester_id == customer_id and ticket.channel == Channel.portal
        assert ticket.status == Status.new
    assert "Invoices will not export" in client.get("/portal").text


def test_new_request_attachments_show_on_the_thread(live: LiveServer) -> None:
    live.customer("ann@example.com")
    client = portal(live, "ann@example.com")
    token = csrf_of(client.get("/portal/new").text)
    response = client.post(
        "/portal/new",
        data={"subject": "Logs attached", "description": "see the file", "csrf_token": token},
        files=[("files", ("steps.txt", b"1. open\n2. click", "text/plain"))],
    )
    page = client.get(response.headers["location"])
    assert "steps.txt" in page.text and "/api/v1/attachments/" in page.text


def test_new_request_errors_keep_the_form_and_write_nothing(live: LiveServer) -> None:
    live.customer("ann@example.com")
    client = portal(live, "ann@example.com")
    token = csrf_of(client.get("/portal/new").text)
    empty = client.post(
        "/portal/new", data={"subject": " ", "description": "Something broke", "csrf_token": token}
    )
    assert empty.status_code == 422 and "Something broke" in empty.text
    too_many = client.post(
        "/portal/new",
        data={"subject": "Many files", "description": "see files", "csrf_token": token},
        files=[("files", (f"f{n}.txt", b"x", "text/plain")) for n in range(6)],
    )
    assert too_many.status_code == 422 and "at most 5 attachments" in too_many.text
    assert client.post("/portal/new", data={"subject": "x", "description": "y"}).status_code == 403
    with live.session() as session:
        assert session.scalar(select(func.count(Ticket.id))) == 0


def test_reply_close_and_reopen(live: LiveServer) -> None:
    live.customer("ann@example.com")
    live.user("agent@example.com")
    ticket_id = open_request(live, "ann@example.com", "Printer on fire")
    staff_message(live, ticket_id, "Have you tried water?", public=True)
    client = portal(live, "ann@example.com")
    page = client.get(f"/portal/requests/{ticket_id}")
    assert "Have you tried water?" in page.text and "Close request" in page.text
    token = csrf_of(page.text)

    reply = client.post(
        f"/portal/requests/{ticket_id}/reply",
        data={"body": "It is electrical", "csrf_token": token},
        files=[("files", ("photo.txt", b"smoke", "text/plain"))],
    )
    assert reply.status_code == 303
    page = client.get(reply.headers["location"].split("#")[0])
    assert "It is electrical" in page.text and "Your reply was sent" in page.text
    assert "photo.txt" in page.text
    empty = client.post(
        f"/portal/requests/{ticket_id}/reply", data={"body": "  ", "csrf_token": token}
    )
    assert empty.status_code == 422 and "needs a body" in empty.text

    closed = client.post(f"/portal/requests/{ticket_id}/close", data={"csrf_token": token})
    assert closed.status_code == 303
    page = client.get(f"/portal/requests/{ticket_id}")
    assert status_of(live, ticket_id) == Status.solved
    assert "Your request was marked as solved" in page.text
    assert "Close request" not in page.text and "Replying reopens this request." in page.text

    client.post(
        f"/portal/requests/{ticket_id}/reply", data={"body": "It is back", "csrf_token": token}
    )
    assert status_of(live, ticket_id) == Status.open


def test_closed_request_offers_a_new_one(live: LiveServer) -> None:
    live.customer("ann@example.com")
    ticket_id = open_request(live, "ann@example.com", "Old trouble")

    def close(session: Session) -> None:
        session.get_one(Ticket, ticket_id).status = Status.closed

    live.seed(close)
    client = portal(live, "ann@example.com")
    page = client.get(f"/portal/requests/{ticket_id}")
    assert "This request is closed" in page.text and 'action="/portal/requests' not in page.text
    token = csrf_of(client.get("/portal").text)
    reply = client.post(
        f"/portal/requests/{ticket_id}/reply", data={"body": "again", "csrf_token": token}
    )
    assert reply.status_code == 422 and "closed" in reply.text


def test_internal_notes_never_reach_the_portal(live: LiveServer) -> None:
    live.customer("ann@example.com", org="Acme", org_admin=True)
    live.user("agent@example.com", role=Role.admin)
    ticket_id = open_request(live, "ann@example.com", "Slow dashboard")
    staff_message(live, ticket_id, "SECRET: customer is on the old cluster", public=False)
    staff_message(live, ticket_id, "We are looking into it", public=True)
    client = portal(live, "ann@example.com")
    page = client.get(f"/portal/requests/{ticket_id}").text
    assert "We are looking into it" in page
    assert "SECRET" not in page and "Internal note" not in page
    assert "SECRET" not in client.get("/portal").text
    assert "SECRET" not in client.get("/portal?scope=org").text


def test_magic_link_request_answers_the_same_and_shows_no_link(live: LiveServer) -> None:
    live.customer("ann@example.com")
    client = live.client(follow_redirects=False)
    token = client.get("/portal/magic").cookies["csops_csrf"]
    known = client.post("/portal/magic", data={"email": "ann@example.com", "csrf_token": token})
    unknown = client.post("/portal/magic", data={"email": "who@example.com", "csrf_token": token})
    for response in (known, unknown):
        assert response.status_code == 200
        assert "If the address is known, a sign-in link was sent to it." in response.text
        assert "/portal/magic/" not in response.text
    assert client.post("/portal/magic", data={"email": "ann@example.com"}).status_code == 403
    with live.session() as session:
        links = session.scalars(select(MagicLink)).all()
        assert len(links) == 1 and links[0].used_at is None


def test_magic_link_requests_are_limited(live: LiveServer) -> None:
    live.customer("ann@example.com")
    client = live.client(follow_redirects=False)
    token = client.get("/portal/magic").cookies["csops_csrf"]
    data = {"email": "ann@example.com", "csrf_token": token}
    for _ in range(5):
        assert client.post("/portal/magic", data=data).status_code == 200
    assert client.post("/portal/magic", data=data).status_code == 429


def test_magic_link_signs_in_once(live: LiveServer) -> None:
    customer_id = live.customer("ann@example.com")

    def link(session: Session) -> str:
        return auth.create_magic_link(session, customer=session.get_one(Customer, customer_id))

    raw = str(live.seed(link))
    client = live.client(follow_redirects=False)
    response = client.get(f"/portal/magic/{raw}")
    assert response.status_code == 303 and response.headers["location"] == "/portal"
    assert "HttpOnly" in response.headers["set-cookie"]
    assert client.get("/portal").status_code == 200
    again = live.client(follow_redirects=False).get(f"/portal/magic/{raw}")
    assert again.status_code == 400 and "invalid, used or expired" in again.text
    assert "csops_session" not in again.headers.get("set-cookie", "")


def test_expired_or_unknown_magic_link_is_refused(live: LiveServer) -> None:
    customer_id = live.customer("ann@example.com")

    def old_link(session: Session) -> str:
        with clock.frozen(clock.now() - timedelta(hours=1)):
            return auth.create_magic_link(session, customer=session.get_one(Customer, customer_id))

    raw = str(live.seed(old_link))
    client = live.client(follow_redirects=False)
    assert client.get(f"/portal/magic/{raw}").status_code == 400
    assert client.get("/portal/magic/not-a-real-link").status_code == 400
    assert client.get("/portal").status_code == 303
