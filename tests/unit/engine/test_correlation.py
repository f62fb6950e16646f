from csops.engine.correlation import Candidate, cohort_overlap, explain, rank_causes

START = 10_000.0


def test_recent_deploy_on_same_service_ranks_first() -> None:
    cands = [
        Candidate("change", "old", "payments", START - 5 * 3600, "payments v1", "deploy"),
        Candidate("change", "other", "search", START - 300, "search v9", "deploy"),
        Candidate("change", "hit", "payments", START - 240, "payments v2", "deploy"),
        Candidate("change", "late", "payments", START + 3600, "payments v3", "deploy"),
    ]
    ranked = rank_causes(cands, start=START, service="payments")
    assert [r.candidate.ref for r in ranked][:3] == ["hit", "old", "other"] or (
        ranked[0].candidate.ref == "hit"
    )
    assert "late" not in [r.candidate.ref for r in ranked]
    assert "payments v2" in explain(ranked) and "4 min before" in ranked[0].explanation


def test_dependency_beats_unrelated() -> None:
    cands = [
        Candidate("change", "db", "database", START - 600, change_kind="config"),
        Candidate("change", "web", "frontend", START - 600, change_kind="config"),
    ]
    ranked = rank_causes(
        cands, start=START, service="payments", depends_on={"payments": ["database"]}
    )
    assert ranked[0].candidate.ref == "db"


def test_canary_cohort_overlap_decides() -> None:
    customers = [{"region": "eu", "app_version": "5.1"}] * 9 + [{"region": "us"}]
    eu = Candidate("change", "eu", "payments", START - 600, change_kind="canary",
                   cohort={"region": "eu", "percentage": 10})  # fmt: skip
    us = Candidate("change", "us", "payments", START - 300, change_kind="canary",
                   cohort={"region": "us", "percentage": 10})  # fmt: skip
    assert cohort_overlap(eu.cohort, customers) > cohort_overlap(us.cohort, customers)
    ranked = rank_causes([us, eu], start=START, service="payments", customers=customers)
    assert ranked[0].candidate.ref == "eu" and "cohort" in ranked[0].explanation


def test_nothing_found_is_explained() -> None:
    assert "No alert" in explain([])
