#!/usr/bin/env bash
# Installs what the end-to-end tests run besides the pinned Go binaries (npm run tools): RabbitMQ and
# PostgreSQL from Debian (the tests start their own throwaway instances on loopback, on free ports)
# and the stand-ins' npm packages (e2e/package-lock.json). Idempotent: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
missing=()
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
{ command -v psql >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || missing+=(postgresql)
command -v runuser >/dev/null || missing+=(util-linux)
if [ ${#missing[@]} -gt 0 ]; then
    echo "e2e-install: apt-get install ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
    # Debian starts the packaged services on install (PostgreSQL's cluster on 5432, RabbitMQ on 5672
    # with epmd on 0.0.0.0:4369). The tests never use them: stop them, so nothing but the tests'
    # loopback instances listens.
    if command -v service >/dev/null; then
        $sudo service rabbitmq-server stop >/dev/null 2>&1 || true
        $sudo service postgresql stop >/dev/null 2>&1 || true
    fi
    if [[ " ${missing[*]} " == *" rabbitmq-server "* ]] && command -v epmd >/dev/null; then
        epmd -kill >/dev/null 2>&1 || true
    fi
else
    echo "e2e-install: RabbitMQ and PostgreSQL already installed"
fi
npm ci --prefix e2e --no-audit --no-fund
