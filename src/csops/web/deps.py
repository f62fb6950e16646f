"""Request-scoped dependencies: the database session, settings, and who is asking."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar
from weakref import WeakKeyDictionary

from anyio import CapacityLimiter
from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool
from starlette.concurrency import run_in_threadpool

from csops.config import Settings
from csops.db import session_factory
from csops.domains.accounts import auth
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import LoginSession
from csops.errors import NotFound, PermissionDenied, Unauthenticated

T = TypeVar("T")
SESSION_COOKIE = "csops_session"
CSRF_HEADER = "x-csrf-token"


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _commit(session: Session) -> None:
    try:
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _rollback(session: Session) -> None:
    try:
        session.rollback()
    finally:
        session.close()


def _pending(session: Session) -> bool:
    return session.in_transaction() or bool(session.new or session.dirty or session.deleted)


_limiters: WeakKeyDictionary[Engine, CapacityLimiter] = WeakKeyDictionary()


def _db_limiter(engine: Engine) -> CapacityLimiter:
    """As many request sessions at once as the engine has connections (SQLite: one).
    More would only queue inside the pool, on a lock, in threads each waking the next
    through the GIL (and a request holding the connection between two trips to the
    thread pool could wait on threads that wait on it). Waiting here costs nothing."""
    limiter = _limiters.get(engine)
    if limiter is None:
        size = engine.pool.size() if isinstance(engine.pool, QueuePool) else 8
        limiter = _limiters[engine] = CapacityLimiter(max(1, size))
    return limiter


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request, committed before the response is sent.

    The session connects on first use, so opening it costs no trip to the thread pool; a
    route that ends with `commit_with` has committed in its own trip, and nothing is left
    to do here. Otherwise the commit (or the rollback on an error) runs in the pool.
    """
    engine = get_engine(request)
    limiter, borrower = _db_limiter(engine), object()
    await limiter.acquire_on_behalf_of(borrower)
    try:
        session = session_factory(engine)()
        try:
            yield session
        except BaseException:
            if _pending(session):
                await run_in_threadpool(_rollback, session)
            else:
                session.close()
            raise
        if _pending(session):
            await run_in_threadpool(_commit, session)
        else:
            session.close()
    finally:
        limiter.release_on_behalf_of(borrower)


async def commit_with(session: Session, work: Callable[[], T]) -> T:
    """Runs a route's work and then the request's commit in one trip to the thread pool
    (one transaction per request still: the work, then the commit, else the rollback)."""

    def run() -> T:
        result = work()
        session.commit()
        return result

    return await run_in_threadpool(run)


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


@dataclass(frozen=True)
class Principal:
    actor: Actor
    login: LoginSession | None  # None when authenticated by an API token

    @property
    def csrf_token(self) -> str:
        return self.login.csrf_token if self.login else ""


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _cookie_principal(session: Session, cookie: str) -> Principal | None:
    login = auth.load_session(session, cookie_value=cookie)
    if login is None:
        return None
    actor = auth.actor_for_session(session, login)
    return Principal(actor=actor, login=login) if actor is not None else None


async def optional_principal(request: Request, session: SessionDep) -> Principal | None:
    """A recently checked API token answers from memory (see auth.TOKEN_CACHE_SECONDS);
    anything else is read in the thread pool."""
    token = _bearer(request)
    if token is not None:
        actor = auth.cached_token_actor(token)
        if actor is None:
            actor = await run_in_threadpool(auth.authenticate_token, session, raw=token)
        return Principal(actor=actor, login=None)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    return await run_in_threadpool(_cookie_principal, session, cookie)


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


def check_csrf(request: Request, principal: Principal, form_token: str | None = None) -> None:
    """Cookie-authenticated writes must echo the session's CSRF token (header or form field)."""
    if principal.login is None or request.method in ("GET", "HEAD", "OPTIONS"):
        return
    sent = request.headers.get(CSRF_HEADER) or form_token or ""
    if not hmac.compare_digest(sent, principal.login.csrf_token):
        raise PermissionDenied("missing or wrong CSRF token; reload the page and try again")


# Dependencies that do no I/O are `async def`: FastAPI then runs them on the event loop
# instead of handing each one to the thread pool and back (a round trip per dependency
# per request, which under load cost more than the ticket insert itself).


async def require_principal(request: Request, principal: OptionalPrincipal) -> Principal:
    if principal is None:
        raise Unauthenticated("sign in or send an API token")
    return principal


PrincipalDep = Annotated[Principal, Depends(require_principal)]


async def api_actor(request: Request, principal: PrincipalDep) -> Actor:
    """Any signed-in actor, for the JSON API (CSRF header required with a cookie)."""
    check_csrf(request, principal)
    return principal.actor


ActorDep = Annotated[Actor, Depends(api_actor)]


async def staff_actor(actor: ActorDep) -> Actor:
    if not actor.is_staff:
        raise NotFound("not found")
    return actor


StaffDep = Annotated[Actor, Depends(staff_actor)]


async def admin_actor(actor: StaffDep) -> Actor:
    if not actor.is_admin:
        raise PermissionDenied("only an admin may do this")
    return actor


AdminDep = Annotated[Actor, Depends(admin_actor)]
