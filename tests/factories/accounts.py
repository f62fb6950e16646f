"""factory_boy factories for accounts. Bound to the test's Session by the `factories` fixture."""

from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory

from csops.domains.accounts.models import Customer, Organization, Role, Service, Team, Tier, User
from csops.domains.accounts.secrets import hash_password

PASSWORD = "correct horse battery"
PASSWORD_HASH = hash_password(PASSWORD)


class Base(SQLAlchemyModelFactory):  # type: ignore[misc]
    class Meta:
        abstract = True
        sqlalchemy_session_persistence = "flush"


class OrganizationFactory(Base):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Org {n}")
    domain = factory.Sequence(lambda n: f"org{n}.example")
    tier = Tier.standard


class CustomerFactory(Base):
    class Meta:
        model = Customer

    email = factory.Sequence(lambda n: f"customer{n}@mail.example")
    name = factory.Sequence(lambda n: f"Customer {n}")
    password_hash = PASSWORD_HASH


class TeamFactory(Base):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@csops.example")
    name = factory.Sequence(lambda n: f"User {n}")
    role = Role.agent
    password_hash = PASSWORD_HASH


class ServiceFactory(Base):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
