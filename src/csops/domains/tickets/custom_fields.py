"""Custom ticket fields: definitions and validation of the values a ticket carries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.domains.accounts.actor import Actor
from csops.domains.tickets.models import CustomField, CustomFieldType
from csops.domains.tickets.schemas import CustomFieldCreate
from csops.errors import Conflict, Invalid, PermissionDenied


def definitions(session: Session) -> Sequence[CustomField]:
    return session.scalars(select(CustomField).order_by(CustomField.label)).all()


def create_definition(session: Session, *, data: CustomFieldCreate, actor: Actor) -> CustomField:
    """Admins define the extra fields tickets may carry; a choice field needs its choices."""
    if not actor.is_admin:
        raise PermissionDenied("only an admin may define custom fields")
    if data.field_type == CustomFieldType.choice and not data.choices:
        raise Invalid("a choice field needs at least one choice")
    if session.scalar(select(CustomField.id).where(CustomField.key == data.key)) is not None:
        raise Conflict(f"a custom field with key {data.key!r} already exists")
    field = CustomField(
        key=data.key,
        label=data.label,
        field_type=data.field_type,
        choices=list(dict.fromkeys(data.choices))
        if data.field_type == CustomFieldType.choice
        else [],
    )
    session.add(field)
    session.flush()
    return field


def _coerce(field: CustomField, value: Any) -> Any:
    if value is None:
        return None
    kind = field.field_type
    if kind == CustomFieldType.text and isinstance(value, str) and len(value) <= 2000:
        return value
    if (
        kind == CustomFieldType.number
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        return value
    if kind == CustomFieldType.checkbox and isinstance(value, bool):
        return value
    if kind == CustomFieldType.choice and value in field.choices:
        return value
    if kind == CustomFieldType.date and isinstance(value, str):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise Invalid(f"custom field {field.key!r} expects a {kind.value} value")


def validate_custom_fields(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    if not values:
        return {}
    known = {field.key: field for field in definitions(session)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise Invalid(f"unknown custom fields: {', '.join(unknown)}")
    return {key: _coerce(known[key], value) for key, value in values.items()}
