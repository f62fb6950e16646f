"""Signing in: passwords, login sessions, API tokens, login rate limiting, magic links."""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Row, Table, delete, event, func, select, update
from sqlalchemy.orm import Session

from csops.clock import now
from csops.domains.accounts import schemas
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import (
    ApiToken,
    Customer,
    LoginAttempt,
    LoginSession,
    MagicLink,
    PrincipalKind,
    Team,
    User,
    team_members,
)
from csops.domains.accounts.secrets import digest, new_token, verify_password
from csops.domains.accounts.service import find_customer, find_user, require_admin
from csops.errors import Invalid, NotFound, RateLimited, Unauthenticated

TOKEN_PREFIX = "csops"  # noqa: S105 (a label, not a secret)


@dataclass(frozen=True)
class NewSession:
    cookie_value: str
    csrf_token: str


# Rate limiting -------------------------------------------------------------------------


def check_login_allowed(
    session: Session, *, keys: Sequence[str], max_attempts: int, window_seconds: int
) -> None:
    since = now() - timedelta(seconds=window_seconds)
    for key in keys:
        failures = session.scalar(
            select(func.count(LoginAttempt.id)).where(
                LoginAttempt.key == key, LoginAttempt.at >= since
            )
        )
        if (failures or 0) >= max_attempts:
            raise RateLimited("too many failed logins; try again later")


def record_login_failure(session: Session, *, keys: Sequence[str]) -> None:
    for key in keys:
        session.add(LoginAttempt(key=key))
    session.flush()


def clear_login_failures(session: Session, *, keys: Sequence[str]) -> None:
    session.execute(delete(LoginAttempt).where(LoginAttempt.key.in_(list(keys))))


def authenticate_user(session: Session, *, email: str, password: str) -> User:
    user = find_user(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        raise Unauthenticated("invalid email or password")
    return user


def authenticate_customer(session: Session, *, email: str, password: str) -> Customer:
    customer = find_customer(session, email)
    ok = verify_password(customer.password_hash if customer else None, password)
    if customer is None or not ok:
        raise Unauthenticated("invalid email or password")
    return customer


# Sessions ------------------------------------------------------------------------------


def start_session(
    session: Session, *, kind: PrincipalKind, principal_id: int, hours: int
) -> NewSession:
    raw = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24)
    session.add(
        LoginSession(
            id=digest(raw),
            principal_kind=kind,
            principal_id=principal_id,
            csrf_token=csrf,
            expires_at=now() + timedelta(hours=hours),
        )
    )
    session.flush()
    return NewSession(cookie_value=raw, csrf_token=csrf)


def load_session(session: Session, *, cookie_value: str) -> LoginSession | None:
    row = session.get(LoginSession, digest(cookie_value))
    if row is None or row.expires_at <= now():
        return None
    return row


def end_session(session: Session, *, cookie_value: str) -> None:
    session.execute(delete(LoginSession).where(LoginSession.id == digest(cookie_value)))


def actor_for_session(session: Session, row: LoginSession) -> Actor | None:
    if row.principal_kind == PrincipalKind.user:
        user = session.get(User, row.principal_id)
        return Actor.for_user(user) if user is not None and user.is_active else None
    customer = session.get(Customer, row.principal_id)
    return Actor.for_customer(customer) if customer is not None else None


# API tokens ----------------------------------------------------------------------------


def create_token(
    session: Session, *, user: User, data: schemas.TokenCreate, actor: Actor
) -> tuple[ApiToken, str]:
    """Returns the row and the token itself, which is never stored and never shown again."""
    if actor.id != user.id:
        require_admin(actor)
    if "admin" in data.scopes and user.role.value != "admin":
        raise Invalid("only an admin's token may carry the admin scope")
    raw = new_token(TOKEN_PREFIX)
    token = ApiToken(
        user_id=user.id,
        name=data.name,
        prefix=raw[: len(TOKEN_PREFIX) + 7],
        token_hash=digest(raw),
        scopes=sorted(set(data.scopes)),
    )
    session.add(token)
    session.flush()
    return token, raw


# Token checks are cached in-process for TOKEN_CACHE_SECONDS: token hash -> Actor snapshot.
# Bound: a revoked token, a deactivated user or a changed role or team stops (or starts)
# counting within TOKEN_CACHE_SECONDS in every process. In this process it is immediate when
# the change goes through the ORM (revoke_token, user/team/token updates clear the cache).
TOKEN_CACHE_SECONDS = 5.0
LAST_USED_EVERY = timedelta(seconds=60)
_token_cache: dict[str, tuple[float, Actor]] = {}


def forget_cached_tokens() -> None:
    _token_cache.clear()


def cached_token_actor(raw: str) -> Actor | None:
    """The Actor of a token checked less than TOKEN_CACHE_SECONDS ago, with no I/O."""
    entry = _token_cache.get(digest(raw))
    if entry is None or entry[0] < time.monotonic():
        return None
    return entry[1]


def _token_rows(session: Session, token_hash: str) -> Sequence[Row[Any]]:
    """The token, its user and the user's team ids: one query (a row per team)."""
    return session.execute(
        select(
            ApiToken.id.label("token_id"),
            ApiToken.scopes,
            ApiToken.revoked_at,
            ApiToken.last_used_at,
            User.id.label("user_id"),
            User.name,
            User.role,
            User.locale,
            User.is_active,
            team_members.c.team_id,
        )
        .join(User, User.id == ApiToken.user_id)
        .outerjoin(team_members, team_members.c.user_id == User.id)
        .where(ApiToken.token_hash == token_hash)
    ).all()


def authenticate_token(session: Session, *, raw: str) -> Actor:
    cached = cached_token_actor(raw)
    if cached is not None:
        return cached
    token_hash = digest(raw)
    rows = _token_rows(session, token_hash)
    first = rows[0] if rows else None
    if first is None or first.revoked_at is not None or not first.is_active:
        _token_cache.pop(token_hash, None)
        raise Unauthenticated("invalid or revoked API token")
    stamp = now()
    if first.last_used_at is None or stamp - first.last_used_at > LAST_USED_EVERY:
        # At most once a minute. A Core UPDATE: through the ORM it would fire the change
        # events below and empty the whole token cache each time.
        tokens = cast(Table, ApiToken.__table__)
        session.execute(
            update(tokens).where(tokens.c.id == first.token_id).values(last_used_at=stamp)
        )
    actor = Actor(
        kind="user",
        id=first.user_id,
        name=first.name,
        role=first.role,
        team_ids=frozenset(row.team_id for row in rows if row.team_id is not None),
        scopes=frozenset(first.scopes),
        locale=first.locale,
    )
    _token_cache[token_hash] = (time.monotonic() + TOKEN_CACHE_SECONDS, actor)
    return actor


def _forget_on_change(*_args: Any) -> None:
    forget_cached_tokens()


for _model in (ApiToken, User, Team):
    for _event in ("after_insert", "after_update", "after_delete"):
        event.listen(_model, _event, _forget_on_change)


def list_tokens(
    session: Session, *, actor: Actor, user_id: int | None = None
) -> Sequence[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.created_at.desc())
    if not actor.is_admin:
        query = query.where(ApiToken.user_id == actor.id)
    elif user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return session.scalars(query).all()


def revoke_token(session: Session, *, token_id: int, actor: Actor) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or (token.user_id != actor.id and not actor.is_admin):
        raise NotFound(f"token {token_id} not found")
    if token.revoked_at is None:
        token.revoked_at = now()
    session.flush()
    forget_cached_tokens()
    return token


# Magic links (sent by email once the channels domain exists) ---------------------------


def create_magic_link(session: Session, *, customer: Customer, minutes: int = 15) -> str:
    raw = secrets.token_urlsafe(32)
    session.add(
        MagicLink(
            customer_id=customer.id,
            token_hash=digest(raw),
            expires_at=now() + timedelta(minutes=minutes),
        )
    )
    session.flush()
    return raw


def redeem_magic_link(session: Session, *, raw: str) -> Customer:
    link = session.scalar(select(MagicLink).where(MagicLink.token_hash == digest(raw)))
    if link is None or link.used_at is not None or link.expires_at <= now():
        raise Unauthenticated("this sign-in link is invalid, used or expired")
    link.used_at = now()
    customer = session.get(Customer, link.customer_id)
    if customer is None:
        raise Unauthenticated("this sign-in link is invalid")
    session.flush()
    return customer
