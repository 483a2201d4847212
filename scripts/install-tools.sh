#!/usr/bin/env bash
# Builds the upstream binaries the end-to-end tests and benchmarks run, at exactly the versions in
# versions.json (the one source of truth), from the Go module proxy, into a cache outside the repo:
#   ${TRACING_TOOLS_DIR:-$HOME/.cache/tracing-platform/tools}/<tool>-<version>/bin/<binary>
#
#   otelcol       collector.version         OpenTelemetry Collector Builder with tools/otelcol-builder.yaml
#   jaeger        jaeger.version            github.com/jaegertracing/jaeger/cmd/jaeger at jaeger.goModuleVersion,
#                                           the v1 tag on the same commit (jaeger.commit) as the v2 release
#   oauth2-proxy  oauth2Proxy.version       github.com/oauth2-proxy/oauth2-proxy/v7
#   telemetrygen  telemetrygen.version      contrib's cmd/telemetrygen (a test load generator, never deployed)
#
# A binary already in the cache and built by the same recipe (versions, manifest, flags: kept in
# <tool>-<version>/recipe) is reused, so a second run builds nothing. Go's module and build caches
# stay where Go keeps them (under $HOME), so a rebuild after a version bump only compiles what changed.
# Binaries are static (CGO_ENABLED=0) like the upstream release builds. `npm run tools`.
#
# Usage: install-tools.sh [TOOL...]   TOOL: otelcol jaeger oauth2-proxy telemetrygen (default: all);
# the benchmark asks only for what it runs.
set -Eeuo pipefail

all_tools="otelcol jaeger oauth2-proxy telemetrygen"
for t in "$@"; do
    [[ " $all_tools " == *" $t "* ]] || { echo "install-tools: error: unknown tool \"$t\" (known: $all_tools)" >&2; exit 64; }
done
wanted=" ${*:-$all_tools} "
want() { [[ "$wanted" == *" $1 "* ]]; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${TRACING_TOOLS_DIR:-$HOME/.cache/tracing-platform/tools}

die() { echo "install-tools: error: $*" >&2; exit 1; }
say() { echo "install-tools: $*"; }
trap 'echo "install-tools: error: \`$BASH_COMMAND\` failed (line $LINENO)" >&2' ERR

command -v go >/dev/null || die "Go is required (1.26 or newer): no go on PATH"
command -v node >/dev/null || die "Node.js is required to read versions.json: no node on PATH"

# A module whose go.mod asks for a newer Go has that toolchain fetched through the module proxy.
export GOTOOLCHAIN=${GOTOOLCHAIN:-auto}
# The module proxy only: without "direct" a version the proxy lacks fails at once instead of Go
# trying the source repository's host.
proxies=$(go env GOPROXY | tr ',|' '\n\n' | grep -v -x -e direct -e off -e '' | paste -sd, -) || true
[ -n "$proxies" ] || die "GOPROXY ($(go env GOPROXY)) names no module proxy"
export GOPROXY=$proxies
export CGO_ENABLED=0

# pin KEY: a value from versions.json, e.g. pin collector.version
pin() {
    (cd "$root" && node -e '
        const key = process.argv[1];
        const v = key.split(".").reduce((o, k) => (o == null ? o : o[k]), require("./versions.json"));
        if (v == null || typeof v === "object" || String(v) === "") process.exit(1);
        console.log(String(v));' "$1") || die "versions.json has no value at $1"
}

collector=$(pin collector.version)
collector_stable=$(pin collector.stableVersion)
jaeger=$(pin jaeger.version)
jaeger_module=$(pin jaeger.goModuleVersion)
jaeger_commit=$(pin jaeger.commit)
oauth2_proxy=$(pin oauth2Proxy.version)
telemetrygen=$(pin telemetrygen.version)

manifest_template="$root/tools/otelcol-builder.yaml"
[ -f "$manifest_template" ] || die "$manifest_template is missing"

# Exactly the components `otelcol components` must list (the names the rendered configs use).
expected_components="receivers: otlp
processors: attributes batch k8s_attributes memory_limiter redaction resource tail_sampling transform
exporters: debug load_balancing nop otlp_grpc otlp_http
connectors:
extensions: file_storage health_check"

mkdir -p "$cache"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/install-tools.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
# One run at a time per cache.
exec 9>"$cache/.lock"
command -v flock >/dev/null && { flock -n 9 || { say "waiting for another run on $cache"; flock 9; }; }

# module_info MODULE@VERSION FIELD...: downloads the module through the proxy and prints the fields
# of `go mod download -json` (dotted paths such as Origin.Hash), one per line, "" when absent.
module_info() {
    local ref=$1 json
    shift
    json=$(cd "$scratch" && go mod download -json "$ref" 2> "$scratch/go-mod-download.err") || true
    node -e '
        const fail = (m) => { console.error(m); process.exit(1); };
        let j;
        try { j = JSON.parse(process.argv[1]); } catch { fail(require("fs").readFileSync(process.argv[2], "utf8")); }
        if (j.Error) fail(j.Error);
        // A module already in the cache is reported without Time and Origin: take them from its .info.
        if (j.Info) try { j = { ...JSON.parse(require("fs").readFileSync(j.Info, "utf8")), ...j }; } catch {}
        for (const f of process.argv.slice(3)) console.log(f.split(".").reduce((o, k) => (o == null ? o : o[k]), j) ?? "");
    ' "$json" "$scratch/go-mod-download.err" "$@" ||
        die "the module proxy does not serve $ref (see above); pick a version it serves and update versions.json"
}

# build_module MODULE VERSION PACKAGE OUT [go build flags]: builds PACKAGE as the release builds it,
# in a scratch module that is the release's own go.mod (requires and replace directives) and go.sum,
# so every dependency is at the release's version. Not `go install pkg@version`: that refuses
# modules with replace directives (Jaeger's) and asks the proxy for the module's version list, which
# the proxy may refuse (it does for oauth2-proxy/v7).
build_module() {
    local module=$1 version=$2 package=$3 out=$4 dir work
    shift 4
    dir=$(module_info "$module@$version" Dir)
    if grep -Eq '=>[[:space:]]*\.' "$dir/go.mod"; then die "$module@$version replaces a module by a local path; it cannot be built outside its repository"; fi
    work=$(mktemp -d "$scratch/module.XXXXXX")
    sed "s#^module .*#module tracing-platform/tools/build#" "$dir/go.mod" > "$work/go.mod"
    if [ -f "$dir/go.sum" ]; then cp "$dir/go.sum" "$work/go.sum"; fi
    printf '\nrequire %s %s\n' "$module" "$version" >> "$work/go.mod"
    (cd "$work" && go build -mod=mod -trimpath "$@" -o "$out" "$package") || die "building $package@$version failed"
}

# tool NAME VERSION BINARY RECIPE BUILD: reuse NAME-VERSION/bin/BINARY when it was built by RECIPE,
# else run `BUILD <output path>`; the binary only lands in the cache once its build and checks pass.
tool() {
    local name=$1 version=$2 binary=$3 recipe=$4 build=$5
    local dir="$cache/$name-$version"
    local bin="$dir/bin/$binary"
    if [ -x "$bin" ] && [ -f "$dir/recipe" ] && [ "$(cat "$dir/recipe")" = "$recipe" ]; then
        say "reused $bin"
        return
    fi
    if [ -e "$bin" ]; then say "rebuilding $name $version: the cached binary was built by another recipe"; fi
    say "building $name $version ..."
    local start=$SECONDS
    mkdir -p "$dir/bin"
    rm -f "$dir/recipe" "$bin.partial"
    "$build" "$bin.partial"
    mv -f "$bin.partial" "$bin"
    printf '%s\n' "$recipe" > "$dir/recipe"
    say "built $bin in $((SECONDS - start)) s"
}

# --- collector: the OpenTelemetry Collector Builder at the collector's version -------------------
if want otelcol; then
build_builder() { build_module go.opentelemetry.io/collector/cmd/builder "v$collector" go.opentelemetry.io/collector/cmd/builder "$1"; }
tool ocb "$collector" builder "go.opentelemetry.io/collector/cmd/builder@v$collector CGO_ENABLED=0" build_builder
builder="$cache/ocb-$collector/bin/builder"

# Filled in, without its comments (a comment edit does not rebuild).
manifest=$(sed -e '/^[[:space:]]*#/d' -e "s|\${COLLECTOR_VERSION}|$collector|g" -e "s|\${STABLE_VERSION}|$collector_stable|g" \
    -e "s|\${OUTPUT_PATH}|./dist|g" "$manifest_template")
if grep -q '\${' <<<"$manifest"; then die "tools/otelcol-builder.yaml has a placeholder install-tools.sh does not fill: $(grep '\${' <<<"$manifest" | head -1)"; fi

# The names `otelcol components` prints, one line per kind as in $expected_components.
component_names() {
    "$1" components | awk '
        /^[a-z]+:/ { kind = $1; sub(":", "", kind); next }
        /^ *- name:/ { names[kind] = names[kind] " " $3 }
        END {
            k = split("receivers processors exporters connectors extensions", kinds, " ")
            for (i = 1; i <= k; i++) print kinds[i] ":" names[kinds[i]]
        }' |
        while read -r kind rest; do
            echo "$kind $(tr ' ' '\n' <<<"$rest" | sed '/^$/d' | sort | paste -sd' ' -)" | sed 's/ $//'
        done
}

build_collector() {
    local out=$1 work="$scratch/otelcol" core_gomod stable_in_core
    # collector.stableVersion must be the v1.x the core released with collector.version.
    core_gomod=$(module_info "go.opentelemetry.io/collector/otelcol@v$collector" GoMod)
    stable_in_core=$(awk '$1 == "go.opentelemetry.io/collector/confmap" { print $2 }' "$core_gomod")
    [ "$stable_in_core" = "v$collector_stable" ] ||
        die "versions.json collector.stableVersion is $collector_stable, but collector $collector's core modules are $stable_in_core"
    mkdir -p "$work"
    printf '%s\n' "$manifest" > "$work/manifest.yaml"
    cp "$work/manifest.yaml" "$(dirname "$(dirname "$out")")/otelcol-builder.yaml"
    (cd "$work" && "$builder" --config=manifest.yaml > builder.log 2>&1) || {
        tail -40 "$work/builder.log" >&2
        die "the collector builder failed (log above)"
    }
    local names
    names=$(component_names "$work/dist/otelcol")
    [ "$names" = "$expected_components" ] || die "otelcol components lists
$names
instead of
$expected_components"
    cp "$work/dist/otelcol" "$out"
}
tool otelcol "$collector" otelcol "builder v$collector CGO_ENABLED=0
$manifest" build_collector
fi

# --- Jaeger v2 ------------------------------------------------------------------------------------
# Jaeger's go.mod says github.com/jaegertracing/jaeger (no /v2), so its v2.x tags are no Go module
# versions: the v1 tag on the same commit is (v1.N and v2.M were released together until v1's end).
if want jaeger; then
jaeger_ldflags="-X github.com/jaegertracing/jaeger/internal/version.commitSHA=$jaeger_commit -X github.com/jaegertracing/jaeger/internal/version.latestVersion=v$jaeger"
build_jaeger() {
    local out=$1 ref="github.com/jaegertracing/jaeger@$jaeger_module" hash time have
    time=$(module_info "$ref" Time)
    hash=$(module_info "$ref" Origin.Hash)
    if [ -n "$hash" ]; then
        [ "$hash" = "$jaeger_commit" ] ||
            die "jaeger $jaeger_module is commit $hash, not jaeger.commit $jaeger_commit (Jaeger v$jaeger): fix versions.json"
    else
        say "note: the module proxy names no commit for jaeger $jaeger_module; versions.json says it is $jaeger_commit (v$jaeger)"
    fi
    build_module github.com/jaegertracing/jaeger "$jaeger_module" github.com/jaegertracing/jaeger/cmd/jaeger "$out" \
        -ldflags "$jaeger_ldflags -X github.com/jaegertracing/jaeger/internal/version.date=$time"
    have=$("$out" version 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s.slice(s.indexOf("{"))).gitVersion))')
    [ "$have" = "v$jaeger" ] || die "the built jaeger reports version $have, not v$jaeger"
}
tool jaeger "$jaeger" jaeger "github.com/jaegertracing/jaeger/cmd/jaeger@$jaeger_module commit $jaeger_commit CGO_ENABLED=0 $jaeger_ldflags" build_jaeger
fi

# --- oauth2-proxy ---------------------------------------------------------------------------------
if want oauth2-proxy; then
oauth2_proxy_ldflags="-X github.com/oauth2-proxy/oauth2-proxy/v7/pkg/version.VERSION=v$oauth2_proxy"
build_oauth2_proxy() {
    build_module github.com/oauth2-proxy/oauth2-proxy/v7 "v$oauth2_proxy" github.com/oauth2-proxy/oauth2-proxy/v7 "$1" -ldflags "$oauth2_proxy_ldflags"
    local have
    have=$("$1" --version)
    [[ "$have" == *" v$oauth2_proxy "* ]] || die "the built oauth2-proxy reports \"$have\", not v$oauth2_proxy"
}
tool oauth2-proxy "$oauth2_proxy" oauth2-proxy "github.com/oauth2-proxy/oauth2-proxy/v7@v$oauth2_proxy CGO_ENABLED=0 $oauth2_proxy_ldflags" build_oauth2_proxy
fi

# --- telemetrygen ---------------------------------------------------------------------------------
if want telemetrygen; then
telemetrygen_module=github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen
build_telemetrygen() { build_module "$telemetrygen_module" "v$telemetrygen" "$telemetrygen_module" "$1"; }
tool telemetrygen "$telemetrygen" telemetrygen "$telemetrygen_module@v$telemetrygen CGO_ENABLED=0" build_telemetrygen
fi

echo "tools ready in $cache:$wanted"
