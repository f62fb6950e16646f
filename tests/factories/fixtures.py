"""Fixtures binding factories to the test session, and ready-made actors."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from sqlalchemy.orm import Session

from tests.factories import accounts

ALL = [
    accounts.OrganizationFactory,
    accounts.CustomerFactory,
    accounts.TeamFactory,
    accounts.UserFactory,
    accounts.ServiceFactory,
]


@pytest.fixture
def factories(db: Session) -> Iterator[SimpleNamespace]:
    for factory_class in ALL:
        factory_class._meta.sqlalchemy_session = db
    yield SimpleNamespace(
        org=accounts.OrganizationFactory,
        customer=accounts.CustomerFactory,
        team=accounts.TeamFactory,
        user=accounts.UserFactory,
        service=accounts.ServiceFactory,
    )
    for factory_class in ALL:
        factory_class._meta.sqlalchemy_session = None
