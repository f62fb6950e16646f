"""create_app(): the composition root. Wires settings, storage, middleware, routers, worker."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from csops import __version__, i18n
from csops.config import Settings, get_settings
from csops.db import make_engine
from csops.jobs import registry
from csops.jobs.worker import Worker
from csops.observability.logging import configure_logging
from csops.observability.metrics import MetricsMiddleware
from csops.schema import ensure_current
from csops.web import api, problems, system, ui
from csops.web.guards import InputGuard, SecurityHeaders
from csops.web.templating import make_templates, render
from csops.web.ui.common import LoginRequired

log = logging.getLogger("csops.web")
STATIC_DIR = Path(__file__).parent / "static"


def _error_page_factory(app: FastAPI) -> object:
    def error_page(request: Request, status: int, detail: str) -> HTMLResponse:
        with i18n.use_locale(i18n.negotiate(request.headers.get("accept-language"))):
            return render(
                app.state.templates,
                request,
                "base/error.html",
                {"status": status, "detail": detail},
                status_code=status,
            )

    return error_page


def create_app(
    settings: Settings | None = None,
    engine: Engine | None = None,
    *,
    run_worker: bool = False,
    check_schema: bool = True,
) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_format, settings.log_level)
    engine = engine or make_engine(settings.resolved_database_url, pool_size=settings.db_pool_size)
    if check_schema:
        ensure_current(engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = None
        if run_worker:
            registry.autodiscover()
            worker = Worker(engine)
            _thread, stop = worker.start_in_thread()
            log.info("embedded job worker started")
        yield
        if worker is not None:
            stop.set()
            _thread.join(timeout=10)

    app = FastAPI(
        title="csops",
        version=__version__,
        summary="The service desk that joins customer service to DevOps",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        swagger_ui_oauth2_redirect_url="/api/docs/oauth2-redirect",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.templates = make_templates()
    problems.install(app, html_error=_error_page_factory(app))
    app.add_middleware(
        InputGuard, max_bytes=settings.max_request_bytes, max_json_depth=settings.max_json_depth
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(MetricsMiddleware)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(system.router)
    app.include_router(ui.status_router)
    app.include_router(api.router)
    app.include_router(ui.router)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=204, headers={"HX-Redirect": exc.location})
        return RedirectResponse(exc.location, status_code=303)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/inbox", status_code=303)

    return app
