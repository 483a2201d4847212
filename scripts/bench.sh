#!/usr/bin/env bash
# `npm run bench [-- --quick | --report-only FILE]`: builds (or reuses) the pinned binaries the
# benchmark runs, installs the stand-in's npm packages when they are missing or stale, then measures
# (bench/run.ts). Self-contained, so that a fresh machine needs only `npm ci` before it.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ " $* " != *" --report-only "* ]]; then
    bash scripts/install-tools.sh otelcol jaeger telemetrygen
    # npm ci leaves node_modules/.package-lock.json; newer than the lock file means up to date.
    if [ ! e2e/node_modules/.package-lock.json -nt e2e/package-lock.json ]; then
        npm ci --prefix e2e --no-audit --no-fund
    fi
fi
exec node_modules/.bin/ts-node --transpile-only bench/run.ts "$@"
