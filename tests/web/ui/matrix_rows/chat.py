"""UI matrix rows of live chat: the widget's files and its stream are public (the stream is
bound to a signed chat token); the staff list of chats is for staff."""

from __future__ import annotations

from typing import Any

from tests.web.matrix_plugins import Rows

STREAM = "/widget/chat/{chat_token}/stream"


def prepare(world: Any) -> None:
    with world.desk.client() as client:
        response = client.post("/api/v1/chat/sessions", json={"message": "Matrix chat"})
    assert response.status_code == 201, response.text
    world.ids["chat_token"] = response.json()["chat_token"]


ROWS = Rows(
    expect={
        ("GET", "/widget/chat.js"): " ".join(["307"] * 7),
        ("GET", "/widget/chat.css"): " ".join(["307"] * 7),
        ("GET", STREAM): " ".join(["200"] * 7),
        ("GET", "/chats"): "L L L 200 200 200 200",
    },
    prepare=prepare,
    streams={("GET", STREAM)},
)
