#!/usr/bin/env bash
# Make sure PostgreSQL answers on 127.0.0.1:5432 for the PostgreSQL half of the test suite.
#   - already answering: nothing to do;
#   - installed (Debian layout, /etc/postgresql/<version>/main) but stopped: start it and wait;
#   - not installed: CSOPS_TEST_POSTGRES=required -> fail; otherwise warn that the PostgreSQL
#     half will be skipped (the test suite itself also skips it and says so).
# Never fails on a user machine without PostgreSQL unless CSOPS_TEST_POSTGRES=required.
set -uo pipefail

HOST=127.0.0.1
PORT=5432
WAIT_S=20
REQUIRED=0
[ "${CSOPS_TEST_POSTGRES:-}" = "required" ] && REQUIRED=1

answers() {
    if command -v pg_isready >/dev/null 2>&1; then
        pg_isready -q -h "$HOST" -p "$PORT" -t 2
    elif command -v psql >/dev/null 2>&1; then
        psql -h "$HOST" -p "$PORT" -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1
    else
        (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null
    fi
}

give_up() {
    if [ "$REQUIRED" = 1 ]; then
        echo "ensure_postgres: ERROR: $1" >&2
        echo "  CSOPS_TEST_POSTGRES=required: PostgreSQL must answer on $HOST:$PORT" \
             "(user postgres, trust auth)." >&2
        exit 1
    fi
    echo "ensure_postgres: WARNING: $1"
    echo "ensure_postgres: the PostgreSQL half of the test suite will be SKIPPED" \
         "(only SQLite runs). Set CSOPS_TEST_POSTGRES=required to make this an error."
    exit 0
}

if answers; then
    echo "ensure_postgres: PostgreSQL answers on $HOST:$PORT"
    exit 0
fi

if [ -d /etc/postgresql ] && [ -n "$(ls -A /etc/postgresql 2>/dev/null)" ]; then
    VERSION=$(ls /etc/postgresql | sort -V | tail -n 1)
    echo "ensure_postgres: starting PostgreSQL $VERSION cluster 'main' ..."
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
        echo "ensure_postgres: pg_ctlcluster not found (postgresql-common missing?)" >&2
        WAIT_S=2
    elif ! pg_ctlcluster --skip-systemctl-redirect "$VERSION" main start; then
        # Not root, or "already running" on another port: no point waiting long.
        echo "ensure_postgres: pg_ctlcluster $VERSION main start failed" >&2
        WAIT_S=3
    fi
    for _ in $(seq 1 "$WAIT_S"); do
        if answers; then
            echo "ensure_postgres: PostgreSQL $VERSION is up on $HOST:$PORT"
            exit 0
        fi
        sleep 1
    done
    give_up "PostgreSQL $VERSION is installed but did not answer on $HOST:$PORT within ${WAIT_S}s."
fi

give_up "PostgreSQL is not running on $HOST:$PORT and is not installed (/etc/postgresql missing)."
