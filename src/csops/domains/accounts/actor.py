"""Who is acting: the one value every service receives to decide what may be seen and done."""

from __future__ import annotations

from dataclasses import dataclass, field

from csops.domains.accounts.models import Customer, Role, User


@dataclass(frozen=True)
class Actor:
    kind: str  # "user" | "customer" | "system"
    id: int | None = None
    name: str = "csops"
    role: Role | None = None
    team_ids: frozenset[int] = field(default_factory=frozenset)
    organization_id: int | None = None
    is_org_admin: bool = False
    scopes: frozenset[str] | None = None  # None: a browser session, every scope of the role
    locale: str = "en"

    @classmethod
    def for_user(cls, user: User, scopes: frozenset[str] | None = None) -> Actor:
        return cls(
            kind="user",
            id=user.id,
            name=user.name,
            role=user.role,
            team_ids=frozenset(team.id for team in user.teams),
            scopes=scopes,
            locale=user.locale,
        )

    @classmethod
    def for_customer(cls, customer: Customer) -> Actor:
        return cls(
            kind="customer",
            id=customer.id,
            name=customer.name,
            organization_id=customer.organization_id,
            is_org_admin=customer.is_org_admin,
            locale=customer.locale,
        )

    @classmethod
    def system(cls) -> Actor:
        return cls(kind="system")

    @property
    def is_staff(self) -> bool:
        return self.kind in ("user", "system")

    @property
    def is_customer(self) -> bool:
        return self.kind == "customer"

    @property
    def sees_all_tickets(self) -> bool:
        return self.kind == "system" or self.role in (Role.manager, Role.admin)

    @property
    def is_admin(self) -> bool:
        return self.kind == "system" or self.role == Role.admin

    def has_scope(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes
