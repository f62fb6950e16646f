"""Use cases for organizations, customers, users, teams and services."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from csops.domains.accounts import schemas
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import (
    Customer,
    LoginSession,
    Organization,
    PrincipalKind,
    Role,
    Service,
    Team,
    User,
)
from csops.domains.accounts.secrets import MIN_PASSWORD_LENGTH, hash_password, verify_password
from csops.errors import Conflict, Invalid, NotFound, PermissionDenied

_T = TypeVar("_T")


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise PermissionDenied("only an admin may do this")


def require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise NotFound("not found")


def _flush_unique(session: Session, what: str) -> None:
    """A duplicate name or email is a Conflict; the caller's transaction must then roll back."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(f"{what} already exists") from exc


def _get(session: Session, model: type[_T], ident: int, what: str) -> _T:
    row = session.get(model, ident)
    if row is None:
        raise NotFound(f"{what} {ident} not found")
    return row


# Organizations -------------------------------------------------------------------------


def create_organization(
    session: Session, *, data: schemas.OrganizationCreate, actor: Actor
) -> Organization:
    require_admin(actor)
    org = Organization(**data.model_dump())
    session.add(org)
    _flush_unique(session, f"organization {data.name!r}")
    return org


def update_organization(
    session: Session, *, org_id: int, data: schemas.OrganizationUpdate, actor: Actor
) -> Organization:
    require_admin(actor)
    org = _get(session, Organization, org_id, "organization")
    for key, value in data.model_dump(exclude_unset=True).items():
        setattr(org, key, value)
    _flush_unique(session, "organization")
    return org


def get_organization(session: Session, *, org_id: int, actor: Actor) -> Organization:
    require_staff(actor)
    return _get(session, Organization, org_id, "organization")


def list_organizations(session: Session, *, actor: Actor) -> Sequence[Organization]:
    require_staff(actor)
    return session.scalars(select(Organization).order_by(Organization.name)).all()


# Customers -----------------------------------------------------------------------------


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_customer(session: Session, email: str) -> Customer | None:
    return session.scalar(select(Customer).where(Customer.email == normalize_email(email)))


def _organization_for_email(session: Session, email: str) -> int | None:
    domain = email.rsplit("@", 1)[-1]
    return session.scalar(select(Organization.id).where(Organization.domain == domain).limit(1))


def get_or_create_customer(session: Session, *, email: str, name: str | None) -> Customer:
    """An unknown requester becomes a customer, joined to the organization owning their domain."""
    email = normalize_email(email)
    customer = find_customer(session, email)
    if customer is not None:
        return customer
    display = (name or "").strip() or email.split("@", 1)[0]
    customer = Customer(
        email=email, name=display[:200], organization_id=_organization_for_email(session, email)
    )
    session.add(customer)
    session.flush()
    return customer


def create_customer(session: Session, *, data: schemas.CustomerCreate, actor: Actor) -> Customer:
    require_staff(actor)
    if data.organization_id is not None:
        _get(session, Organization, data.organization_id, "organization")
    values = data.model_dump()
    values["email"] = normalize_email(values["email"])
    customer = Customer(**values)
    session.add(customer)
    _flush_unique(session, f"customer {customer.email!r}")
    return customer


def update_customer(
    session: Session, *, customer_id: int, data: schemas.CustomerUpdate, actor: Actor
) -> Customer:
    require_staff(actor)
    customer = _get(session, Customer, customer_id, "customer")
    values = data.model_dump(exclude_unset=True)
    if values.get("organization_id") is not None:
        _get(session, Organization, values["organization_id"], "organization")
    for key, value in values.items():
        setattr(customer, key, value)
    session.flush()
    return customer


def get_customer(session: Session, *, customer_id: int, actor: Actor) -> Customer:
    if actor.is_customer and actor.id != customer_id:
        raise NotFound(f"customer {customer_id} not found")
    return _get(session, Customer, customer_id, "customer")


def list_customers(
    session: Session,
    *,
    actor: Actor,
    email: str | None = None,
    q: str | None = None,
    after_id: int | None = None,
    limit: int = 50,
) -> Sequence[Customer]:
    """Customers by id, narrowed by exact email or a case-insensitive part of email or name."""
    require_staff(actor)
    query = select(Customer).order_by(Customer.id).limit(limit)
    if email:
        query = query.where(Customer.email == normalize_email(email))
    if q:
        needle = q.strip().lower()
        query = query.where(
            or_(
                func.lower(Customer.email).contains(needle, autoescape=True),
                func.lower(Customer.name).contains(needle, autoescape=True),
            )
        )
    if after_id is not None:
        query = query.where(Customer.id > after_id)
    return session.scalars(query).all()


def set_customer_password(session: Session, *, customer: Customer, password: str) -> None:
    _check_password(password)
    customer.password_hash = hash_password(password)
    _revoke_sessions(session, PrincipalKind.customer, customer.id)
    session.flush()


# Users ---------------------------------------------------------------------------------


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def _teams(session: Session, ids: Sequence[int]) -> list[Team]:
    teams = list(session.scalars(select(Team).where(Team.id.in_(ids))).all()) if ids else []
    missing = set(ids) - {team.id for team in teams}
    if missing:
        raise Invalid(f"unknown team ids: {sorted(missing)}")
    return teams


def create_user(session: Session, *, data: schemas.UserCreate, actor: Actor) -> User:
    require_admin(actor)
    if data.password is not None:
        _check_password(data.password)
    user = User(
        email=normalize_email(data.email),
        name=data.name,
        role=data.role,
        password_hash=hash_password(data.password) if data.password else None,
        locale=data.locale,
        timezone=data.timezone,
    )
    user.teams = _teams(session, data.team_ids)
    session.add(user)
    _flush_unique(session, f"user {user.email!r}")
    return user


def update_user(session: Session, *, user_id: int, data: schemas.UserUpdate, actor: Actor) -> User:
    values = data.model_dump(exclude_unset=True)
    privileged = {"role", "is_active", "team_ids"} & values.keys()
    if privileged or actor.id != user_id:
        require_admin(actor)
    user = _get(session, User, user_id, "user")
    if "team_ids" in values:
        user.teams = _teams(session, values.pop("team_ids") or [])
    for key, value in values.items():
        setattr(user, key, value)
    if values.get("is_active") is False:
        _revoke_sessions(session, PrincipalKind.user, user.id)
    session.flush()
    return user


def change_user_password(
    session: Session, *, user: User, current: str | None, new: str, actor: Actor
) -> None:
    """Sets a new password and signs out every session of that user."""
    if actor.id != user.id:
        require_admin(actor)
    elif not verify_password(user.password_hash, current or ""):
        raise Invalid("the current password is wrong")
    _check_password(new)
    user.password_hash = hash_password(new)
    _revoke_sessions(session, PrincipalKind.user, user.id)
    session.flush()


def _revoke_sessions(session: Session, kind: PrincipalKind, principal_id: int) -> None:
    session.execute(
        delete(LoginSession).where(
            LoginSession.principal_kind == kind, LoginSession.principal_id == principal_id
        )
    )


def get_user(session: Session, *, user_id: int, actor: Actor) -> User:
    require_staff(actor)
    return _get(session, User, user_id, "user")


def list_users(session: Session, *, actor: Actor) -> Sequence[User]:
    require_staff(actor)
    return session.scalars(select(User).order_by(User.name)).all()


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalize_email(email)))


def user_out(user: User) -> schemas.UserOut:
    out = schemas.UserOut.model_validate(user)
    out.team_ids = sorted(team.id for team in user.teams)
    return out


# Teams and services --------------------------------------------------------------------


def _users(session: Session, ids: Sequence[int]) -> list[User]:
    users = list(session.scalars(select(User).where(User.id.in_(ids))).all()) if ids else []
    missing = set(ids) - {user.id for user in users}
    if missing:
        raise Invalid(f"unknown user ids: {sorted(missing)}")
    return users


def create_team(session: Session, *, data: schemas.TeamCreate, actor: Actor) -> Team:
    require_admin(actor)
    team = Team(name=data.name, description=data.description)
    team.members = _users(session, data.member_ids)
    session.add(team)
    _flush_unique(session, f"team {data.name!r}")
    return team


def update_team(session: Session, *, team_id: int, data: schemas.TeamUpdate, actor: Actor) -> Team:
    require_admin(actor)
    team = _get(session, Team, team_id, "team")
    values = data.model_dump(exclude_unset=True)
    if "member_ids" in values:
        team.members = _users(session, values.pop("member_ids") or [])
    for key, value in values.items():
        setattr(team, key, value)
    _flush_unique(session, "team")
    return team


def list_teams(session: Session, *, actor: Actor) -> Sequence[Team]:
    require_staff(actor)
    return session.scalars(select(Team).order_by(Team.name)).all()


def team_out(team: Team) -> schemas.TeamOut:
    out = schemas.TeamOut.model_validate(team)
    out.member_ids = sorted(user.id for user in team.members)
    return out


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:100] or "service"


def create_service(session: Session, *, data: schemas.ServiceCreate, actor: Actor) -> Service:
    require_admin(actor)
    if data.owning_team_id is not None:
        _get(session, Team, data.owning_team_id, "team")
    service = Service(
        name=data.name,
        slug=data.slug or slugify(data.name),
        description=data.description,
        owning_team_id=data.owning_team_id,
    )
    session.add(service)
    _flush_unique(session, f"service {data.name!r}")
    return service


def update_service(
    session: Session, *, service_id: int, data: schemas.ServiceUpdate, actor: Actor
) -> Service:
    require_admin(actor)
    service = _get(session, Service, service_id, "service")
    values = data.model_dump(exclude_unset=True)
    if values.get("owning_team_id") is not None:
        _get(session, Team, values["owning_team_id"], "team")
    for key, value in values.items():
        setattr(service, key, value)
    _flush_unique(session, "service")
    return service


def list_services(session: Session, *, actor: Actor) -> Sequence[Service]:
    return session.scalars(select(Service).order_by(Service.name)).all()


def find_service(session: Session, ref: str | int) -> Service | None:
    """A service by id, slug or name (API clients send whichever they know)."""
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        return session.get(Service, int(ref))
    return session.scalar(
        select(Service).where((Service.slug == ref) | (func.lower(Service.name) == ref.lower()))
    )


def count_users(session: Session, role: Role | None = None) -> int:
    query = select(func.count(User.id))
    if role is not None:
        query = query.where(User.role == role)
    return session.scalar(query) or 0
