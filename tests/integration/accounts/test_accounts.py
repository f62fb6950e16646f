from __future__ import annotations

import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from csops.clock import frozen, now
from csops.domains.accounts import auth, schemas, service
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import ApiToken, PrincipalKind, Role
from csops.errors import Conflict, Invalid, NotFound, PermissionDenied, RateLimited, Unauthenticated
from tests.factories.accounts import PASSWORD

SYSTEM = Actor.system()


def test_create_user_with_teams_and_duplicate_email(
    db: Session, factories: SimpleNamespace
) -> None:
    team = factories.team()
    data = schemas.UserCreate(
        email="Ana@Example.com",
        name="Ana",
        role=Role.engineer,
        password="long enough",
        team_ids=[team.id],
    )
    user = service.create_user(db, data=data, actor=SYSTEM)
    assert user.email == "ana@example.com" and [t.id for t in user.teams] == [team.id]
    with pytest.raises(Invalid):
        service.create_user(
            db,
            data=schemas.UserCreate(email="b@example.com", name="B", team_ids=[999999]),
            actor=SYSTEM,
        )
    with pytest.raises(Conflict):
        service.create_user(db, data=data, actor=SYSTEM)


def test_only_admins_manage_users(db: Session, factories: SimpleNamespace) -> None:
    agent = Actor.for_user(factories.user(role=Role.agent))
    with pytest.raises(PermissionDenied):
        service.create_user(
            db, data=schemas.UserCreate(email="c@example.com", name="C"), actor=agent
        )
    customer = Actor.for_customer(factories.customer())
    with pytest.raises(NotFound):
        service.list_users(db, actor=customer)


def test_password_login_and_change_revokes_sessions(
    db: Session, factories: SimpleNamespace
) -> None:
    user = factories.user()
    assert auth.authenticate_user(db, email=user.email.upper(), password=PASSWORD).id == user.id
    with pytest.raises(Unauthenticated):
        auth.authenticate_user(db, email=user.email, password="wrong password")
    with pytest.raises(Unauthenticated):
        auth.authenticate_user(db, email="nobody@example.com", password=PASSWORD)
    started = auth.start_session(db, kind=PrincipalKind.user, principal_id=user.id, hours=1)
    assert auth.load_session(db, cookie_value=started.cookie_value) is not None
    actor = Actor.for_user(user)
    with pytest.raises(Invalid):
        service.change_user_password(
            db, user=user, current="wrong", new="new password 1", actor=actor
        )
    service.change_user_password(db, user=user, current=PASSWORD, new="new password 1", actor=actor)
    assert auth.load_session(db, cookie_value=started.cookie_value) is None
    assert auth.authenticate_user(db, email=user.email, password="new password 1").id == user.id


def test_sessions_expire(db: Session, factories: SimpleNamespace) -> None:
    user = factories.user()
    started = auth.start_session(db, kind=PrincipalKind.user, principal_id=user.id, hours=1)
    with frozen(now() + timedelta(hours=2)):
        assert auth.load_session(db, cookie_value=started.cookie_value) is None


def test_token_is_hashed_scoped_and_revocable(db: Session, factories: SimpleNamespace) -> None:
    user = factories.user(role=Role.agent)
    actor = Actor.for_user(user)
    row, raw = auth.create_token(
        db, user=user, data=schemas.TokenCreate(name="ci", scopes=["tickets:read"]), actor=actor
    )
    assert raw not in row.token_hash and raw.startswith(row.prefix)
    token_actor = auth.authenticate_token(db, raw=raw)
    assert token_actor.has_scope("tickets:read") and not token_actor.has_scope("tickets:write")
    db.flush()
    assert auth.cached_token_actor(raw) is not None  # recording last use keeps the cache
    db.refresh(row)
    assert row.last_used_at is not None
    with pytest.raises(Invalid):
        auth.create_token(
            db, user=user, data=schemas.TokenCreate(name="x", scopes=["admin"]), actor=actor
        )
    auth.revoke_token(db, token_id=row.id, actor=actor)
    with pytest.raises(Unauthenticated):
        auth.authenticate_token(db, raw=raw)
    other = Actor.for_user(factories.user())
    with pytest.raises(NotFound):
        auth.revoke_token(db, token_id=row.id, actor=other)


def test_login_rate_limit(db: Session) -> None:
    keys = ["email:x@example.com", "ip:127.0.0.9"]
    for _ in range(3):
        auth.check_login_allowed(db, keys=keys, max_attempts=3, window_seconds=60)
        auth.record_login_failure(db, keys=keys)
    with pytest.raises(RateLimited):
        auth.check_login_allowed(db, keys=keys, max_attempts=3, window_seconds=60)
    with frozen(now() + timedelta(seconds=120)):
        auth.check_login_allowed(db, keys=keys, max_attempts=3, window_seconds=60)
    auth.clear_login_failures(db, keys=keys)
    auth.check_login_allowed(db, keys=keys, max_attempts=3, window_seconds=60)


def test_magic_link_single_use_and_expiry(db: Session, factories: SimpleNamespace) -> None:
    customer = factories.customer()
    raw = auth.create_magic_link(db, customer=customer)
    assert auth.redeem_magic_link(db, raw=raw).id == customer.id
    with pytest.raises(Unauthenticated):
        auth.redeem_magic_link(db, raw=raw)
    expired = auth.create_magic_link(db, customer=customer, minutes=5)
    with frozen(now() + timedelta(minutes=6)), pytest.raises(Unauthenticated):
        auth.redeem_magic_link(db, raw=expired)


def test_service_lookup_by_slug_name_or_id(db: Session, factories: SimpleNamespace) -> None:
    team = factories.team()
    svc = service.create_service(
        db, data=schemas.ServiceCreate(name="Payments API", owning_team_id=team.id), actor=SYSTEM
    )
    assert svc.slug == "payments-api"
    assert service.find_service(db, "payments-api") is svc
    assert service.find_service(db, "PAYMENTS api") is svc
    assert service.find_service(db, str(svc.id)) is svc


def test_team_members_must_exist(db: Session, factories: SimpleNamespace) -> None:
    user = factories.user()
    team = service.create_team(
        db, data=schemas.TeamCreate(name="Ops", member_ids=[user.id]), actor=SYSTEM
    )
    assert [u.id for u in team.members] == [user.id]
    with pytest.raises(Invalid):
        service.update_team(
            db, team_id=team.id, data=schemas.TeamUpdate(member_ids=[999_999]), actor=SYSTEM
        )
    with pytest.raises(Invalid):
        service.create_team(
            db, data=schemas.TeamCreate(name="Ghosts", member_ids=[999_999]), actor=SYSTEM
        )


def test_token_cache_bounds_revocation_elsewhere(
    db: Session, factories: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process revoking a token is seen here within TOKEN_CACHE_SECONDS; this
    process's own revocations and role changes clear the cache at once."""
    user = factories.user(role=Role.agent)
    row, raw = auth.create_token(db, user=user, data=schemas.TokenCreate(name="t"), actor=SYSTEM)
    auth.forget_cached_tokens()
    assert auth.authenticate_token(db, raw=raw).id == user.id
    assert auth.cached_token_actor(raw) is not None
    # A revocation written by another process (no ORM event here): still cached ...
    db.connection().execute(
        update(ApiToken.__table__).where(ApiToken.__table__.c.id == row.id).values(revoked_at=now())
    )
    assert auth.cached_token_actor(raw) is not None
    # ... until the cache entry's lifetime has passed.
    later = time.monotonic() + auth.TOKEN_CACHE_SECONDS + 0.1
    monkeypatch.setattr(auth.time, "monotonic", lambda: later)
    assert auth.cached_token_actor(raw) is None
    db.expire_all()
    with pytest.raises(Unauthenticated):
        auth.authenticate_token(db, raw=raw)


def test_role_change_in_this_process_clears_the_token_cache(
    db: Session, factories: SimpleNamespace
) -> None:
    user = factories.user(role=Role.agent)
    _row, raw = auth.create_token(db, user=user, data=schemas.TokenCreate(name="t"), actor=SYSTEM)
    auth.authenticate_token(db, raw=raw)
    assert auth.cached_token_actor(raw) is not None
    service.update_user(
        db, user_id=user.id, data=schemas.UserUpdate(role=Role.manager), actor=SYSTEM
    )
    assert auth.cached_token_actor(raw) is None
    assert auth.authenticate_token(db, raw=raw).role == Role.manager
