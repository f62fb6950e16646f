"""Policy conditions against tickets built in memory (no database)."""

from __future__ import annotations

import pytest

from csops.domains.accounts.models import Organization, Tier
from csops.domains.sla.policies import is_internal, matches
from csops.domains.sla.schemas import Conditions
from csops.domains.tickets.models import Channel, Priority, Ticket, TicketType


def ticket(**kw: object) -> Ticket:
    values: dict[str, object] = {
        "priority": Priority.normal,
        "type": TicketType.question,
        "channel": Channel.email,
        "tags": [],
        "custom_fields": {},
        "service_id": None,
        "organization_id": None,
        "organization": None,
    }
    values.update(kw)
    return Ticket(**values)


def test_empty_conditions_match_everything() -> None:
    assert matches(Conditions(), ticket())


@pytest.mark.parametrize(
    ("conditions", "fits", "misses"),
    [
        ({"priorities": ["urgent"]}, {"priority": Priority.urgent}, {}),
        ({"types": ["complaint"]}, {"type": TicketType.complaint}, {}),
        ({"channels": ["chat", "phone"]}, {"channel": Channel.chat}, {}),
        ({"service_ids": [7]}, {"service_id": 7}, {"service_id": 8}),
        ({"request_types": ["access"]}, {"custom_fields": {"request_type": "access"}}, {}),
        ({"request_types": ["access"]}, {"tags": ["access"]}, {"tags": ["billing"]}),
    ],
)
def test_each_condition(
    conditions: dict[str, object], fits: dict[str, object], misses: dict[str, object]
) -> None:
    parsed = Conditions.model_validate(conditions)
    assert matches(parsed, ticket(**fits))
    assert not matches(parsed, ticket(**misses))


def test_tier_comes_from_the_organization() -> None:
    gold = Organization(name="Gold", tier=Tier.enterprise)
    parsed = Conditions(tiers=[Tier.enterprise])
    assert matches(parsed, ticket(organization=gold))
    assert not matches(parsed, ticket())


def test_internal_requests() -> None:
    assert is_internal(ticket(tags=["internal"]))
    assert is_internal(ticket(custom_fields={"request_type": "internal-it"}))
    assert is_internal(ticket(custom_fields={"internal": True}))
    assert not is_internal(ticket())
    only_internal = Conditions(internal=True)
    assert matches(only_internal, ticket(tags=["internal"]))
    assert not matches(only_internal, ticket())
    assert matches(Conditions(internal=False), ticket())
