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
#   promtool      prometheus.version        github.com/prometheus/prometheus/cmd/promtool (checks and tests our alert rules)
#   prometheus    prometheus.version        github.com/prometheus/prometheus/cmd/prometheus without service discovery
#                                           (build tag remove_all_sd) or UI assets: scrapes the e2e pipeline and
#                                           answers the dashboard's queries and evaluates the alert rules
#
# and the Kubernetes the cluster suite (npm run test:cluster) runs, at testCluster.* (never deployed):
#   kubernetes    kube-apiserver, kube-controller-manager, kube-scheduler, kubectl from k8s.io/kubernetes
#                 in a wrapper module: upstream's go.mod with each `k8s.io/<staging> => ./staging/...`
#                 replaced by the published k8s.io/<staging> at stagingVersion
#   etcd          our wrapper main module tools/etcd (etcdmain.Main of go.etcd.io/etcd/server/v3)
#   kwok          sigs.k8s.io/kwok/cmd/kwok, plus the stage definitions of its own module
#   cert-manager  the real cert-manager controller (see versions.json for the version gap), and the
#                 CRDs of the deployed cert-manager chart version (deploy/crds of the root module)
#   gateway-api   the Gateway API CRDs, standard channel
#   controller-crds  the CRDs of the ingress controllers whose VPN enforcement we render: Traefik's
#                 (Middleware) and Envoy Gateway's (SecurityPolicy)
#   prometheus-operator-crds  PodMonitor, ServiceMonitor and PrometheusRule (tracing:monitoring.prometheusOperator)
#
# A binary already in the cache and built by the same recipe (versions, manifest, flags: kept in
# <tool>-<version>/recipe) is reused, so a second run builds nothing. Go's module and build caches
# stay where Go keeps them (under $HOME), so a rebuild after a version bump only compiles what changed.
# Binaries are static (CGO_ENABLED=0) like the upstream release builds. `npm run tools`.
#
# Usage: install-tools.sh [TOOL...]   TOOL: otelcol jaeger oauth2-proxy telemetrygen promtool prometheus kubernetes etcd
# kwok cert-manager gateway-api controller-crds prometheus-operator-crds (default: all); the benchmark asks only for what it runs.
set -Eeuo pipefail

all_tools="otelcol jaeger oauth2-proxy telemetrygen promtool prometheus kubernetes etcd kwok cert-manager gateway-api controller-crds prometheus-operator-crds"
for t in "$@"; do
    [[ " $all_tools " == *" $t "* ]] || { echo "install-tools: error: unknown tool \"$t\" (known: $all_tools)" >&2; exit 64; }
done
wanted=" ${*:-$all_tools} "
want() { [[ "$wanted" == *" $1 "* ]]; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${TRACING_TOOLS_DIR:-$HOME/.cache/tracing-platform/tools}

die() { echo "install-tools: error: $*" >&2; exit 1; }
say() { echo "install-tools: $*"; }
# Whether a command's output holds a text. Not `cmd | grep -q`: grep stops reading at the first match,
# the command then dies of SIGPIPE writing the rest, and pipefail fails the check at random.
reports() { local text=$1 out; shift; out=$("$@" 2>/dev/null) || true; [[ "$out" == *"$text"* ]]; }
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
collector_k8s_attributes=$(pin collector.k8sAttributesVersion)
jaeger=$(pin jaeger.version)
jaeger_module=$(pin jaeger.goModuleVersion)
jaeger_commit=$(pin jaeger.commit)
oauth2_proxy=$(pin oauth2Proxy.version)
telemetrygen=$(pin telemetrygen.version)

manifest_template="$root/tools/otelcol-builder.yaml"
[ -f "$manifest_template" ] || die "$manifest_template is missing"

# Exactly the components `otelcol components` must list (the names the rendered configs use).
expected_components="receivers: otlp
processors: attributes batch filter k8s_attributes memory_limiter redaction resource tail_sampling transform
exporters: debug load_balancing nop otlp_grpc otlp_http prometheus
connectors: forward span_metrics
extensions: file_storage health_check pprof"

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

# tool_dir NAME VERSION FILES RECIPE BUILD: like `tool` for a set of files (space-separated paths
# relative to NAME-VERSION/): `BUILD <scratch directory>` fills a fresh directory that replaces
# NAME-VERSION only once the build and its checks pass.
tool_dir() {
    local name=$1 version=$2 files=$3 recipe=$4 build=$5
    local dir="$cache/$name-$version" f complete=1
    for f in $files; do [ -e "$dir/$f" ] || complete=0; done
    if [ "$complete" = 1 ] && [ -f "$dir/recipe" ] && [ "$(cat "$dir/recipe")" = "$recipe" ]; then
        say "reused $dir"
        return
    fi
    say "building $name $version ..."
    local start=$SECONDS partial="$dir.partial"
    rm -rf "$partial"
    mkdir -p "$partial"
    "$build" "$partial"
    for f in $files; do [ -e "$partial/$f" ] || die "building $name $version made no $f"; done
    printf '%s\n' "$recipe" > "$partial/recipe"
    rm -rf "$dir"
    mv "$partial" "$dir"
    say "built $dir in $((SECONDS - start)) s"
}

# --- collector: the OpenTelemetry Collector Builder at the collector's version -------------------
if want otelcol; then
build_builder() { build_module go.opentelemetry.io/collector/cmd/builder "v$collector" go.opentelemetry.io/collector/cmd/builder "$1"; }
tool ocb "$collector" builder "go.opentelemetry.io/collector/cmd/builder@v$collector CGO_ENABLED=0" build_builder
builder="$cache/ocb-$collector/bin/builder"

# Filled in, without its comments (a comment edit does not rebuild).
manifest=$(sed -e '/^[[:space:]]*#/d' -e "s|\${COLLECTOR_VERSION}|$collector|g" -e "s|\${STABLE_VERSION}|$collector_stable|g" \
    -e "s|\${K8S_ATTRIBUTES_VERSION}|$collector_k8s_attributes|g" \
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
    # collector.k8sAttributesVersion must be the k8s_attributes release built on this contrib release.
    local k8s_gomod contrib_in_k8s
    k8s_gomod=$(module_info "github.com/open-telemetry/opentelemetry-collector-contrib/processor/k8sattributesprocessor@v$collector_k8s_attributes" GoMod)
    contrib_in_k8s=$(awk '$1 == "github.com/open-telemetry/opentelemetry-collector-contrib/internal/k8sconfig" { print $2 }' "$k8s_gomod")
    [ "$contrib_in_k8s" = "v$collector" ] ||
        die "versions.json collector.k8sAttributesVersion is $collector_k8s_attributes, which belongs to contrib $contrib_in_k8s, not $collector"
    mkdir -p "$work"
    printf '%s\n' "$manifest" > "$work/manifest.yaml"
    cp "$work/manifest.yaml" "$(dirname "$(dirname "$out")")/otelcol-builder.yaml"
    # GOFLAGS=-e lets the builder's `go mod tidy` pass over test-only packages of dependencies the
    # proxy does not serve (k8s_attributes 1.0.0's tests import pkg/semconvtest, served at no version);
    # the build itself still needs every package it compiles.
    (cd "$work" && GOFLAGS=-e "$builder" --config=manifest.yaml > builder.log 2>&1) || {
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

# --- promtool and prometheus: check, unit-test and evaluate what we render for Prometheus (never deployed)
prometheus_module=github.com/prometheus/prometheus
if want promtool; then
prometheus=$(pin prometheus.version)
build_promtool() { build_module "$prometheus_module" "v$prometheus" "$prometheus_module/cmd/promtool" "$1"; }
tool promtool "$prometheus" promtool "$prometheus_module/cmd/promtool@v$prometheus CGO_ENABLED=0" build_promtool
fi
if want prometheus; then
prometheus=$(pin prometheus.version)
# remove_all_sd: static targets are all the tests use, and every cloud's SD would double the build.
build_prometheus() { build_module "$prometheus_module" "v$prometheus" "$prometheus_module/cmd/prometheus" "$1" -tags remove_all_sd; }
tool prometheus "$prometheus" prometheus "$prometheus_module/cmd/prometheus@v$prometheus CGO_ENABLED=0 -tags remove_all_sd" build_prometheus
fi

# --- Kubernetes: control plane and kubectl, for the cluster suite ---------------------------------
if want kubernetes; then
kube=$(pin testCluster.kubernetes.version)
kube_staging=$(pin testCluster.kubernetes.stagingVersion)
kube_binaries="kube-apiserver kube-controller-manager kube-scheduler kubectl"
build_kubernetes() {
    local out=$1 dir work="$scratch/kubernetes" b
    dir=$(module_info "k8s.io/kubernetes@v$kube" Dir)
    mkdir -p "$work"
    # Upstream builds against its staging directories; the same code is published as k8s.io/<staging>
    # v0.<minor>.<patch>. Any replace that is not such a staging path stops the build.
    sed -e "s#^module .*#module tracing-platform/tools/kubernetes#" \
        -e "s#^\([[:space:]]*\)\(k8s.io/[a-z0-9-]*\) => ./staging/src/\2\$#\1\2 => \2 v$kube_staging#" "$dir/go.mod" > "$work/go.mod"
    if grep -Eq '=>[[:space:]]*\.' "$work/go.mod"; then die "k8s.io/kubernetes v$kube replaces a module by a local path other than its staging directory"; fi
    cp "$dir/go.sum" "$work/go.sum"
    printf '\nrequire k8s.io/kubernetes v%s\n' "$kube" >> "$work/go.mod"
    # Stamped as a release build is: the API server reports its version (kubectl's skew check, /version).
    local v="k8s.io/component-base/version" ldflags
    ldflags="-X $v.gitVersion=v$kube -X $v.gitMajor=${kube%%.*} -X $v.gitMinor=$(cut -d. -f2 <<<"$kube") -X $v.gitTreeState=clean"
    mkdir -p "$out/bin"
    (cd "$work" && go build -mod=mod -trimpath -ldflags "$ldflags" -o "$out/bin/" $(for b in $kube_binaries; do echo "k8s.io/kubernetes/cmd/$b"; done)) ||
        die "building Kubernetes v$kube failed"
    for b in $kube_binaries; do
        reports "v$kube" "$out/bin/$b" --version || [ "$b" = kubectl ] || die "the built $b does not report v$kube"
    done
    reports "v$kube" "$out/bin/kubectl" version --client || die "the built kubectl does not report v$kube"
}
tool_dir kubernetes "$kube" "$(for b in $kube_binaries; do echo "bin/$b"; done)" "k8s.io/kubernetes@v$kube staging v$kube_staging CGO_ENABLED=0 $kube_binaries" build_kubernetes
fi

# --- etcd: our wrapper main module tools/etcd ------------------------------------------------------
# etcd's own main module replaces its sibling modules by local paths; tools/etcd calls the server
# module's etcdmain.Main with the release's dependency versions (its go.mod and go.sum, committed).
if want etcd; then
etcd_version=$(pin testCluster.etcd.version)
build_etcd() {
    local out=$1 have
    grep -q "^require go.etcd.io/etcd/server/v3 v$etcd_version\$" "$root/tools/etcd/go.mod" ||
        die "tools/etcd/go.mod does not require go.etcd.io/etcd/server/v3 v$etcd_version (versions.json testCluster.etcd.version)"
    mkdir -p "$out/bin"
    (cd "$root/tools/etcd" && go build -mod=readonly -trimpath -ldflags "-X go.etcd.io/etcd/api/v3/version.GitSHA=v$etcd_version" -o "$out/bin/etcd" .) ||
        die "building etcd $etcd_version failed"
    have=$("$out/bin/etcd" --version | awk '/^etcd Version:/ { print $3 }')
    [ "$have" = "$etcd_version" ] || die "the built etcd reports version $have, not $etcd_version"
}
tool_dir etcd "$etcd_version" "bin/etcd" "tools/etcd $(cat "$root/tools/etcd/go.mod" "$root/tools/etcd/go.sum" "$root/tools/etcd/main.go" | sha256sum | cut -c1-16) CGO_ENABLED=0" build_etcd
fi

# --- kwok: fake nodes and kubelet, with its own stage definitions ---------------------------------
if want kwok; then
kwok_version=$(pin testCluster.kwok.version)
kwok_stages="node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml"
build_kwok() {
    local out=$1 dir f
    build_module sigs.k8s.io/kwok "v$kwok_version" sigs.k8s.io/kwok/cmd/kwok "$out/bin/kwok"
    reports "v$kwok_version" "$out/bin/kwok" --version || die "the built kwok does not report v$kwok_version"
    # The stages kwokctl runs by default: nodes Ready with a Lease, pods Ready, Job pods complete, deletion.
    dir=$(module_info "sigs.k8s.io/kwok@v$kwok_version" Dir)
    mkdir -p "$out/stages"
    for f in $kwok_stages; do cp "$dir/kustomize/stage/$f" "$out/stages/$(basename "$f")"; done
}
tool_dir kwok "$kwok_version" "bin/kwok $(for f in $kwok_stages; do echo "stages/$(basename "$f")"; done)" "sigs.k8s.io/kwok@v$kwok_version CGO_ENABLED=0 $kwok_stages" build_kwok
fi

# --- cert-manager: the real controller, and the deployed chart version's CRDs ---------------------
# The controller's own module (cmd/controller) is not served; the root module held cmd/controller up
# to v1.11.x (versions.json testCluster.certManagerController says why that version). The CRDs are
# those of the chart we deploy, from deploy/crds of the root module at that version (plain YAML).
if want cert-manager; then
cm_controller=$(pin testCluster.certManagerController.version)
cm_chart=$(pin certManager.chartVersion)
build_cert_manager() {
    local out=$1 dir
    build_module github.com/cert-manager/cert-manager "v$cm_controller" github.com/cert-manager/cert-manager/cmd/controller "$out/bin/cert-manager-controller"
    [[ "$(go version -m "$out/bin/cert-manager-controller")" =~ github\.com/cert-manager/cert-manager[[:space:]]+v${cm_controller//./\\.}([[:space:]]|$) ]] ||
        die "the built cert-manager controller is not v$cm_controller"
    dir=$(module_info "github.com/cert-manager/cert-manager@$cm_chart" Dir)
    mkdir -p "$out/crds-$cm_chart"
    cp "$dir"/deploy/crds/*.yaml "$out/crds-$cm_chart/"
    if grep -l '{{' "$out/crds-$cm_chart"/*.yaml; then die "cert-manager $cm_chart deploy/crds holds templates, not plain YAML"; fi
}
tool_dir cert-manager "$cm_controller" "bin/cert-manager-controller crds-$cm_chart/cert-manager.io_certificates.yaml crds-$cm_chart/cert-manager.io_clusterissuers.yaml" \
    "github.com/cert-manager/cert-manager@v$cm_controller cmd/controller CGO_ENABLED=0; CRDs of $cm_chart" build_cert_manager
fi

# --- Gateway API CRDs (standard channel) ----------------------------------------------------------
if want gateway-api; then
gateway_api=$(pin testCluster.gatewayApi.version)
fetch_gateway_api() {
    local out=$1 dir
    dir=$(module_info "sigs.k8s.io/gateway-api@v$gateway_api" Dir)
    mkdir -p "$out/crds"
    cp "$dir"/config/crd/standard/*.yaml "$out/crds/"
}
tool_dir gateway-api "$gateway_api" "crds/gateway.networking.k8s.io_httproutes.yaml crds/gateway.networking.k8s.io_referencegrants.yaml" \
    "sigs.k8s.io/gateway-api@v$gateway_api config/crd/standard" fetch_gateway_api
fi

# --- Ingress controllers' CRDs: what enforces the VPN ranges ---------------------------------------
if want controller-crds; then
traefik=$(pin testCluster.traefik.version)
envoy_gateway=$(pin testCluster.envoyGateway.version)
fetch_controller_crds() {
    local out=$1 dir
    mkdir -p "$out/traefik" "$out/envoy-gateway"
    dir=$(module_info "github.com/traefik/traefik/v3@v$traefik" Dir)
    cp "$dir/docs/content/reference/dynamic-configuration/kubernetes-crd-definition-v1.yml" "$out/traefik/crds.yaml"
    dir=$(module_info "github.com/envoyproxy/gateway@v$envoy_gateway" Dir)
    cp "$dir"/charts/gateway-helm/charts/crds/crds/generated/gateway.envoyproxy.io_*.yaml "$out/envoy-gateway/"
    if grep -l '{{' "$out"/*/*.yaml; then die "a controller's CRDs hold templates, not plain YAML"; fi
}
tool_dir controller-crds "traefik-$traefik-envoy-gateway-$envoy_gateway" "traefik/crds.yaml envoy-gateway/gateway.envoyproxy.io_securitypolicies.yaml" \
    "github.com/traefik/traefik/v3@v$traefik github.com/envoyproxy/gateway@v$envoy_gateway CRDs" fetch_controller_crds
fi

# --- prometheus-operator CRDs: PodMonitor and PrometheusRule, as kube-prometheus-stack installs them -
if want prometheus-operator-crds; then
prometheus_operator=$(pin testCluster.prometheusOperator.version)
fetch_prometheus_operator_crds() {
    local out=$1 dir
    mkdir -p "$out/crds"
    dir=$(module_info "github.com/prometheus-operator/prometheus-operator@v$prometheus_operator" Dir)
    cp "$dir"/example/prometheus-operator-crd/monitoring.coreos.com_{podmonitors,servicemonitors,prometheusrules}.yaml "$out/crds/"
}
tool_dir prometheus-operator-crds "$prometheus_operator" "crds/monitoring.coreos.com_podmonitors.yaml crds/monitoring.coreos.com_prometheusrules.yaml" \
    "github.com/prometheus-operator/prometheus-operator@v$prometheus_operator CRDs" fetch_prometheus_operator_crds
fi

echo "tools ready in $cache:$wanted"
