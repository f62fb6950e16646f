"""The route class of every /api/v1 router: values the database cannot store are 422s.

Validation bounds most input, but not every integer field has an upper bound and not
every text field refuses NUL. SQLite cannot bind an integer over 64 bits (OverflowError)
and PostgreSQL refuses NUL in text or an out-of-range number (DataError). Either way the
transaction is already rolled back; the caller gets a 422 problem, never a 500.
A NUL escaped in a JSON body is refused up front, so both databases answer alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.exc import DataError

from csops.errors import Invalid

UNSTORABLE = "a value is out of range, or holds a character that cannot be stored (such as NUL)"
ESCAPED_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")  # \u0000 not itself escaped


async def _check_body(request: Request) -> None:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        if ESCAPED_NUL.search(await request.body()):
            raise Invalid("text may not contain NUL characters")


class ApiRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            if request.method in ("POST", "PUT", "PATCH"):
                await _check_body(request)
            try:
                return await handler(request)
            except (DataError, OverflowError) as exc:
                raise Invalid(UNSTORABLE) from exc

        return guarded
