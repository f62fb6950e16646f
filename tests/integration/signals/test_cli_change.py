"""`csops change record` writes a change CI scripts can re-record idempotently; `csops
signals clusters` lists the live problem clusters with agents' corrections."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.domains.signals import clusters
from csops.domains.signals.models import Change, ChangeKind
from tests.integration.cli.conftest import Cli, sqlite_cli  # noqa: F401
from tests.integration.signals.seeding import seed_cluster


def test_change_record_and_bad_input(sqlite_cli: Cli) -> None:  # noqa: F811
    cli = sqlite_cli
    args = ["change", "record", "--service", "payments", "--version", "v2", "--id", "ci-7"]
    assert cli(*args).exit_code == 0
    result = cli(*args[:-2], "--id", "ci-7", "--kind", "canary", "--percentage", "5",
                 "--cohort", '{"region": "eu"}')  # fmt: skip
    assert result.exit_code == 0, result.output
    with Session(cli.engine) as session:
        rows = list(session.scalars(select(Change)))
    assert len(rows) == 1 and rows[0].kind == ChangeKind.canary
    assert rows[0].cohort == {"region": "eu", "percentage": 5.0}
    assert cli("change", "record", "--service", "x", "--cohort", "{nope").exit_code == 2
    assert cli("change", "record", "--service", "x", "--kind", "bogus").exit_code == 2
    assert cli("change", "record", "--service", "x", "--started", "2026-01-01").exit_code == 2
    assert cli("signals", "suspects").exit_code == 0


def test_signals_clusters_lists_live_clusters(sqlite_cli: Cli) -> None:  # noqa: F811
    cli = sqlite_cli
    with Session(cli.engine) as session:
        source, tickets = seed_cluster(session, ["card payment failed", "card declined"])
        clusters.split(session, cluster_id=source, ticket_ids=tickets[1:], label="Declined")
        session.commit()
    result = cli("signals", "clusters", "--limit", "5")
    assert result.exit_code == 0, result.output
    words = result.output.split()
    assert "Declined" in words and "named;" in words and "split" in words
    assert cli("signals", "clusters", "--limit", "0").exit_code == 2
