import { createHash } from "crypto";
import { existsSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import type { Json, PolicyInput } from "../../policies/resource-view";
import type { CheckReport } from "../../scripts/check";
import { runCheck } from "./resources";

/** What `npm run check --json` registers for a stack, as policies see it (inputs as props). */
export function stackResources(stack: string, configFile?: string): PolicyInput[] {
    return cachedReport(stack, configFile)
        .resources.filter((r) => r.readId === undefined)
        .map((r) => ({ type: r.type, name: r.name, props: r.inputs }));
}

/**
 * A mutation run over the policies (stryker.config.mjs sets STACK_RESOURCES_CACHE) changes the
 * policies, never the program, so each stack is simulated once per run, not once per mutant: keyed by
 * the stack and the config file's contents. Without the variable, nothing is cached.
 */
function cachedReport(stack: string, configFile?: string): CheckReport {
    const dir = process.env.STACK_RESOURCES_CACHE;
    if (dir === undefined) return checkReport(stack, configFile);
    const key = createHash("sha256")
        .update(`${stack}\0${configFile === undefined ? "" : readFileSync(configFile, "utf8")}`)
        .digest("hex");
    const file = join(dir, `${key}.json`);
    if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as CheckReport;
    const report = checkReport(stack, configFile);
    writeFileSync(file, JSON.stringify(report));
    return report;
}

function checkReport(stack: string, configFile?: string): CheckReport {
    const run = runCheck([
        "--stack",
        stack,
        "--json",
        ...(configFile === undefined ? [] : ["--config-file", configFile]),
    ]);
    if (run.status !== 0) throw new Error(`npm run check --stack ${stack} exited ${String(run.status)}: ${run.stderr}`);
    return JSON.parse(run.stdout) as CheckReport;
}

export const clone = (rs: PolicyInput[]): PolicyInput[] => JSON.parse(JSON.stringify(rs)) as PolicyInput[];

export const named = (rs: PolicyInput[], type: string, metadataName: string): Json => {
    const r = rs.find((x) => x.type === type && (x.props.metadata as Json | undefined)?.name === metadataName);
    if (r === undefined) throw new Error(`no ${type} ${metadataName}`);
    return r.props;
};

const kindOf = (type: string): string => type.slice(type.lastIndexOf(":") + 1);
/** The first resource of a kind (any API group) whose metadata.name starts with `prefix`. */
export const namedLike = (rs: PolicyInput[], kind: string, prefix: string): Json => {
    const r = rs.find(
        (x) => kindOf(x.type) === kind && String((x.props.metadata as Json | undefined)?.name).startsWith(prefix),
    );
    if (r === undefined) throw new Error(`no ${kind} ${prefix}*`);
    return r.props;
};

export const podOf = (props: Json): Json => ((props.spec as Json).template as Json).spec as Json;
export const firstContainer = (props: Json): Json => (podOf(props).containers as Json[])[0];
export const cronContainer = (props: Json): Json =>
    (
        (((((props.spec as Json).jobTemplate as Json).spec as Json).template as Json).spec as Json).containers as Json[]
    )[0];

/** Takes a Deployment out of the stack, as if the program had not rendered it. */
function removeDeployment(rs: PolicyInput[], name: string): void {
    const at = rs.findIndex(
        (r) => r.type === "kubernetes:apps/v1:Deployment" && (r.props.metadata as Json).name === name,
    );
    if (at < 0) throw new Error(`no Deployment ${name}`);
    rs.splice(at, 1);
}
const oauth2Proxy = (rs: PolicyInput[]): Json =>
    firstContainer(named(rs, "kubernetes:apps/v1:Deployment", "oauth2-proxy"));
const cleaner = (rs: PolicyInput[]): Json =>
    cronContainer(named(rs, "kubernetes:batch/v1:CronJob", "jaeger-es-index-cleaner"));
const route = (rs: PolicyInput[]): Json => {
    const r = rs.find(
        (x) => ["Ingress", "HTTPRoute"].includes(kindOf(x.type)) && (x.props.metadata as Json).name === "jaeger-ui",
    );
    if (r === undefined) throw new Error("no Ingress or HTTPRoute jaeger-ui");
    return r.props;
};
/** The objects that enforce the VPN ranges of the UI's route (a Traefik Middleware, an Envoy Gateway SecurityPolicy). */
const guardKinds = ["traefik.io/v1alpha1:Middleware", "gateway.envoyproxy.io/v1alpha1:SecurityPolicy"];
const isGuard = (r: PolicyInput): boolean => guardKinds.some((k) => r.type === `kubernetes:${k}`);

/** Sets the ranges the route's guard admits, whatever form it has. */
function setGuardRanges(rs: PolicyInput[], ranges: string[]): void {
    const guards = rs.filter(isGuard);
    if (guards.length === 0) throw new Error("the route has no guarding object");
    for (const g of guards) {
        const spec = g.props.spec as Json;
        if (g.type.endsWith(":Middleware")) (spec.ipAllowList as Json).sourceRange = ranges;
        else
            for (const rule of (spec.authorization as Json).rules as Json[])
                (rule.principal as Json).clientCIDRs = ranges;
    }
}

/** Removes what guards the route: the guarding objects, their annotation and filters. */
function removeGuards(rs: PolicyInput[]): void {
    for (let i = rs.length - 1; i >= 0; i--) if (isGuard(rs[i])) rs.splice(i, 1);
    delete (route(rs).metadata as Json).annotations;
    for (const rule of ((route(rs).spec as Json).rules as Json[] | undefined) ?? []) delete rule.filters;
}

const agentConfig = (rs: PolicyInput[]): Json => named(rs, "kubernetes:core/v1:ConfigMap", "otel-agent").data as Json;

/** A way of breaking a stack: what it does, the policies it must trip (and no others), the mutation. */
export type Variant = [string, string | string[], (rs: PolicyInput[]) => void];

/** Broken copies of a stack as it is deployed in either exposure mode. */
export const commonVariants: Variant[] = [
    [
        "a LoadBalancer Service",
        "no-external-service",
        (rs) => ((named(rs, "kubernetes:core/v1:Service", "jaeger-query").spec as Json).type = "LoadBalancer"),
    ],
    [
        "a NodePort Service",
        "no-external-service",
        (rs) => ((named(rs, "kubernetes:core/v1:Service", "oauth2-proxy").spec as Json).type = "NodePort"),
    ],
    [
        "externalIPs on a Service",
        "no-external-service",
        (rs) => ((named(rs, "kubernetes:core/v1:Service", "otel-agent").spec as Json).externalIPs = ["203.0.113.7"]),
    ],
    [
        "hostNetwork on the agent",
        "no-host-network",
        (rs) => (podOf(named(rs, "kubernetes:apps/v1:DaemonSet", "otel-agent")).hostNetwork = true),
    ],
    [
        "a hostPort on the agent",
        "no-host-network",
        (rs) =>
            ((firstContainer(named(rs, "kubernetes:apps/v1:DaemonSet", "otel-agent")).ports as Json[])[1].hostPort =
                4318),
    ],
    ["a route open to the Internet", "ingress-vpn-only", (rs) => setGuardRanges(rs, ["0.0.0.0/0"])],
    ["a route without a source-range allowlist", "ingress-vpn-only", (rs) => removeGuards(rs)],
    [
        "a route guarded only by an annotation no controller reads",
        "ingress-vpn-only",
        (rs) => {
            removeGuards(rs);
            (route(rs).metadata as Json).annotations = { "tracing-platform/source-ranges": "10.8.0.0/16" };
        },
    ],
    [
        "a GRPCRoute straight to Jaeger's query API",
        ["ingress-vpn-only", "ui-only-through-sso"],
        (rs) =>
            rs.push({
                type: "kubernetes:gateway.networking.k8s.io/v1:GRPCRoute",
                name: "jaeger-grpc",
                props: {
                    metadata: { name: "jaeger-grpc", namespace: "tracing" },
                    spec: {
                        parentRefs: [{ name: "internal", namespace: "gateway-internal" }],
                        rules: [{ backendRefs: [{ name: "jaeger-query", port: 16685 }] }],
                    },
                },
            }),
    ],
    [
        "insecure SSO cookies",
        "sso-proxy-secure",
        (rs) => {
            const c = oauth2Proxy(rs);
            c.args = (c.args as string[]).map((a) => (a === "--cookie-secure=true" ? "--cookie-secure=false" : a));
        },
    ],
    [
        "an SSO proxy that is not OIDC",
        "sso-proxy-secure",
        (rs) =>
            (oauth2Proxy(rs).args = (oauth2Proxy(rs).args as string[]).map((a) =>
                a === "--provider=oidc" ? "--provider=github" : a,
            )),
    ],
    [
        "SSO open to any e-mail domain without groups",
        // With team views, also a view proxy that admits no group.
        ["sso-proxy-secure", "view-proxies-admit-groups"],
        (rs) => {
            const c = oauth2Proxy(rs);
            c.args = (c.args as string[])
                .filter((a) => !a.startsWith("--allowed-group=") && !a.startsWith("--email-domain="))
                .concat("--email-domain=*");
        },
    ],
    [
        "--reverse-proxy without trusted proxy ranges",
        "sso-proxy-secure",
        (rs) => {
            const c = oauth2Proxy(rs);
            c.args = (c.args as string[]).filter((a) => !a.startsWith("--trusted-proxy-ip="));
        },
    ],
    [
        "a path let through without login (flag)",
        "sso-proxy-secure",
        (rs) => (oauth2Proxy(rs).args as string[]).push("--skip-auth-route=GET=^/api/"),
    ],
    [
        "a path let through without login (environment)",
        "sso-proxy-secure",
        (rs) => (oauth2Proxy(rs).env as Json[]).push({ name: "OAUTH2_PROXY_SKIP_AUTH_ROUTES", value: "^/api/" }),
    ],
    // Without the proxy the route also points at a Service with nothing behind it that logs anyone in.
    ["SSO turned off", ["ui-only-through-sso", "sso-in-front-of-ui"], (rs) => removeDeployment(rs, "oauth2-proxy")],
    [
        "a team view without its SSO proxy",
        ["ui-only-through-sso", "sso-in-front-of-ui"],
        (rs) => removeDeployment(rs, "oauth2-proxy-shop"),
    ],
    [
        "a team view's proxy admitting its whole e-mail domain",
        "view-proxies-admit-groups",
        (rs) => {
            const c = firstContainer(named(rs, "kubernetes:apps/v1:Deployment", "oauth2-proxy-crm"));
            c.args = (c.args as string[]).filter((a) => !a.startsWith("--allowed-group="));
        },
    ],
    [
        "a team view reading the all view's indices",
        "view-indices-separate",
        (rs) => {
            const data = named(rs, "kubernetes:core/v1:ConfigMap", "jaeger-shop").data as Json;
            data["config.yaml"] = String(data["config.yaml"]).replace(/index_prefix: (\S+)-shop/, "index_prefix: $1");
        },
    ],
    ["a retention above the maximum", "retention-within-limits", (rs) => ((cleaner(rs).args as string[])[0] = "45")],
    [
        "no index cleaner",
        "retention-within-limits",
        (rs) =>
            rs.splice(
                rs.findIndex((r) => r.type === "kubernetes:batch/v1:CronJob"),
                1,
            ),
    ],
    [
        "a suspended index cleaner",
        "retention-within-limits",
        (rs) => ((named(rs, "kubernetes:batch/v1:CronJob", "jaeger-es-index-cleaner").spec as Json).suspend = true),
    ],
    [
        "an index cleaner cleaning another cluster",
        "retention-within-limits",
        (rs) => ((cleaner(rs).args as string[])[1] = "https://elasticsearch.elsewhere.svc.cluster.local:9200"),
    ],
    [
        "an index cleaner with another index prefix",
        "retention-within-limits",
        (rs) => (((cleaner(rs).env as Json[]).find((e) => e.name === "INDEX_PREFIX") as Json).value = "traces"),
    ],
    [
        "an uncapped in-memory store",
        "memory-store-capped",
        (rs) => {
            const data = namedLike(rs, "ConfigMap", "jaeger").data as Json;
            data["config.yaml"] = "extensions:\n  jaeger_storage:\n    backends:\n      traces:\n        memory: {}\n";
        },
    ],
    [
        "an agent pipeline without redaction",
        "pii-scrubbed-before-export",
        (rs) => {
            const data = agentConfig(rs);
            data["config.yaml"] = String(data["config.yaml"]).replace(/^(\s+)- redaction\/pii\n/m, "");
        },
    ],
    [
        "a second agent traces pipeline that skips the scrubbing",
        ["pii-scrubbed-before-export", "client-address-not-stored"],
        (rs) => {
            const data = agentConfig(rs);
            data["config.yaml"] = String(data["config.yaml"]).replace(
                /^(\s+)pipelines:\n/m,
                (_m, indent: string) =>
                    `${indent}pipelines:\n${indent}  traces/raw:\n${indent}    receivers: [otlp]\n${indent}    processors: [batch]\n${indent}    exporters: [load_balancing]\n`,
            );
        },
    ],
    [
        "an agent that leaves status messages unmasked",
        "pii-scrubbed-before-export",
        (rs) => {
            const data = agentConfig(rs);
            data["config.yaml"] = String(data["config.yaml"]).replace(
                /^\s+- replace_pattern\(span\.status\.message,.*\n/m,
                "",
            );
        },
    ],
    [
        "an agent whose redaction scans strings only (captured headers are lists)",
        "pii-scrubbed-before-export",
        (rs) => {
            const data = agentConfig(rs);
            data["config.yaml"] = String(data["config.yaml"]).replace(
                "redact_all_types: true",
                "redact_all_types: false",
            );
        },
    ],
    [
        "an agent that keeps the customer's address",
        "client-address-not-stored",
        (rs) => {
            const data = agentConfig(rs);
            data["config.yaml"] = String(data["config.yaml"]).replace(
                /^(\s+)- span\.kind == SPAN_KIND_SERVER\n/gm,
                "$1- span.kind == SPAN_KIND_CLIENT\n",
            );
        },
    ],
    [
        "a literal Elasticsearch password",
        "secrets-from-secret-store",
        (rs) => (cleaner(rs).env as Json[]).push({ name: "ES_PASSWORD", value: "hunter2" }),
    ],
    [
        "the cookie secret read from a ConfigMap",
        "secrets-from-secret-store",
        (rs) => {
            const env = (oauth2Proxy(rs).env as Json[]).find((e) => e.name === "OAUTH2_PROXY_COOKIE_SECRET") as Json;
            env.valueFrom = { configMapKeyRef: { name: "oauth2-proxy", key: "cookie-secret" } };
        },
    ],
    [
        "a password in a config file",
        "secrets-from-secret-store",
        (rs) =>
            ((named(rs, "kubernetes:core/v1:ConfigMap", "otel-gateway").data as Json)["extra.yaml"] =
                "auth:\n  password: hunter2\n"),
    ],
    [
        "a password as a ConfigMap key",
        "secrets-from-secret-store",
        (rs) => ((named(rs, "kubernetes:core/v1:ConfigMap", "otel-gateway").data as Json).ES_PASSWORD = "hunter2"),
    ],
    [
        "credentials in a URL argument",
        "secrets-from-secret-store",
        (rs) =>
            (oauth2Proxy(rs).args as string[]).push(
                "--redeem-url=https://tracing:hunter2@sso.jewellery.internal/token",
            ),
    ],
    [
        "credentials in a URL in the environment",
        "secrets-from-secret-store",
        (rs) =>
            (cleaner(rs).env as Json[]).push({
                name: "ES_SERVER_URLS",
                value: "https://elastic:hunter2@elasticsearch:9200",
            }),
    ],
    [
        "an image on latest",
        "workload-hardening",
        (rs) => (oauth2Proxy(rs).image = "quay.io/oauth2-proxy/oauth2-proxy:latest"),
    ],
    ["an untagged image", "workload-hardening", (rs) => (cleaner(rs).image = "jaegertracing/jaeger-es-index-cleaner")],
    ["a container without limits", "workload-hardening", (rs) => delete oauth2Proxy(rs).resources],
    ["a container without probes", "workload-hardening", (rs) => delete oauth2Proxy(rs).readinessProbe],
    [
        "a privileged container",
        "platform-pods-restricted",
        (rs) => ((oauth2Proxy(rs).securityContext as Json).privileged = true),
    ],
    [
        "a container that may run as root",
        "platform-pods-restricted",
        (rs) => ((oauth2Proxy(rs).securityContext as Json).runAsNonRoot = false),
    ],
    [
        "a gateway container running as root",
        "platform-pods-restricted",
        (rs) => {
            const pod = ((named(rs, "kubernetes:apps/v1:StatefulSet", "otel-gateway").spec as Json).template as Json)
                .spec as Json;
            for (const c of [...((pod.initContainers as Json[] | undefined) ?? []), ...(pod.containers as Json[])])
                c.securityContext = { ...(c.securityContext as Json), runAsNonRoot: false, runAsUser: 0 };
            pod.securityContext = { ...(pod.securityContext as Json), runAsNonRoot: false, runAsUser: 0 };
        },
    ],
    [
        "a cleaner that may escalate privileges",
        "platform-pods-restricted",
        (rs) => ((cleaner(rs).securityContext as Json).allowPrivilegeEscalation = true),
    ],
    [
        "a container that keeps its capabilities",
        "platform-pods-restricted",
        (rs) => ((oauth2Proxy(rs).securityContext as Json).capabilities = { add: ["NET_ADMIN"] }),
    ],
    [
        "a container without a seccomp profile",
        "platform-pods-restricted",
        (rs) => ((oauth2Proxy(rs).securityContext as Json).seccompProfile = { type: "Unconfined" }),
    ],
    [
        "an Instrumentation that leaves the Node.js agent to the Operator's default",
        "instrumentation-agents-pinned",
        (rs) =>
            delete (
                (named(rs, "kubernetes:opentelemetry.io/v1alpha1:Instrumentation", "tracing").spec as Json)
                    .nodejs as Json
            ).image,
    ],
    [
        "an Instrumentation with the Java agent on latest",
        "instrumentation-agents-pinned",
        (rs) =>
            ((
                (named(rs, "kubernetes:opentelemetry.io/v1alpha1:Instrumentation", "tracing").spec as Json).java as Json
            ).image = "ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:latest"),
    ],
    [
        "a namespace without default deny",
        "network-policy-coverage",
        (rs) =>
            rs.splice(
                rs.findIndex(
                    (r) => r.type.endsWith(":NetworkPolicy") && (r.props.metadata as Json).name === "default-deny-all",
                ),
                1,
            ),
    ],
    [
        "a workload without its own NetworkPolicy",
        "network-policy-coverage",
        (rs) =>
            rs.splice(
                rs.findIndex(
                    (r) => r.type.endsWith(":NetworkPolicy") && (r.props.metadata as Json).name === "otel-gateway",
                ),
                1,
            ),
    ],
    [
        "the agent let out to any address on 443",
        "egress-not-open",
        (rs) =>
            ((
                (named(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "otel-agent").spec as Json).egress as Json[]
            )[1].to = [{ ipBlock: { cidr: "0.0.0.0/0" } }]),
    ],
    [
        "an ingress rule without sources",
        "ingress-from-named-peers",
        (rs) =>
            delete (
                (named(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "otel-gateway").spec as Json)
                    .ingress as Json[]
            )[0].from,
    ],
    [
        "the Jaeger query admitting 0.0.0.0/0",
        "ingress-from-named-peers",
        (rs) =>
            ((
                (named(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "jaeger-query").spec as Json)
                    .ingress as Json[]
            )[0].from = [{ ipBlock: { cidr: "0.0.0.0/0" } }]),
    ],
    [
        "the SSO proxy open to every namespace",
        ["ingress-from-named-peers", "ui-only-from-ingress-controller"],
        (rs) =>
            ((
                (named(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "oauth2-proxy").spec as Json)
                    .ingress as Json[]
            )[0].from = [{ namespaceSelector: {} }]),
    ],
    [
        "the SSO proxy reachable from an application namespace",
        "ui-only-from-ingress-controller",
        (rs) =>
            ((
                (named(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "oauth2-proxy").spec as Json)
                    .ingress as Json[]
            )[0].from = [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "shop" } } }]),
    ],
    [
        "an egress rule without destinations",
        "egress-not-open",
        (rs) =>
            delete (
                (named(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "otel-gateway").spec as Json)
                    .egress as Json[]
            )[0].to,
    ],
];

/** Broken copies of a stack that exposes the UI through an Ingress. */
export const ingressVariants: Variant[] = [
    [
        "an Elasticsearch container running as root (in-cluster Elasticsearch, as both stacks run it)",
        "platform-pods-restricted",
        (rs) => {
            const pod = ((named(rs, "kubernetes:apps/v1:StatefulSet", "elasticsearch").spec as Json).template as Json)
                .spec as Json;
            for (const c of pod.containers as Json[])
                c.securityContext = { ...(c.securityContext as Json), runAsUser: 0 };
        },
    ],
    [
        "a public ingress class",
        "ingress-internal-class",
        (rs) =>
            ((named(rs, "kubernetes:networking.k8s.io/v1:Ingress", "jaeger-ui").spec as Json).ingressClassName =
                "nginx"),
    ],
    [
        "an Ingress without TLS",
        "ingress-tls-required",
        (rs) => delete (named(rs, "kubernetes:networking.k8s.io/v1:Ingress", "jaeger-ui").spec as Json).tls,
    ],
    [
        "an Ingress straight to Jaeger",
        "ui-only-through-sso",
        (rs) => {
            const rule = (
                (named(rs, "kubernetes:networking.k8s.io/v1:Ingress", "jaeger-ui").spec as Json).rules as Json[]
            )[0];
            (((rule.http as Json).paths as Json[])[0].backend as Json).service = {
                name: "jaeger-query",
                port: { number: 16686 },
            };
        },
    ],
    [
        "an Ingress whose default backend is Elasticsearch",
        "ui-only-through-sso",
        (rs) =>
            ((named(rs, "kubernetes:networking.k8s.io/v1:Ingress", "jaeger-ui").spec as Json).defaultBackend = {
                service: { name: "elasticsearch", port: { number: 9200 } },
            }),
    ],
    [
        "an oversized Elasticsearch volume",
        "storage-within-limits",
        (rs) =>
            ((
                (
                    (named(rs, "kubernetes:apps/v1:StatefulSet", "elasticsearch").spec as Json)
                        .volumeClaimTemplates as Json[]
                )[0].spec as Json
            ).resources = { requests: { storage: "2Ti" } }),
    ],
];

/** Broken copies of a stack that exposes the UI through a Gateway API HTTPRoute. */
export const httpRouteVariants: Variant[] = [
    [
        "an HTTPRoute straight to Jaeger",
        "ui-only-through-sso",
        (rs) =>
            ((
                (
                    (named(rs, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "jaeger-ui").spec as Json)
                        .rules as Json[]
                )[0].backendRefs as Json[]
            )[0] = { name: "jaeger-query", port: 16686 }),
    ],
    [
        "an HTTPRoute to a proxy in another namespace",
        "ui-only-through-sso",
        (rs) =>
            ((
                (
                    (named(rs, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "jaeger-ui").spec as Json)
                        .rules as Json[]
                )[0].backendRefs as Json[]
            )[0].namespace = "default"),
    ],
    [
        "an HTTPRoute admitting a public range",
        "ingress-vpn-only",
        (rs) => setGuardRanges(rs, ["10.8.0.0/16", "198.51.100.0/24"]),
    ],
    [
        "a SecurityPolicy that allows everyone by default",
        "ingress-vpn-only",
        (rs) =>
            (((namedLike(rs, "SecurityPolicy", "jaeger-ui").spec as Json).authorization as Json).defaultAction =
                "Allow"),
    ],
];

/** A stack file for `npm run check` with the given config (YAML text). */
export const stackFileText = (config: Json): string => stringify({ config });
