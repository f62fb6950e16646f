"""A worker in its own process, for the kill -9 test: `python jobs_worker_proc.py URL`.

The lease comes from CSOPS_JOB_LEASE_SECONDS, read by csops' settings as in production.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import jobs_testkit  # noqa: E402,F401  (registers the test handlers)

from csops.db import make_engine  # noqa: E402
from csops.jobs.worker import Worker  # noqa: E402


def main() -> None:
    engine = make_engine(sys.argv[1], pool_size=-1 if "postgresql" in sys.argv[1] else 0)
    Worker(engine, worker_id="victim", poll_seconds=0.05, discover=False).run_until_idle()


if __name__ == "__main__":
    main()
