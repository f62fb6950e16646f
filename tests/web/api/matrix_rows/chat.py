"""API matrix rows: the live-chat widget's routes are public and bound to a signed chat
token, so every kind of caller gets the same answer."""

from __future__ import annotations

from typing import Any

from tests.web.matrix_plugins import Rows

C = "/api/v1/chat/sessions"
ALL = {code: " ".join([code] * 7) for code in ("200", "201", "204")}


def prepare(world: Any) -> None:
    response = world.clients["anon"].post(C, json={"message": "Matrix chat"})
    assert response.status_code == 201, response.text
    world.ids["chat_token"] = response.json()["chat_token"]


ROWS = Rows(
    expect={
        ("OPTIONS", C): ALL["204"],
        ("OPTIONS", C + "/{chat_token}"): ALL["204"],
        ("OPTIONS", C + "/{chat_token}/messages"): ALL["204"],
        ("OPTIONS", C + "/{chat_token}/followup"): ALL["204"],
        ("POST", C): ALL["201"],
        ("GET", C + "/{chat_token}"): ALL["200"],
        ("POST", C + "/{chat_token}/messages"): ALL["201"],
        ("POST", C + "/{chat_token}/followup"): ALL["200"],
    },
    bodies={
        ("POST", C): lambda w: {"message": "Hello from the matrix", "name": "M"},
        ("POST", C + "/{chat_token}/messages"): lambda w: {"body": "Still there?"},
        ("POST", C + "/{chat_token}/followup"): lambda w: {"email": "matrix-chat@visitor.example"},
    },
    prepare=prepare,
)
