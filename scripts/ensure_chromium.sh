#!/usr/bin/env bash
# Make sure Debian's headless-capable Chromium is at /usr/bin/chromium for the Playwright e2e test.
# Installs it with apt-get when missing and we are root; otherwise says the e2e test will be skipped.
# CSOPS_TEST_E2E=required turns "missing" into a failure (CI).
set -uo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: $CHROMIUM missing, installing Debian's chromium package ..."
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }; then
        echo "ensure_chromium: apt-get install chromium failed" >&2
    fi
fi

if [ -x "$CHROMIUM" ]; then
    echo "ensure_chromium: installed $CHROMIUM"
    exit 0
fi

if [ "${CSOPS_TEST_E2E:-}" = "required" ]; then
    echo "ensure_chromium: ERROR: $CHROMIUM is missing and CSOPS_TEST_E2E=required." >&2
    echo "  Install it (as root: apt-get install chromium) and run again." >&2
    exit 1
fi

echo "ensure_chromium: WARNING: $CHROMIUM not found (not root or no apt-get);" \
     "the end-to-end browser test will be SKIPPED."
exit 0
