"""Levels from answers: pure functions over the model, no database.

A capability is at level L when every practice of levels 2..L is in place; below that it
is at level 1 (initial). "Partly" counts as half in the completion figures but never
reaches a level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from csops.domains.maturity.model import LEVELS, Capability, MaturityModel, Practice


class Answer(StrEnum):
    not_in_place = "not_in_place"
    partly = "partly"
    in_place = "in_place"


WEIGHT = {Answer.not_in_place: 0.0, Answer.partly: 0.5, Answer.in_place: 1.0}


@dataclass(frozen=True)
class CapabilityScore:
    capability: str
    level: int
    # Share of each level's practices in place (partly = half), 0..1.
    completion: dict[int, float]
    # The practices that keep the capability from its next level (empty at level 5).
    blockers: tuple[Practice, ...]

    @property
    def next_level(self) -> int | None:
        return self.level + 1 if self.level < LEVELS[-1] else None


def capability_score(capability: Capability, answers: Mapping[str, Answer]) -> CapabilityScore:
    level = 1
    reached = True
    completion: dict[int, float] = {}
    blockers: tuple[Practice, ...] = ()
    for lvl in capability.levels:
        got = [WEIGHT[answers.get(p.id, Answer.not_in_place)] for p in lvl.practices]
        completion[lvl.number] = sum(got) / len(got) if got else 1.0
        missing = tuple(
            p for p in lvl.practices if answers.get(p.id, Answer.not_in_place) != Answer.in_place
        )
        if reached and not missing:
            level = lvl.number
        elif reached:
            reached = False
            blockers = missing
    return CapabilityScore(capability.id, level, completion, blockers)


def profile(model: MaturityModel, answers: Mapping[str, Answer]) -> dict[str, CapabilityScore]:
    """Score of every capability, in the model's order."""
    return {c.id: capability_score(c, answers) for c in model.capabilities}


def overall(scores: Mapping[str, CapabilityScore]) -> int:
    """The overall level: the weakest capability's (a chain is as strong as its weakest link)."""
    return min((s.level for s in scores.values()), default=1)


def delta(
    current: Mapping[str, CapabilityScore], previous: Mapping[str, CapabilityScore] | None
) -> dict[str, int]:
    """Level change per capability since `previous` (0 when there is none)."""
    if previous is None:
        return dict.fromkeys(current, 0)
    return {
        cid: s.level - (previous[cid].level if cid in previous else 1) for cid, s in current.items()
    }
