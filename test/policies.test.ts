import { unlinkSync, writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import { evaluate } from "../policies/evaluate";
import type { Json, PolicyInput } from "../policies/resource-view";
import type { CheckReport } from "../scripts/check";
import { exposureConfig, ssoConfig } from "./support/minimal-config";
import { projectDir, runCheck } from "./support/resources";

const stacks: Record<string, PolicyInput[]> = {};

beforeAll(() => {
    for (const stack of ["dev", "prod"]) {
        const run = runCheck(["--stack", stack, "--json"]);
        expect(run.status).toBe(0);
        stacks[stack] = (JSON.parse(run.stdout) as CheckReport).resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs }));
    }
});

const clone = (rs: PolicyInput[]): PolicyInput[] => JSON.parse(JSON.stringify(rs)) as PolicyInput[];
const named = (rs: PolicyInput[], type: string, metadataName: string): Json => {
    const r = rs.find((x) => x.type === type && (x.props.metadata as Json | undefined)?.name === metadataName);
    if (r === undefined) throw new Error(`no ${type} ${metadataName}`);
    return r.props;
};
const podOf = (props: Json): Json => ((props.spec as Json).template as Json).spec as Json;
const firstContainer = (props: Json): Json => (podOf(props).containers as Json[])[0];
const policiesFailing = (rs: PolicyInput[], overrides = {}) => [...new Set(evaluate(rs, overrides).map((v) => v.policy))];

/** A broken copy of a stack, the policies it must trip (and no others), and how it is broken. */
const variants: [string, string | string[], (rs: PolicyInput[]) => void][] = [
    ["a LoadBalancer Service", "no-external-service", (rs) => ((named(rs, "kubernetes:core/v1:Service", "jaeger-query").spec as Json).type = "LoadBalancer")],
    ["a NodePort Service", "no-external-service", (rs) => ((named(rs, "kubernetes:core/v1:Service", "elasticsearch").spec as Json).type = "NodePort")],
    ["externalIPs on a Service", "no-external-service", (rs) => ((named(rs, "kubernetes:core/v1:Service", "otel-agent").spec as Json).externalIPs = ["203.0.113.7"])],
    ["hostNetwork on the agent", "no-host-network", (rs) => (podOf(named(rs, "kubernetes:apps/v1:DaemonSet", "otel-agent")).hostNetwork = true)],
    ["a hostPort on the agent", "no-host-network", (rs) => ((firstContainer(named(rs, "kubernetes:apps/v1:DaemonSet", "otel-agent")).ports as Json[])[1].hostPort = 4318)],
    ["a public ingress class", "ingress-internal-class", (rs) => ((named(rs, "kubernetes:networking.k8s.io/v1:Ingress", "jaeger-ui").spec as Json).ingressClassName = "nginx")],
    ["an Ingress without TLS", "ingress-tls-required", (rs) => delete (named(rs, "kubernetes:networking.k8s.io/v1:Ingress", "jaeger-ui").spec as Json).tls],
    [
        "an Ingress open to the Internet",
        "ingress-vpn-only",
        (rs) => (((named(rs, "kubernetes:networking.k8s.io/v1:Ingress", "jaeger-ui").metadata as Json).annotations as Json)["nginx.ingress.kubernetes.io/whitelist-source-range"] = "0.0.0.0/0"),
    ],
    ["an Ingress without a source-range allowlist", "ingress-vpn-only", (rs) => delete (named(rs, "kubernetes:networking.k8s.io/v1:Ingress", "jaeger-ui").metadata as Json).annotations],
    [
        "an Ingress straight to Jaeger",
        "ui-only-through-sso",
        (rs) => {
            const rule = ((named(rs, "kubernetes:networking.k8s.io/v1:Ingress", "jaeger-ui").spec as Json).rules as Json[])[0];
            (((rule.http as Json).paths as Json[])[0].backend as Json).service = { name: "jaeger-query", port: { number: 16686 } };
        },
    ],
    [
        "insecure SSO cookies",
        "sso-proxy-secure",
        (rs) => {
            const c = firstContainer(named(rs, "kubernetes:apps/v1:Deployment", "oauth2-proxy"));
            c.args = (c.args as string[]).map((a) => (a === "--cookie-secure=true" ? "--cookie-secure=false" : a));
        },
    ],
    [
        "SSO open to any e-mail domain without groups",
        "sso-proxy-secure",
        (rs) => {
            const c = firstContainer(named(rs, "kubernetes:apps/v1:Deployment", "oauth2-proxy"));
            c.args = (c.args as string[]).filter((a) => !a.startsWith("--allowed-group=") && !a.startsWith("--email-domain=")).concat("--email-domain=*");
        },
    ],
    [
        "--reverse-proxy without trusted proxy ranges",
        "sso-proxy-secure",
        (rs) => {
            const c = firstContainer(named(rs, "kubernetes:apps/v1:Deployment", "oauth2-proxy"));
            c.args = (c.args as string[]).filter((a) => !a.startsWith("--trusted-proxy-ip="));
        },
    ],
    // Without the proxy the Ingress also points at a Service with nothing behind it that logs anyone in.
    ["SSO turned off", ["ui-only-through-sso", "sso-in-front-of-ui"], (rs) => rs.splice(rs.findIndex((r) => r.type === "kubernetes:apps/v1:Deployment" && (r.props.metadata as Json).name === "oauth2-proxy"), 1)],
    ["a retention above the maximum", "retention-within-limits", (rs) => (firstContainer({ spec: { template: (((named(rs, "kubernetes:batch/v1:CronJob", "jaeger-es-index-cleaner").spec as Json).jobTemplate as Json).spec as Json).template } }).args = ["45", "https://es:9200"])],
    ["no index cleaner", "retention-within-limits", (rs) => rs.splice(rs.findIndex((r) => r.type === "kubernetes:batch/v1:CronJob"), 1)],
    [
        "an oversized Elasticsearch volume",
        "storage-within-limits",
        (rs) => ((((named(rs, "kubernetes:apps/v1:StatefulSet", "elasticsearch").spec as Json).volumeClaimTemplates as Json[])[0].spec as Json).resources = { requests: { storage: "2Ti" } }),
    ],
    [
        "an uncapped in-memory store",
        "memory-store-capped",
        (rs) => {
            const cm = rs.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && String((r.props.metadata as Json).name).startsWith("jaeger"));
            if (cm === undefined) throw new Error("no Jaeger ConfigMap");
            (cm.props.data as Json)["config.yaml"] = "extensions:\n  jaeger_storage:\n    backends:\n      traces:\n        memory: {}\n";
        },
    ],
    [
        "an agent pipeline without redaction",
        "pii-scrubbed-before-export",
        (rs) => {
            const data = named(rs, "kubernetes:core/v1:ConfigMap", "otel-agent").data as Json;
            data["config.yaml"] = String(data["config.yaml"]).replace(/^(\s+)- redaction\/pii\n/m, "");
        },
    ],
    [
        "a literal Elasticsearch password",
        "secrets-from-secret-store",
        (rs) => (firstContainer(named(rs, "kubernetes:apps/v1:StatefulSet", "elasticsearch")).env as Json[]).push({ name: "ES_PASSWORD", value: "hunter2" }),
    ],
    ["a password in a config file", "secrets-from-secret-store", (rs) => ((named(rs, "kubernetes:core/v1:ConfigMap", "otel-gateway").data as Json)["extra.yaml"] = "auth:\n  password: hunter2\n")],
    ["an image on latest", "workload-hardening", (rs) => (firstContainer(named(rs, "kubernetes:apps/v1:Deployment", "oauth2-proxy")).image = "quay.io/oauth2-proxy/oauth2-proxy:latest")],
    ["a container without limits", "workload-hardening", (rs) => delete firstContainer(named(rs, "kubernetes:apps/v1:Deployment", "oauth2-proxy")).resources],
    ["a namespace without default deny", "network-policy-coverage", (rs) => rs.splice(rs.findIndex((r) => r.type.endsWith(":NetworkPolicy") && (r.props.metadata as Json).name === "default-deny-all"), 1)],
    ["a workload without its own NetworkPolicy", "network-policy-coverage", (rs) => rs.splice(rs.findIndex((r) => r.type.endsWith(":NetworkPolicy") && (r.props.metadata as Json).name === "otel-gateway"), 1)],
];

describe.each(["dev", "prod"])("policies on stack %s", (stack) => {
    it("pass on the stack as committed, advisory ones included", () => {
        expect(evaluate(stacks[stack])).toEqual([]);
    });

    it.each(variants)("fail on %s with %s, and only that", (_what, policy, breakIt) => {
        const broken = clone(stacks[stack]);
        breakIt(broken);
        expect(policiesFailing(broken)).toEqual(Array.isArray(policy) ? policy : [policy]);
    });
});

describe("policy settings", () => {
    it("a stricter maxRetentionDays turns prod red and leaves dev green", () => {
        const stricter = { "retention-within-limits": { maxRetentionDays: 7 } };
        const prod = evaluate(stacks.prod, stricter);
        expect(prod.map((v) => v.policy)).toEqual(["retention-within-limits"]);
        expect(prod[0].message).toContain("keeps 14 days of traces; the limit is 1 to 7");
        expect(evaluate(stacks.dev, stricter)).toEqual([]);
    });

    it("a narrower allowedSourceRanges rejects the VPN range", () => {
        expect(policiesFailing(stacks.dev, { "ingress-vpn-only": { allowedSourceRanges: ["192.168.0.0/16"] } })).toEqual(["ingress-vpn-only"]);
    });

    it("an enforcement level can be lowered or a policy disabled", () => {
        const broken = clone(stacks.dev);
        (named(broken, "kubernetes:core/v1:Service", "jaeger-query").spec as Json).type = "LoadBalancer";
        expect(evaluate(broken, { "no-external-service": "advisory" })[0].enforcementLevel).toBe("advisory");
        expect(evaluate(broken, { "no-external-service": "disabled" })).toEqual([]);
    });
});

describe("npm run check with the policy pack", () => {
    const file = join(projectDir, `Pulumi.test-policy-${process.pid}.yaml`);
    const stack = `test-policy-${process.pid}`;
    afterEach(() => unlinkSync(file));

    const writeStack = (config: Json): void => {
        writeFileSync(file, stringify({ config: { "tracing:sso": ssoConfig, "tracing:exposure": exposureConfig, ...config } }));
    };

    it("exits 1 naming the policy when a stack opens the UI to the Internet", () => {
        writeStack({ "tracing:exposure": { ...exposureConfig, sourceRanges: ["0.0.0.0/0"] } });
        const run = runCheck(["--stack", stack, "--json"]);
        expect(run.status).toBe(1);
        expect(run.stderr).toContain("ingress-vpn-only");
        expect((JSON.parse(run.stdout) as CheckReport).violations.map((v) => v.policy)).toEqual(["ingress-vpn-only"]);
    });

    it("exits 1 naming the policy when retention is above the maximum", () => {
        writeStack({ "tracing:retentionDays": 45 });
        const run = runCheck(["--stack", stack]);
        expect(run.status).toBe(1);
        expect(run.stdout).toContain("[mandatory] retention-within-limits: jaeger-es-index-cleaner keeps 45 days");
    });

    it("honours --policy-config like pulumi's --policy-pack-config", () => {
        writeStack({ "tracing:retentionDays": 45 });
        const settings = join(projectDir, `Pulumi.test-policy-${process.pid}.json`);
        writeFileSync(settings, JSON.stringify({ "retention-within-limits": { maxRetentionDays: 60 } }));
        try {
            expect(runCheck(["--stack", stack, "--policy-config", settings]).status).toBe(0);
        } finally {
            unlinkSync(settings);
        }
    });

    it("cannot turn SSO off at all: the configuration itself is refused (exit 2)", () => {
        writeFileSync(file, stringify({ config: { "tracing:exposure": exposureConfig } }));
        const run = runCheck(["--stack", stack]);
        expect(run.status).toBe(2);
        expect(run.stderr).toContain("tracing:sso must be an object");
    });
});
