"""The demo's story, planned before anything is written: when each ticket arrives and what
happens to it. Pure functions of a seeded `random.Random`, so `--seed` reproduces a demo.

Arrivals: the last 90 days, busier in recent weeks, quieter at weekends and at night, with
two incident bursts (a Payments API outage and an SSO outage). Each ticket then lives a
plausible life (triage, replies, questions back to the customer, internal notes, solve,
close four days later); steps that would fall after "now" are cut, so old tickets are
mostly closed and recent ones new, open or pending.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from csops.demo import catalog, replies, texts
from csops.demo.catalog import CustomerSpec, ServiceSpec, StaffSpec
from csops.demo.samples import Samples
from csops.domains.accounts.models import Role, Tier
from csops.domains.tickets.models import Channel, Priority, Status, TicketType

DAYS = 90
WEEKDAY = (1.2, 1.15, 1.1, 1.05, 0.95, 0.45, 0.4)
HOURS = (
    0.2, 0.15, 0.1, 0.1, 0.15, 0.3, 0.6, 1.0, 1.4, 1.6, 1.7, 1.6,
    1.5, 1.6, 1.6, 1.5, 1.3, 1.1, 0.9, 0.7, 0.5, 0.4, 0.3, 0.25,
)  # fmt: skip
CHANNELS = (Channel.email, Channel.portal, Channel.web, Channel.api, Channel.chat, Channel.phone)
CHANNEL_WEIGHTS = (45, 25, 10, 5, 10, 5)
FIRST_REPLY_HOURS = {
    Priority.urgent: 0.5,
    Priority.high: 2.0,
    Priority.normal: 6.0,
    Priority.low: 16.0,
}
SOLVE_HOURS = {Priority.urgent: 6.0, Priority.high: 16.0, Priority.normal: 30.0, Priority.low: 60.0}
CUSTOMER_REPLY_HOURS = 18.0
CLOSE_AFTER = timedelta(days=4)
TAGS = {
    "payments-api": ("api", "webhooks", "declines", "latency"),
    "checkout": ("checkout", "3ds", "promo", "wallets"),
    "billing": ("invoice", "refund", "plan-change", "vat"),
    "login-sso": ("sso", "2fa", "password", "lockout"),
    "notifications": ("email", "sms", "push"),
    "status-page": ("status-page",),
    "mobile-app": ("ios", "android", "crash", "ux"),
    "search": ("search", "performance"),
    "reporting": ("reports", "dashboard"),
    "data-export": ("export", "sftp", "gdpr"),
}
GENERAL_TAGS = ("bug", "how-to", "feature-request", "integration", "follow-up")


@dataclass(frozen=True)
class Incident:
    service: str
    days_ago: int
    hour: int
    hours: float
    share: float
    subjects: tuple[str, ...]
    body: str


INCIDENTS = (
    Incident(
        "payments-api", 12, 14, 4.0, 0.025,
        ("Payments failing with 502", "Checkout down? Payments not going through",
         "Urgent: API errors on /v1/charges", "All card payments failing"),
        "Since about {time} every payment attempt fails with 502 Bad Gateway. Our shop is"
        " effectively down. Is there an outage?",
    ),
    Incident(
        "login-sso", 41, 8, 3.0, 0.012,
        ("Cannot log in via SSO", "SSO broken for our whole company", "Login loop after SSO"),
        "Nobody in our team can sign in this morning; after the identity provider we land"
        " back on the login page. Started around {time}.",
    ),
)  # fmt: skip


@dataclass
class Step:
    at: datetime
    kind: str  # assign | reply | note | customer | close
    by: StaffSpec | None = None
    text: str = ""
    status: Status | None = None


@dataclass
class TicketPlan:
    created_at: datetime
    customer: CustomerSpec
    service: ServiceSpec | None
    subject: str
    description: str
    priority: Priority
    type: TicketType
    channel: Channel
    tags: list[str]
    steps: list[Step] = field(default_factory=list)
    incident: Incident | None = None
    assignee: StaffSpec | None = None  # routed on arrival when someone will work it


def _hours(rng: random.Random, median: float, sigma: float = 0.9) -> timedelta:
    return timedelta(hours=median * math.exp(rng.gauss(0, sigma)))


def arrivals(
    rng: random.Random, count: int, now: datetime
) -> list[tuple[datetime, Incident | None]]:
    """`count` creation times over the last 90 days (sorted), some inside incident bursts."""
    start = (now - timedelta(days=DAYS)).replace(hour=0, minute=0, second=0, microsecond=0)
    out: list[tuple[datetime, Incident | None]] = []
    for incident in INCIDENTS:
        begin = (now - timedelta(days=incident.days_ago)).replace(hour=incident.hour, minute=0)
        for _ in range(round(count * incident.share)):
            at = begin + timedelta(hours=incident.hours * rng.betavariate(1.2, 3))
            out.append((min(at, now - timedelta(minutes=5)), incident))
    days = [start + timedelta(days=d) for d in range(DAYS + 1)]
    weights = [(0.5 + 0.5 * d / DAYS) * WEEKDAY[day.weekday()] for d, day in enumerate(days)]
    while len(out) < count:
        day = rng.choices(days, weights)[0]
        at = day + timedelta(hours=rng.choices(range(24), HOURS)[0], seconds=rng.randint(0, 3599))
        if start < at < now - timedelta(minutes=5):
            out.append((at, None))
    out.sort(key=lambda item: item[0])
    return out


def _priority(rng: random.Random, tier: Tier | None) -> Priority:
    urgent = {Tier.enterprise: 12, Tier.premium: 8}.get(tier or Tier.free, 4)
    return rng.choices(list(Priority), (20, 50, 22, urgent))[0]


def _type(rng: random.Random, service: ServiceSpec | None) -> TicketType:
    if service is None:
        return rng.choice((TicketType.question, TicketType.request))
    if service.slug in ("billing", "data-export", "reporting"):
        return rng.choices(list(TicketType), (35, 35, 15, 15))[0]
    return rng.choices(list(TicketType), (30, 15, 10, 45))[0]


def _tags(rng: random.Random, service: ServiceSpec | None, tier: Tier | None) -> list[str]:
    pool = TAGS.get(service.slug, ()) if service else ()
    tags = rng.sample(pool, k=min(len(pool), rng.choice((0, 1, 1, 2)))) if pool else []
    if rng.random() < 0.3:
        tags.append(rng.choice(GENERAL_TAGS))
    if tier == Tier.enterprise and rng.random() < 0.5:
        tags.append("vip")
    return list(dict.fromkeys(tags))


def _text(
    rng: random.Random,
    service: ServiceSpec | None,
    customer: CustomerSpec,
    samples: Samples,
    ttype: TicketType,
) -> tuple[str, str]:
    first = customer.name.split()[0]
    if service is not None and customer.org is None and rng.random() < 0.6:
        sample = samples.question(rng, service.slug)
        if sample is not None:
            return sample
    if ttype == TicketType.complaint and service is not None and rng.random() < 0.4:
        complaint = samples.complaint(rng)
        if complaint is not None:
            return complaint
    return texts.compose(rng, service.slug if service else None, first)


class Planner:
    """Plans every ticket of one demo; knows the cast, the samples and "now"."""

    def __init__(
        self, rng: random.Random, now: datetime, customers: list[CustomerSpec], samples: Samples
    ) -> None:
        self.rng = rng
        self.now = now
        self.customers = customers
        self.samples = samples
        self.tiers = {org.name: org.tier for org in catalog.ORGANIZATIONS}
        self.services = {s.slug: s for s in catalog.SERVICES}
        self.staff = [s for s in catalog.STAFF if s.role in (Role.agent, Role.engineer)]

    def plan_all(self, count: int) -> list[TicketPlan]:
        return [self.plan(at, incident) for at, incident in arrivals(self.rng, count, self.now)]

    def plan(self, created_at: datetime, incident: Incident | None) -> TicketPlan:
        rng = self.rng
        customer = rng.choice(self.customers)
        tier = self.tiers.get(customer.org or "")
        if incident is not None:
            service: ServiceSpec | None = self.services[incident.service]
        elif rng.random() < 0.05:
            service = None
        else:
            service = rng.choices(catalog.SERVICES, [s.weight for s in catalog.SERVICES])[0]
        ttype = TicketType.problem if incident else _type(rng, service)
        if incident is not None:
            slots = texts.details(rng)
            subject = rng.choice(incident.subjects)
            description = incident.body.format(**slots) + "\n\n" + customer.name.split()[0]
            priority = rng.choice((Priority.high, Priority.urgent))
        else:
            subject, description = _text(rng, service, customer, self.samples, ttype)
            priority = _priority(rng, tier)
        tags = _tags(rng, service, tier) + (["incident"] if incident else [])
        plan = TicketPlan(
            created_at=created_at,
            customer=customer,
            service=service,
            subject=subject,
            description=description,
            priority=priority,
            type=ttype,
            channel=rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0],
            tags=list(dict.fromkeys(tags)),
            incident=incident,
        )
        steps = self._life(plan)
        cutoff = self.now - timedelta(minutes=2)
        plan.steps = steps[: next((i for i, s in enumerate(steps) if s.at >= cutoff), len(steps))]
        if not plan.steps:
            plan.assignee = None  # nobody has looked at it yet
        return plan

    def _team_staff(self, service: ServiceSpec | None, role: Role) -> list[StaffSpec]:
        people = [s for s in self.staff if s.role == role]
        if service is None:
            return people
        return [s for s in people if service.team in s.teams] or people

    def _life(self, plan: TicketPlan) -> list[Step]:
        """The steps of a ticket's life, in time order (later ones may be cut)."""
        rng = self.rng
        agent = rng.choice(self._team_staff(plan.service, Role.agent))
        engineer = rng.choice(self._team_staff(plan.service, Role.engineer))
        team = plan.service.team if plan.service else "support"
        first = plan.customer.name.split()[0]
        slug = plan.service.slug if plan.service else None
        slots = {**texts.details(rng), "ticket": str(rng.randint(1000, 9999))}
        t = plan.created_at + max(
            timedelta(minutes=3), _hours(rng, FIRST_REPLY_HOURS[plan.priority])
        )
        steps: list[Step] = []
        if plan.channel == Channel.portal or rng.random() < 0.3:  # picked, not routed
            steps.append(Step(t - timedelta(minutes=1), "assign", agent))
        else:
            plan.assignee = agent

        def reply(kind: str, status: Status | None) -> Step:
            text = replies.agent_reply(
                rng, kind=kind, service=slug, customer=first, agent=agent.name, team=team
            )
            return Step(t, "reply", agent, text, status)

        stuck = rng.random() < 0.04
        solve_in = _hours(rng, SOLVE_HOURS[plan.priority])
        if plan.incident is not None:
            solve_in = timedelta(hours=plan.incident.hours + rng.uniform(0.5, 3))
        simple = plan.type in (TicketType.question, TicketType.request)
        if rng.random() < 0.2 and plan.incident is None:
            steps.append(reply("ask", Status.pending))
            t += _hours(rng, CUSTOMER_REPLY_HOURS, 1.2)
            steps.append(
                Step(t, "customer", text=replies.customer_reply(rng, kind="follow-up", slots=slots))
            )
        elif rng.random() < (0.6 if simple else 0.3) and plan.incident is None and not stuck:
            steps.append(reply("fix", Status.solved))
            return self._after_solve(steps, t, plan, agent, slots)
        else:
            steps.append(reply("ack", Status.open))
        if rng.random() < (0.35 if plan.type == TicketType.problem else 0.1):
            t += solve_in * rng.uniform(0.2, 0.6)
            hold = (
                Status.on_hold if plan.type == TicketType.problem and rng.random() < 0.2 else None
            )
            steps.append(Step(t, "note", engineer, replies.internal_note(rng, slots=slots), hold))
        if stuck:
            return steps
        t += solve_in
        steps.append(reply("fix", Status.solved))
        return self._after_solve(steps, t, plan, agent, slots)

    def _after_solve(
        self,
        steps: list[Step],
        t: datetime,
        plan: TicketPlan,
        agent: StaffSpec,
        slots: dict[str, str],
    ) -> list[Step]:
        rng = self.rng
        if rng.random() < 0.06:
            t += _hours(rng, 20.0, 0.6)
            steps.append(
                Step(t, "customer", text=replies.customer_reply(rng, kind="reopen", slots=slots))
            )
            t += _hours(rng, SOLVE_HOURS[plan.priority])
            text = replies.agent_reply(
                rng,
                kind="fix",
                service=plan.service.slug if plan.service else None,
                customer=plan.customer.name.split()[0],
                agent=agent.name,
                team="support",
            )
            steps.append(Step(t, "reply", agent, text, Status.solved))
        steps.append(Step(t + CLOSE_AFTER, "close"))
        return steps
