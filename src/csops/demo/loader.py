"""Writes the demo through the services, as a real team's history would have been written.

Every ticket, reply, note and status change goes through `create_ticket`, `add_message`
and `update_ticket` under `clock.frozen(at)`, so events, messages, search documents and
timestamps carry their historical times. Tickets are committed 200 to a transaction.

One shortcut: staff accounts share one argon2 hash of the demo password, computed once
(hashing it 17 times would cost about two seconds and prove nothing).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from csops import clock
from csops.db import session_scope
from csops.demo import catalog, samples
from csops.demo.areas import load_areas, settle_history
from csops.demo.catalog import DEMO_PASSWORD
from csops.demo.plan import Planner, Step, TicketPlan
from csops.domains.accounts import schemas as acc
from csops.domains.accounts import service as accounts
from csops.domains.accounts.actor import Actor
from csops.domains.accounts.models import Customer, Role
from csops.domains.accounts.secrets import hash_password
from csops.domains.kb import service as kb
from csops.domains.kb.schemas import MacroActions, MacroCreate
from csops.domains.live import service as live
from csops.domains.tickets import service as tickets
from csops.domains.tickets import thread, views
from csops.domains.tickets.models import Priority, Status
from csops.domains.tickets.schemas import MessageCreate, RequesterIn, TicketCreate, TicketUpdate

BATCH = 200
SYSTEM = Actor.system()


@dataclass
class DemoResult:
    organizations: int = 0
    customers: int = 0
    teams: int = 0
    services: int = 0
    users: int = 0
    tickets: int = 0
    messages: int = 0
    macros: int = 0
    views: int = 0
    seconds: float = 0.0
    samples_source: Path | None = None
    staff_logins: list[tuple[str, str]] = field(default_factory=list)  # (role, email)
    areas: list[str] = field(default_factory=list)  # the areas whose demo data was loaded
    portal_logins: list[tuple[str, str]] = field(default_factory=list)  # (who, email)
    status_counts: dict[str, int] = field(default_factory=dict)


@dataclass
class Cast:
    staff: dict[str, tuple[int, Actor]] = field(default_factory=dict)  # email -> (id, actor)
    customers: dict[str, Actor] = field(default_factory=dict)  # email -> actor
    admin: Actor = SYSTEM


class DemoLoader:
    def __init__(
        self,
        engine: Engine,
        *,
        tickets: int = 3000,
        customers: int = 300,
        seed: int = 42,
        sample_dir: Path | None = None,
        use_samples: bool = True,
    ) -> None:
        self.engine = engine
        self.ticket_count = tickets
        self.customer_count = customers
        self.rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
        self.samples = samples.load(sample_dir) if use_samples else samples.Samples()
        self.result = DemoResult(samples_source=self.samples.source)
        self.cast = Cast()

    def run(self, on_ticket: Callable[[int], None] | None = None) -> DemoResult:
        started = time.perf_counter()
        now = clock.now()
        people = catalog.make_customers(self.rng, self.customer_count)
        with session_scope(self.engine) as session, clock.frozen(now - timedelta(days=120)):
            self._cast(session, people)
        plans = Planner(self.rng, now, people, self.samples).plan_all(self.ticket_count)
        for start in range(0, len(plans), BATCH):
            with session_scope(self.engine) as session:
                staff = accounts.list_users(session, actor=SYSTEM)  # held: identity-map hits
                for plan in plans[start : start + BATCH]:
                    self._ticket(session, plan)
                    if on_ticket is not None:
                        on_ticket(1)
                del staff
        self.result.areas = load_areas(self.engine, now=now, rng=self.rng)
        settle_history(self.engine)
        with session_scope(self.engine) as session:
            live.prune(session)  # the demo's "something changed" feed is history, not news
        self.result.tickets = len(plans)
        self.result.messages = sum(
            1 + sum(s.kind in ("reply", "note", "customer") for s in p.steps) for p in plans
        )
        self.result.seconds = time.perf_counter() - started
        return self.result

    # The cast -------------------------------------------------------------------------

    def _cast(self, session: Session, people: list[catalog.CustomerSpec]) -> None:
        orgs = {}
        for spec in catalog.ORGANIZATIONS:
            data = acc.OrganizationCreate(
                name=spec.name, domain=spec.domain, tier=spec.tier, notes=spec.notes
            )
            orgs[spec.name] = accounts.create_organization(session, data=data, actor=SYSTEM).id
        teams = {}
        for team in catalog.TEAMS:
            data_t = acc.TeamCreate(name=team.name, description=team.description)
            teams[team.name] = accounts.create_team(session, data=data_t, actor=SYSTEM).id
        self._staff(session, teams)
        for svc in catalog.SERVICES:
            data_s = acc.ServiceCreate(
                name=svc.name, slug=svc.slug, description=svc.description,
                owning_team_id=teams[svc.team],
            )  # fmt: skip
            accounts.create_service(session, data=data_s, actor=SYSTEM)
        for person in people:
            data_c = acc.CustomerCreate(
                email=person.email,
                name=person.name,
                organization_id=orgs.get(person.org or ""),
                is_org_admin=person.is_org_admin,
            )
            customer = accounts.create_customer(session, data=data_c, actor=SYSTEM)
            self.cast.customers[person.email] = Actor.for_customer(customer)
        self._portal_logins(session, people)
        self._macros_and_views(session)
        self.result.organizations = len(orgs)
        self.result.teams = len(teams)
        self.result.services = len(catalog.SERVICES)
        self.result.customers = len(people)

    def _staff(self, session: Session, teams: dict[str, int]) -> None:
        shared_hash = hash_password(DEMO_PASSWORD)
        for spec in catalog.STAFF:
            data = acc.UserCreate(
                email=spec.email,
                name=spec.name,
                role=spec.role,
                team_ids=[teams[name] for name in spec.teams],
            )
            user = accounts.create_user(session, data=data, actor=SYSTEM)
            user.password_hash = shared_hash
            actor = Actor.for_user(user)
            self.cast.staff[spec.email] = (user.id, actor)
            if spec.role == Role.admin:
                self.cast.admin = actor
        session.flush()
        self.result.users = len(catalog.STAFF)
        shown: dict[Role, str] = {}
        for spec in catalog.STAFF:
            shown.setdefault(spec.role, spec.email)
        self.result.staff_logins = [(role.value, email) for role, email in shown.items()]

    def _portal_logins(self, session: Session, people: list[catalog.CustomerSpec]) -> None:
        picks = [
            ("organization admin", next(p for p in people if p.is_org_admin)),
            ("customer", next(p for p in people if p.org and not p.is_org_admin)),
            ("consumer", next((p for p in people if p.org is None), people[-1])),
        ]
        for who, person in picks:
            customer = accounts.find_customer(session, person.email)
            if isinstance(customer, Customer):
                accounts.set_customer_password(session, customer=customer, password=DEMO_PASSWORD)
                self.result.portal_logins.append((who, person.email))

    def _macros_and_views(self, session: Session) -> None:
        for spec in catalog.MACROS:
            data = MacroCreate(
                name=spec.name,
                body=spec.body,
                public=spec.public,
                actions=MacroActions.model_validate(spec.actions),
            )
            kb.create_macro(session, data=data, actor=self.cast.admin)
        self.result.macros = len(catalog.MACROS)
        payments = accounts.find_service(session, "payments-api")
        saved = [
            (
                "Urgent payments",
                views.TicketFilters(
                    priority=[Priority.urgent, Priority.high],
                    service_id=payments.id if payments else None,
                    status=["unsolved"],
                ),
                "-created_at",
            ),
            ("Waiting on customer", views.TicketFilters(status=[Status.pending]), "updated_at"),
            (
                "Incident follow-ups",
                views.TicketFilters(tag=["incident"], status=["unsolved"]),
                "-updated_at",
            ),
        ]
        for name, filters, sort in saved:
            views.save_view(
                session, name=name, filters=filters, sort=sort, actor=self.cast.admin, shared=True
            )
        self.result.views = len(saved)

    # Tickets --------------------------------------------------------------------------

    def _ticket(self, session: Session, plan: TicketPlan) -> None:
        customer = self.cast.customers[plan.customer.email]
        data = TicketCreate(
            subject=plan.subject,
            description=plan.description,
            requester=RequesterIn(email=plan.customer.email, name=plan.customer.name),
            priority=plan.priority,
            type=plan.type,
            service=plan.service.slug if plan.service else None,
            tags=plan.tags,
            channel=plan.channel,
            assignee_id=self.cast.staff[plan.assignee.email][0] if plan.assignee else None,
        )
        author = customer if plan.channel.value == "portal" else SYSTEM
        # Every service flushes what it wrote before it returns, except the "something
        # changed" row of the live feed; without autoflush that row rides along with the
        # next explicit flush instead of costing a flush of its own (about 10 % of the run).
        # The feed is pruned at the end anyway: the demo's history is not news.
        with session.no_autoflush:
            with clock.frozen(plan.created_at):
                ticket = tickets.create_ticket(session, data=data, actor=author)
            for step in plan.steps:
                with clock.frozen(step.at):
                    self._step(session, ticket.id, step, customer)
        self.result.status_counts[ticket.status.value] = (
            self.result.status_counts.get(ticket.status.value, 0) + 1
        )

    def _step(self, session: Session, ticket_id: int, step: Step, customer: Actor) -> None:
        if step.kind == "close":
            update = TicketUpdate(status=Status.closed)
            tickets.update_ticket(session, ticket_id=ticket_id, data=update, actor=SYSTEM)
            return
        if step.kind == "customer":
            data = MessageCreate(body=step.text)
            thread.add_message(session, ticket_id=ticket_id, data=data, actor=customer)
            return
        assert step.by is not None  # noqa: S101 (plans give staff steps a person)
        user_id, actor = self.cast.staff[step.by.email]
        if step.kind == "assign":
            update = TicketUpdate(assignee_id=user_id)
            tickets.update_ticket(session, ticket_id=ticket_id, data=update, actor=actor)
            return
        data = MessageCreate(body=step.text, public=step.kind == "reply", status=step.status)
        thread.add_message(session, ticket_id=ticket_id, data=data, actor=actor)
