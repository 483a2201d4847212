#!/usr/bin/env bash
# Installs what the end-to-end tests run besides the pinned Go binaries (npm run tools): RabbitMQ and
# PostgreSQL from Debian (the tests start their own throwaway instances on loopback, on free ports)
# the stand-ins' npm packages (e2e/package-lock.json), and the Java CRM API: the OpenTelemetry Java agent
# at versions.json autoInstrumentation.java.version from Maven Central into the tools cache
#   ${TRACING_TOOLS_DIR:-$HOME/.cache/tracing-platform/tools}/java-agent-<version>/opentelemetry-javaagent.jar
# and e2e/crm-api-java built with Maven (its dependencies cached in ~/.m2). Needs a JDK 17 or newer
# (java, javac); Maven is installed from Debian when missing. Idempotent: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
missing=()
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
{ command -v psql >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || missing+=(postgresql)
command -v runuser >/dev/null || missing+=(util-linux)
command -v mvn >/dev/null || missing+=(maven)
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

command -v javac >/dev/null || { echo "e2e-install: error: a JDK 17 or newer is required for the Java CRM API (no javac on PATH)" >&2; exit 1; }
cache=${TRACING_TOOLS_DIR:-$HOME/.cache/tracing-platform/tools}
java_agent=$(node -p 'require("./versions.json").autoInstrumentation.java.version')
agent_jar="$cache/java-agent-$java_agent/opentelemetry-javaagent.jar"
if [ ! -s "$agent_jar" ]; then
    echo "e2e-install: OpenTelemetry Java agent $java_agent from Maven Central"
    mvn -q -B dependency:copy -Dartifact="io.opentelemetry.javaagent:opentelemetry-javaagent:$java_agent" \
        -DoutputDirectory="$(dirname "$agent_jar")" -Dmdep.stripVersion=true
fi
# The agent prints its own version: the jar the tests run is the one versions.json pins.
[ "$(java -jar "$agent_jar")" = "$java_agent" ] || { echo "e2e-install: error: $agent_jar is not version $java_agent" >&2; exit 1; }
echo "e2e-install: building the Java CRM API (e2e/crm-api-java)"
mvn -q -B -f e2e/crm-api-java/pom.xml package -Dmaven.test.skip=true
