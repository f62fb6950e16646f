"""Rank the likely causes of a spike: alerts and changes near it, explained in words.

A candidate's score multiplies three factors:
- time: changes must precede the spike start (a deploy 2 minutes before scores near 1, one
  hours before decays with a half-life of ``half_life_minutes``); alerts may fire
  shortly before or after the start;
- kind: alerts weigh 0.6 of a change: they corroborate a problem more than they cause it;
- service: same service 1.0, a service the affected one depends on 0.6, unrelated 0.15;
- cohort: for canary/gray releases, the overlap between the cohort (region, app version,
  percentage) and the complaining customers' attributes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SAME, DEPENDENT, UNRELATED = 1.0, 0.6, 0.15


@dataclass(frozen=True)
class Candidate:
    kind: str  # "change" or "alert"
    ref: str
    service: str | None
    at: float  # change start / alert start, epoch seconds
    title: str = ""
    change_kind: str | None = None  # deploy, config, flag, canary
    cohort: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RankedCause:
    candidate: Candidate
    score: float
    explanation: str


def _time_factor(cand: Candidate, start: float, half_life_min: float) -> tuple[float, str]:
    delta_min = (start - cand.at) / 60.0
    if cand.kind == "change":
        if delta_min < -5:
            return 0.0, "started after the complaints began"
        lag = max(delta_min, 0.0)
        return 0.5 ** (lag / half_life_min), f"started {lag:.0f} min before the complaints"
    if delta_min >= 0:
        return 0.5 ** (delta_min / (2 * half_life_min)), f"firing {delta_min:.0f} min before"
    after = -delta_min
    if after > 30:
        return 0.0, "fired long after the complaints began"
    return 0.8 * 0.5 ** (after / 15.0), f"fired {after:.0f} min after the complaints began"


def _service_factor(
    cand: Candidate, service: str | None, depends_on: Mapping[str, Sequence[str]]
) -> tuple[float, str]:
    if service is None or cand.service is None:
        return 0.4, "service unknown"
    if cand.service == service:
        return SAME, f"on the affected service {service}"
    if cand.service in depends_on.get(service, ()):
        return DEPENDENT, f"on {cand.service}, which {service} depends on"
    return UNRELATED, f"on an unrelated service {cand.service}"


def cohort_overlap(cohort: Mapping[str, Any], customers: Sequence[Mapping[str, Any]]) -> float:
    """Share of complaining customers inside the canary cohort, against its rollout share."""
    if not cohort or not customers:
        return 1.0
    attrs = {k: v for k, v in cohort.items() if k not in ("percentage", "percent")}
    inside = 0
    for cust in customers:
        if all(_matches(cust.get(k), v) for k, v in attrs.items()):
            inside += 1
    share = inside / len(customers)
    pct = float(cohort.get("percentage", cohort.get("percent", 100.0)) or 100.0) / 100.0
    if not attrs:
        return min(1.0, 0.5 + pct / 2)
    # Lift of the cohort among complainers, squashed to 0..1: 1.0 when all complainers are in.
    return share if pct >= 1.0 else min(1.0, share * (1.0 + (1.0 - pct)))


def _matches(value: Any, wanted: Any) -> bool:
    if value is None:
        return False
    if isinstance(wanted, list | tuple | set):
        return str(value) in {str(w) for w in wanted}
    return str(value) == str(wanted)


def rank_causes(
    candidates: Sequence[Candidate],
    *,
    start: float,
    service: str | None,
    customers: Sequence[Mapping[str, Any]] = (),
    depends_on: Mapping[str, Sequence[str]] | None = None,
    half_life_minutes: float = 60.0,
) -> list[RankedCause]:
    deps = depends_on or {}
    ranked: list[RankedCause] = []
    for cand in candidates:
        t_score, t_why = _time_factor(cand, start, half_life_minutes)
        if t_score <= 0:
            continue
        s_score, s_why = _service_factor(cand, service, deps)
        c_score, c_why = 1.0, ""
        if cand.cohort:
            c_score = 0.2 + 0.8 * cohort_overlap(cand.cohort, customers)
            c_why = f", cohort matches {c_score:.0%} of the complaining customers"
        kind_weight = 1.0 if cand.kind == "change" else 0.6
        score = t_score * s_score * c_score * kind_weight
        what = cand.change_kind or cand.kind
        explanation = f"{what} {cand.title or cand.ref} {s_why}, {t_why}{c_why}"
        ranked.append(RankedCause(cand, round(score, 4), explanation))
    ranked.sort(key=lambda r: (-r.score, -r.candidate.at))
    return ranked


def explain(ranked: Sequence[RankedCause], limit: int = 3) -> str:
    if not ranked:
        return "No alert or change found near the start of the complaints."
    parts = [f"{i}. {r.explanation} (score {r.score:.2f})" for i, r in enumerate(ranked[:limit], 1)]
    return " ".join(parts)
