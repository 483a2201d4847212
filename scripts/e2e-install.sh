#!/usr/bin/env bash
# Installs what the end-to-end tests run besides the pinned Go binaries: RabbitMQ and PostgreSQL
# from Debian (the tests start their own throwaway instances on loopback) and the stand-ins' npm
# packages. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
command -v psql >/dev/null && { command -v postgres >/dev/null || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; } || missing+=(postgresql)
command -v runuser >/dev/null || missing+=(util-linux)
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
# Debian may start packaged services on install; the tests use their own instances on free ports.
if command -v service >/dev/null; then
    service rabbitmq-server stop >/dev/null 2>&1 || true
    service postgresql stop >/dev/null 2>&1 || true
fi
npm ci --prefix e2e --no-audit --no-fund
