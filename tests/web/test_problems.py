"""Database refusals and concurrent writes map to problems app-wide, never to a 500."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.exc import DataError
from sqlalchemy.orm.exc import StaleDataError

from csops.web import problems
from tests.web.conftest import _serve


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    app = FastAPI()
    problems.install(app)

    @app.get("/data-error")
    def data_error() -> None:
        raise DataError("INSERT", {}, Exception("value out of range"))

    @app.get("/overflow")
    def overflow() -> None:
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    @app.get("/stale")
    def stale() -> None:
        raise StaleDataError("UPDATE statement on table 'tickets' expected to update 1 row")

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("bug")

    server, thread, port = _serve(app)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.parametrize(
    ("path", "status"), [("/data-error", 422), ("/overflow", 422), ("/stale", 409), ("/boom", 500)]
)
def test_mapped_to_problem_json(url: str, path: str, status: int) -> None:
    response = httpx.get(url + path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == status
    assert "bug" not in response.text  # no internals leak
