"""A delivery worker in its own process that SIGKILLs itself right after the SMTP server
accepted a message and before "sent" is committed: `python outbox_worker_proc.py URL P SEED`.

SMTP host/port and the job lease come from CSOPS_* variables, read by csops' settings.
"""

from __future__ import annotations

import os
import random
import signal
import sys

from csops.db import make_engine
from csops.domains.notifications import jobs
from csops.domains.notifications.models import OutboxItem
from csops.jobs.worker import Worker


def main() -> None:
    url, probability, seed = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)

    def crash(item: OutboxItem) -> None:
        if seed <= 2 or rng.random() < probability:  # the first two workers always die
            os.kill(os.getpid(), signal.SIGKILL)

    jobs.after_send = crash
    engine = make_engine(url, pool_size=-1 if "postgresql" in url else 0)
    Worker(engine, worker_id=f"victim-{seed}", poll_seconds=0.05, discover=False).run_until_idle()


if __name__ == "__main__":
    main()
