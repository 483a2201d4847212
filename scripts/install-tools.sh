#!/usr/bin/env bash
# Builds the upstream binaries the end-to-end tests run, at exactly the versions the components pin
# (versions.json), from the Go module proxy, into a cache outside the repository:
#   ${TRACING_TOOLS_DIR:-$HOME/.cache/tracing-platform/tools}/<tool>-<version>/bin/<binary>
# A tool already in the cache is reused. `npm run tools`.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${TRACING_TOOLS_DIR:-$HOME/.cache/tracing-platform/tools}
export GOTOOLCHAIN=${GOTOOLCHAIN:-auto}
export GOFLAGS=-mod=mod

die() { echo "install-tools: $*" >&2; exit 1; }
command -v go >/dev/null || die "Go is required (go version 1.26 or newer)"
command -v node >/dev/null || die "Node.js is required to read versions.json"

pin() { node -p "require('$root/versions.json').$1" 2>/dev/null || die "versions.json has no $1"; }

collector=$(pin collector.version)
collector_stable=$(pin collector.stableVersion)
jaeger_module=$(pin jaeger.goModuleVersion)
jaeger=$(pin jaeger.version)
oauth2_proxy=$(pin oauth2Proxy.version)
telemetrygen=$(pin telemetrygen.version)

mkdir -p "$cache"

# Builds PACKAGE of MODULE@VERSION as the upstream module builds it: its own go.mod (requires and
# replace directives) and go.sum, so dependency versions are exactly the release's. `go install
# pkg@version` refuses modules with replace directives, hence the wrapper module.
build_from_module() {
    local module=$1 version=$2 package=$3 out=$4
    local work dir
    work=$(mktemp -d)
    dir=$(cd "$work" && go mod download -json "$module@$version" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);if(j.Error){console.error(j.Error);process.exit(1)}console.log(j.Dir)})') ||
        die "cannot download $module@$version from the module proxy"
    sed "s#^module .*#module tracing-platform/build-$(basename "$out")#" "$dir/go.mod" > "$work/go.mod"
    cp "$dir/go.sum" "$work/go.sum" 2>/dev/null || true
    printf '\nrequire %s %s\n' "$module" "$version" >> "$work/go.mod"
    (cd "$work" && go build -trimpath -o "$out" "$package") || die "building $package@$version failed"
    rm -rf "$work"
}

# tool NAME VERSION BINARY BUILD-FUNCTION
tool() {
    local name=$1 version=$2 binary=$3 build=$4
    local bin="$cache/$name-$version/bin/$binary"
    if [ -x "$bin" ]; then
        echo "reused $bin"
    else
        echo "building $name $version ..."
        local start=$SECONDS
        mkdir -p "$cache/$name-$version/bin"
        "$build" "$bin.partial"
        mv "$bin.partial" "$bin"
        echo "built $bin in $((SECONDS - start)) s"
    fi
}

build_collector() {
    local out=$1 work
    work=$(mktemp -d)
    (cd "$work" && GOBIN="$work/bin" go install "go.opentelemetry.io/collector/cmd/builder@v$collector") || die "cannot install the collector builder v$collector"
    COLLECTOR_VERSION=$collector STABLE_VERSION=$collector_stable OUTPUT_PATH="$work/dist" \
        envsubst '${COLLECTOR_VERSION} ${STABLE_VERSION} ${OUTPUT_PATH}' < "$root/tools/otelcol-builder.yaml" > "$work/manifest.yaml"
    "$work/bin/builder" --config="$work/manifest.yaml" > "$work/builder.log" 2>&1 || { tail -30 "$work/builder.log" >&2; die "the collector builder failed"; }
    cp "$work/dist/otelcol" "$out"
    rm -rf "$work"
}

build_jaeger() { build_from_module github.com/jaegertracing/jaeger "$jaeger_module" github.com/jaegertracing/jaeger/cmd/jaeger "$1"; }
build_oauth2_proxy() { build_from_module github.com/oauth2-proxy/oauth2-proxy/v7 "v$oauth2_proxy" github.com/oauth2-proxy/oauth2-proxy/v7 "$1"; }
build_telemetrygen() {
    build_from_module github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen "v$telemetrygen" \
        github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen "$1"
}

command -v envsubst >/dev/null || die "envsubst is required (Debian package gettext-base)"

tool otelcol "$collector" otelcol build_collector
tool jaeger "$jaeger" jaeger build_jaeger
tool oauth2-proxy "$oauth2_proxy" oauth2-proxy build_oauth2_proxy
tool telemetrygen "$telemetrygen" telemetrygen build_telemetrygen

echo "tools ready:"
for b in "otelcol-$collector/bin/otelcol" "jaeger-$jaeger/bin/jaeger" "oauth2-proxy-$oauth2_proxy/bin/oauth2-proxy" "telemetrygen-$telemetrygen/bin/telemetrygen"; do
    echo "  $cache/$b"
done
