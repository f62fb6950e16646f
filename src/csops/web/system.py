"""Operational endpoints: liveness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from csops.db import session_scope
from csops.domains.tickets.stats import tickets_by_channel
from csops.jobs.runtime import stats
from csops.observability.metrics import render

router = APIRouter(include_in_schema=False)


@router.get("/health")
def health(request: Request) -> JSONResponse:
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


@router.get("/metrics")
def metrics(request: Request) -> Response:
    with session_scope(request.app.state.engine) as session:
        counts = stats(session)
        tickets = tickets_by_channel(session)
    body, content_type = render(counts, tickets)
    return Response(body, media_type=content_type)
