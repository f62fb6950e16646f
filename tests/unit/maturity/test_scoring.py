"""Levels, overall level, deltas and blockers from answers."""

from __future__ import annotations

from csops.domains.maturity.model import load
from csops.domains.maturity.scoring import Answer, capability_score, delta, overall, profile

MODEL = load()
ORG = MODEL.capabilities[0]


def all_in_place(*levels: int) -> dict[str, Answer]:
    return {p.id: Answer.in_place for p in MODEL.practices if p.level in levels}


def test_nothing_in_place_is_level_one_blocked_by_every_level_two_practice() -> None:
    score = capability_score(ORG, {})
    assert score.level == 1
    assert [p.id for p in score.blockers] == ["ORG-2.1", "ORG-2.2", "ORG-2.3", "ORG-2.4"]
    assert score.completion == {2: 0.0, 3: 0.0, 4: 0.0, 5: 0.0}


def test_a_level_needs_every_practice_of_it_and_below() -> None:
    answers = all_in_place(2, 3)
    assert capability_score(ORG, answers).level == 3
    answers["ORG-2.2"] = Answer.partly
    score = capability_score(ORG, answers)
    assert score.level == 1
    assert [p.id for p in score.blockers] == ["ORG-2.2"]
    assert score.completion[2] == 0.875
    assert score.completion[3] == 1.0


def test_higher_levels_do_not_count_when_a_lower_one_is_missing() -> None:
    score = capability_score(ORG, all_in_place(3, 4, 5))
    assert score.level == 1


def test_full_marks_reach_level_five_with_no_blockers() -> None:
    score = capability_score(ORG, all_in_place(2, 3, 4, 5))
    assert score.level == 5
    assert score.blockers == ()
    assert score.next_level is None


def test_overall_is_the_weakest_capability_and_delta_compares_profiles() -> None:
    answers = all_in_place(2, 3, 4)
    for practice in MODEL.capabilities[3].practices:  # communication stays at 2
        if practice.level >= 3:
            answers.pop(practice.id, None)
    now = profile(MODEL, answers)
    assert {cid: s.level for cid, s in now.items()} == {
        "ORG": 4,
        "PER": 4,
        "BIZ": 4,
        "COM": 2,
        "RSP": 4,
    }
    assert overall(now) == 2
    before = profile(MODEL, all_in_place(2))
    assert delta(now, before) == {"ORG": 2, "PER": 2, "BIZ": 2, "COM": 0, "RSP": 2}
    assert delta(now, None) == dict.fromkeys(now, 0)
