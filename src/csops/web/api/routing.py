"""The route class of every /api/v1 router: a NUL escaped in a JSON body is refused up front.

PostgreSQL cannot store NUL in text while SQLite can; refusing it before any route runs
makes both databases answer alike (422). Values the database refuses anyway (an integer
over 64 bits, an out-of-range number) are mapped to 422 app-wide in csops.web.problems.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from csops.errors import Invalid

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
            return await handler(request)

        return guarded
