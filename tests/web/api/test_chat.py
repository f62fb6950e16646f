"""Live chat through a real server: the widget's calls, and the SSE round trip (a customer
message becomes a chat ticket; the agent's public reply arrives on the visitor's stream, an
internal note never does), CORS, and the email follow-up timer."""

from __future__ import annotations

import json
import queue
import threading
from typing import Any

import httpx
from sqlalchemy import select

from csops.domains.accounts.models import Role
from csops.domains.chat.jobs import followup
from csops.domains.chat.models import ChatSession
from csops.domains.tickets.models import Channel, Message, Ticket
from csops.jobs.models import Job
from tests.web.api.conftest import Desk, assert_problem, uniq

ORIGIN = {"Origin": "https://shop.example"}


def start(server: Desk, **fields: Any) -> dict[str, Any]:
    body = {"message": "Hello, where is my parcel?", **fields}
    response = server.client(headers=ORIGIN).post("/api/v1/chat/sessions", json=body)
    assert response.status_code == 201, response.text
    assert response.headers["access-control-allow-origin"] == "*"
    result: dict[str, Any] = response.json()
    return result


def listen(
    server: Desk, token: str, events: queue.Queue[tuple[str, str]], ready: threading.Event
) -> None:
    with httpx.Client(base_url=server.url, timeout=20) as client:
        with client.stream("GET", f"/widget/chat/{token}/stream", headers=ORIGIN) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            ready.set()
            name = ""
            for line in response.iter_lines():
                if line.startswith("event:"):
                    name = line.partition(":")[2].strip()
                elif line.startswith("data:") and name:
                    events.put((name, line.partition(":")[2].strip()))
                    if name == "message" and "Your parcel" in line:
                        return


def test_chat_round_trip_over_sse(server: Desk) -> None:
    chat = start(server, name="Lin", email=f"{uniq('lin')}@shop.example")
    ticket_id = chat["ticket_id"]
    ticket = server.seed(lambda s: s.get_one(Ticket, ticket_id))
    assert ticket.channel == Channel.chat and chat["messages"][0]["author"] == "customer"
    events: queue.Queue[tuple[str, str]] = queue.Queue()
    ready = threading.Event()
    thread = threading.Thread(
        target=listen, args=(server, chat["chat_token"], events, ready), daemon=True
    )
    thread.start()
    assert ready.wait(10)
    visitor = server.client(headers=ORIGIN)
    said = visitor.post(
        f"/api/v1/chat/sessions/{chat['chat_token']}/messages", json={"body": "Order 1234"}
    )
    assert said.status_code == 201
    _uid, agent = server.staff(Role.manager)
    note = agent.post(
        f"/api/v1/tickets/{ticket_id}/messages", json={"body": "secret note", "public": False}
    )
    assert note.status_code == 201
    reply = agent.post(
        f"/api/v1/tickets/{ticket_id}/messages", json={"body": "Your parcel ships today"}
    )
    assert reply.status_code == 201
    thread.join(15)
    seen = []
    while not events.empty():
        seen.append(events.get())
    texts = [json.loads(data)["body_text"] for name, data in seen if name == "message"]
    assert "Order 1234" in texts and "Your parcel ships today" in texts
    assert "secret note" not in " ".join(texts)
    state = visitor.get(f"/api/v1/chat/sessions/{chat['chat_token']}").json()
    assert [m["author"] for m in state["messages"]] == ["customer", "customer", "agent"]
    answered = server.seed(
        lambda s: s.scalar(
            select(ChatSession.agent_answered_at).where(ChatSession.ticket_id == ticket_id)
        )
    )
    assert answered is not None


def test_followup_offered_when_no_agent_answers(server: Desk) -> None:
    chat = start(server)  # anonymous
    assert chat["anonymous"] is True and chat["visitor_token"]
    token = chat["chat_token"]

    def run_timer(session: Any) -> None:
        chat_id = session.scalar(
            select(ChatSession.id).where(ChatSession.ticket_id == chat["ticket_id"])
        )
        job = session.scalar(select(Job).where(Job.unique_key == f"chat-followup:{chat_id}"))
        assert job is not None and job.run_at > job.created_at
        followup(session, dict(job.payload))

    server.seed(run_timer)
    visitor = server.client()
    state = visitor.get(f"/api/v1/chat/sessions/{token}").json()
    assert state["followup_offered"] is True and state["followup_requested"] is False
    assert_problem(visitor.post(f"/api/v1/chat/sessions/{token}/followup", json={}), 422)
    email = f"{uniq('anon')}@shop.example"
    taken = visitor.post(f"/api/v1/chat/sessions/{token}/followup", json={"email": email})
    assert taken.status_code == 200 and taken.json()["followup_requested"] is True

    def check(session: Any) -> tuple[str, list[str], int]:
        ticket = session.get_one(Ticket, chat["ticket_id"])
        notes = session.scalar(
            select(Message.body_text).where(
                Message.ticket_id == ticket.id, Message.is_public.is_(False)
            )
        )
        return ticket.requester.email, list(ticket.tags), len(notes or "")

    requester, tags, note_length = server.seed(check)
    assert requester == email and "chat-followup" in tags and note_length > 0


def test_a_second_chat_keeps_the_visitor_and_tokens_are_checked(server: Desk) -> None:
    first = start(server)
    second = start(server, visitor_token=first["visitor_token"])
    assert second["visitor_token"].split(".")[0] == first["visitor_token"].split(".")[0]
    client = server.client(headers=ORIGIN)
    refused = client.get("/api/v1/chat/sessions/forged-token-value")
    assert_problem(refused, 404)
    assert refused.headers["access-control-allow-origin"] == "*"  # the widget can read it
    tampered = first["chat_token"][:-3] + "abc"
    assert_problem(
        client.post(f"/api/v1/chat/sessions/{tampered}/messages", json={"body": "x"}), 404
    )
    preflight = client.options(
        "/api/v1/chat/sessions", headers={"Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert client.get(f"/widget/chat/{tampered}/stream").status_code == 404
    script = client.get("/widget/chat.js", follow_redirects=True)
    assert script.status_code == 200 and "EventSource" in script.text
