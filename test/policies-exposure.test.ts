import { defaultConfig, type PackConfig } from "../policies/config";
import type { Json, PolicyInput } from "../policies/resource-view";
import {
    ingressInternalClass,
    ingressTls,
    ingressVpnOnly,
    noExternalService,
    noHostNetwork,
    uiOnlyThroughSso,
} from "../policies/rules/exposure";
import type { Violation } from "../policies/rule";

/*
 * The exposure rules judged directly on small inputs: how a Service, a pod, an Ingress or a Gateway
 * API route could let traces or the UI out of the company network, and what each rule says about it.
 * The stack variants break one thing each on a whole stack; these reach each branch on its own (each
 * Service type, each annotation a controller reads, each way a Middleware or a SecurityPolicy does or
 * does not guard a route, each way a backend is or is not the SSO proxy), with the exact messages, so
 * that a mutation run of policies/rules/exposure.ts finds what the variants let through.
 */

const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const SERVICE = "kubernetes:core/v1:Service";
const MIDDLEWARE = "kubernetes:traefik.io/v1alpha1:Middleware";
const SECURITY_POLICY = "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy";
const NS = "tracing";

const resource = (type: string, name: string, props: Json): PolicyInput => ({ type, name, props });
const withConfig = (patch: Partial<PackConfig>): PackConfig => ({ ...defaultConfig, ...patch });

describe("no-external-service", () => {
    const service = (spec?: Json): PolicyInput =>
        resource(
            SERVICE,
            "query",
            spec === undefined
                ? { metadata: { name: "jaeger-query" } }
                : {
                      metadata: { name: "jaeger-query" },
                      spec,
                  },
        );
    const judge = (r: PolicyInput): string[] => noExternalService.validateResource(r, defaultConfig);
    const typed = (type: string): string =>
        `Service jaeger-query is of type ${type}, which exposes it outside the cluster. Use type ClusterIP; the UI is reached only through the internal Ingress.`;
    const externalIPs =
        "Service jaeger-query sets externalIPs. Remove them; nothing of the tracing platform is published on node addresses.";

    it("is mandatory, judged per resource, with no settings", () => {
        expect([noExternalService.name, noExternalService.kind, noExternalService.enforcementLevel]).toStrictEqual([
            "no-external-service",
            "resource",
            "mandatory",
        ]);
        expect(noExternalService.description).toBe(
            "Traces stay inside the company: no LoadBalancer or NodePort Service and no externalIPs.",
        );
        expect(noExternalService.config).toBeUndefined();
    });

    it.each(["LoadBalancer", "NodePort"])("refuses a Service of type %s", (type) => {
        expect(judge(service({ type, ports: [{ port: 16686 }] }))).toStrictEqual([typed(type)]);
    });

    it.each([
        ["ClusterIP", { type: "ClusterIP" }],
        ["ExternalName (a DNS name, nothing published)", { type: "ExternalName", externalName: "es.example.com" }],
        ["no type (ClusterIP)", { ports: [{ port: 16686 }] }],
        ["a headless Service", { clusterIP: "None" }],
        ["an empty externalIPs list", { type: "ClusterIP", externalIPs: [] }],
        ["externalIPs that are no list", { externalIPs: "203.0.113.7" }],
    ])("accepts %s", (_what, spec) => {
        expect(judge(service(spec))).toStrictEqual([]);
    });

    it("accepts a Service without a spec", () => {
        expect(judge(service())).toStrictEqual([]);
    });

    it("refuses externalIPs on a ClusterIP Service", () => {
        expect(judge(service({ type: "ClusterIP", externalIPs: ["203.0.113.7"] }))).toStrictEqual([externalIPs]);
    });

    it("names both problems of a LoadBalancer with externalIPs, type first", () => {
        expect(judge(service({ type: "LoadBalancer", externalIPs: ["203.0.113.7", "203.0.113.8"] }))).toStrictEqual([
            typed("LoadBalancer"),
            externalIPs,
        ]);
    });

    it.each([
        ["a ServiceAccount (only named like a Service)", "kubernetes:core/v1:ServiceAccount"],
        ["a Deployment", "kubernetes:apps/v1:Deployment"],
        ["a Service of another provider", "aws:ecs/service:Service"],
    ])("leaves %s alone", (_what, type) => {
        const r = resource(type, "query", {
            metadata: { name: "jaeger-query" },
            spec: { type: "LoadBalancer", externalIPs: ["203.0.113.7"] },
        });
        expect(judge(r)).toStrictEqual([]);
    });
});

describe("no-host-network", () => {
    const workload = (pod: Json, type = "kubernetes:apps/v1:DaemonSet"): PolicyInput =>
        resource(type, "agent", { metadata: { name: "otel-agent" }, spec: { template: { spec: pod } } });
    const judge = (r: PolicyInput): string[] => noHostNetwork.validateResource(r, defaultConfig);
    const hostNetwork = "otel-agent uses hostNetwork. Remove it; reach the pods through ClusterIP Services.";
    const hostPort = (container: string, port: string): string =>
        `otel-agent: container ${container} publishes hostPort ${port}. Remove it; apps reach the node's agent through a Service with internalTrafficPolicy: Local.`;

    it("is mandatory, judged per resource, with no settings", () => {
        expect([noHostNetwork.name, noHostNetwork.kind, noHostNetwork.enforcementLevel]).toStrictEqual([
            "no-host-network",
            "resource",
            "mandatory",
        ]);
        expect(noHostNetwork.description).toBe(
            "No pod of ours shares the node's network: no hostNetwork, no hostPort.",
        );
        expect(noHostNetwork.config).toBeUndefined();
    });

    it("refuses hostNetwork", () => {
        expect(judge(workload({ hostNetwork: true, containers: [{ name: "agent" }] }))).toStrictEqual([hostNetwork]);
    });

    it.each([
        ["hostNetwork: false", { hostNetwork: false }],
        ["hostNetwork written as a string (not a boolean the API takes)", { hostNetwork: "true" }],
        ["no hostNetwork", {}],
    ])("accepts %s", (_what, pod) => {
        expect(judge(workload({ ...pod, containers: [{ name: "agent" }] }))).toStrictEqual([]);
    });

    it("refuses a hostPort, naming the container and the port", () => {
        const pod = {
            containers: [{ name: "agent", ports: [{ containerPort: 4317 }, { containerPort: 4318, hostPort: 4318 }] }],
        };
        expect(judge(workload(pod))).toStrictEqual([hostPort("agent", "4318")]);
    });

    it("refuses a hostPort of an init container", () => {
        const pod = {
            initContainers: [{ name: "setup", ports: [{ containerPort: 80, hostPort: 8080 }] }],
            containers: [{ name: "agent" }],
        };
        expect(judge(workload(pod))).toStrictEqual([hostPort("setup", "8080")]);
    });

    it.each([
        ["container ports only", [{ containerPort: 4317 }]],
        ["hostPort 0 (none)", [{ containerPort: 4317, hostPort: 0 }]],
        ["no ports", undefined],
    ])("accepts %s", (_what, ports) => {
        expect(judge(workload({ containers: [{ name: "agent", ports }] }))).toStrictEqual([]);
    });

    it("names every problem: hostNetwork first, then each hostPort, init containers before containers", () => {
        const pod = {
            hostNetwork: true,
            initContainers: [{ name: "setup", ports: [{ hostPort: 9000 }] }],
            containers: [{ name: "agent", ports: [{ hostPort: 4317 }, { hostPort: 4318 }] }],
        };
        expect(judge(workload(pod))).toStrictEqual([
            hostNetwork,
            hostPort("setup", "9000"),
            hostPort("agent", "4317"),
            hostPort("agent", "4318"),
        ]);
    });

    it.each([
        ["a Deployment", workload({ hostNetwork: true }, "kubernetes:apps/v1:Deployment")],
        ["a StatefulSet", workload({ hostNetwork: true }, "kubernetes:apps/v1:StatefulSet")],
        ["a Job", workload({ hostNetwork: true }, "kubernetes:batch/v1:Job")],
        [
            "a Pod",
            resource("kubernetes:core/v1:Pod", "agent", {
                metadata: { name: "otel-agent" },
                spec: { hostNetwork: true },
            }),
        ],
        [
            "a CronJob",
            resource("kubernetes:batch/v1:CronJob", "agent", {
                metadata: { name: "otel-agent" },
                spec: { jobTemplate: { spec: { template: { spec: { hostNetwork: true } } } } },
            }),
        ],
    ])("reads the pod of %s", (_what, r) => {
        expect(judge(r)).toStrictEqual([hostNetwork]);
    });

    it("leaves what runs no pod alone", () => {
        const r = resource(SERVICE, "agent", {
            metadata: { name: "otel-agent" },
            spec: { hostNetwork: true, template: { spec: { hostNetwork: true } } },
        });
        expect(judge(r)).toStrictEqual([]);
    });
});

const ingress = (metadata: Json, spec: Json = {}): PolicyInput =>
    resource(INGRESS, "ui", { metadata: { name: "jaeger-ui", namespace: NS, ...metadata }, spec });

describe("ingress-internal-class", () => {
    const judge = (r: PolicyInput, config = defaultConfig): string[] =>
        ingressInternalClass.validateResource(r, config);
    const refused = (cls: string, allowed = "nginx-internal, internal, traefik-internal"): string =>
        `Ingress jaeger-ui uses ingress class ${cls}. Set ingressClassName to an internal class: ${allowed}.`;
    const legacy = (cls: unknown): Json => ({ annotations: { "kubernetes.io/ingress.class": cls } });

    it("is mandatory, judged per resource, reading allowedIngressClasses", () => {
        expect([
            ingressInternalClass.name,
            ingressInternalClass.kind,
            ingressInternalClass.enforcementLevel,
        ]).toStrictEqual(["ingress-internal-class", "resource", "mandatory"]);
        expect(ingressInternalClass.description).toBe("Every Ingress uses one of the internal ingress classes.");
        expect(ingressInternalClass.config).toStrictEqual(["allowedIngressClasses"]);
    });

    it.each(defaultConfig.allowedIngressClasses)("accepts ingressClassName %s", (cls) => {
        expect(judge(ingress({}, { ingressClassName: cls }))).toStrictEqual([]);
    });

    it.each(defaultConfig.allowedIngressClasses)("accepts the legacy annotation naming %s", (cls) => {
        expect(judge(ingress(legacy(cls)))).toStrictEqual([]);
    });

    it.each([
        ["an external class", ingress({}, { ingressClassName: "nginx" }), "nginx"],
        ["an external class in the legacy annotation", ingress(legacy("nginx")), "nginx"],
        [
            "a class only beginning like an internal one",
            ingress({}, { ingressClassName: "internal-public" }),
            "internal-public",
        ],
        ["no class (the cluster's default, whatever it is)", ingress({}), "(none)"],
        ["a class that is no string", ingress({}, { ingressClassName: 7 }), "7"],
    ])("refuses %s, naming it", (_what, r, cls) => {
        expect(judge(r)).toStrictEqual([refused(cls)]);
    });

    it("reads ingressClassName before the legacy annotation", () => {
        expect(judge(ingress(legacy("nginx"), { ingressClassName: "internal" }))).toStrictEqual([]);
        expect(judge(ingress(legacy("internal"), { ingressClassName: "nginx" }))).toStrictEqual([refused("nginx")]);
    });

    it("takes the allowed classes from the config, and names them", () => {
        const config = withConfig({ allowedIngressClasses: ["corp-lan", "vpn"] });
        expect(judge(ingress({}, { ingressClassName: "vpn" }), config)).toStrictEqual([]);
        expect(judge(ingress({}, { ingressClassName: "internal" }), config)).toStrictEqual([
            refused("internal", "corp-lan, vpn"),
        ]);
    });

    it.each([
        ["an IngressClass", "kubernetes:networking.k8s.io/v1:IngressClass"],
        ["an HTTPRoute", HTTP_ROUTE],
    ])("leaves %s alone", (_what, type) => {
        expect(judge(resource(type, "ui", { metadata: { name: "jaeger-ui" }, spec: {} }))).toStrictEqual([]);
    });
});

describe("ingress-tls-required", () => {
    const judge = (r: PolicyInput): string[] => ingressTls.validateResource(r, defaultConfig);
    const refused = (hosts: string): string =>
        `Ingress jaeger-ui serves ${hosts} without TLS. Add a tls entry with a certificate from cert-manager for every host.`;
    const rules = (...hosts: (string | undefined)[]): Json[] =>
        hosts.map((host) => (host === undefined ? { http: { paths: [] } } : { host, http: { paths: [] } }));

    it("is mandatory, judged per resource, with no settings", () => {
        expect([ingressTls.name, ingressTls.kind, ingressTls.enforcementLevel]).toStrictEqual([
            "ingress-tls-required",
            "resource",
            "mandatory",
        ]);
        expect(ingressTls.description).toBe("Every Ingress serves its hosts over TLS.");
        expect(ingressTls.config).toBeUndefined();
    });

    it.each([
        [
            "one entry for its one host",
            [{ hosts: ["tracing.example.com"], secretName: "ui-tls" }],
            ["tracing.example.com"],
        ],
        [
            "one entry for both hosts",
            [{ hosts: ["a.example.com", "b.example.com"], secretName: "ui-tls" }],
            ["a.example.com", "b.example.com"],
        ],
        [
            "an entry per host",
            [
                { hosts: ["a.example.com"], secretName: "a-tls" },
                { hosts: ["b.example.com"], secretName: "b-tls" },
            ],
            ["a.example.com", "b.example.com"],
        ],
        [
            "a certificate for a host it has no rule for",
            [{ hosts: ["a.example.com", "spare.example.com"] }],
            ["a.example.com"],
        ],
        [
            "an entry without hosts beside one with them",
            [{ secretName: "default" }, { hosts: ["a.example.com"] }],
            ["a.example.com"],
        ],
    ])("accepts TLS with %s", (_what, tls, hosts) => {
        expect(judge(ingress({}, { tls, rules: rules(...hosts) }))).toStrictEqual([]);
    });

    it.each([
        ["a host one label below it", "tracing.example.com"],
        ["the same wildcard", "*.example.com"],
    ])("accepts a wildcard tls host covering %s", (_what, host) => {
        const r = ingress({}, { tls: [{ hosts: ["*.example.com"], secretName: "wildcard-tls" }], rules: rules(host) });
        expect(judge(r)).toStrictEqual([]);
    });

    it.each([
        ["a host two labels below it (a wildcard stands for one label)", "a.b.example.com"],
        ["the domain itself", "example.com"],
        ["a host of another domain ending alike", "tracing.myexample.com"],
        ["a wider wildcard host", "*.b.example.com"],
        ["a host with an empty first label", ".example.com"],
        ["a wildcard host with a longer first label", "*x.example.com"],
        ["a rule without a host (every host)", undefined],
    ])("refuses a wildcard tls host for %s", (_what, host) => {
        const r = ingress({}, { tls: [{ hosts: ["*.example.com"] }], rules: rules(host) });
        expect(judge(r)).toStrictEqual([refused(host ?? "*")]);
    });

    it("refuses a tls host that is a bare wildcard", () => {
        const r = ingress({}, { tls: [{ hosts: ["*."] }], rules: rules("a.") });
        expect(judge(r)).toStrictEqual([refused("a.")]);
    });

    it("takes a wildcard for one host and names the host it leaves out", () => {
        const r = ingress(
            {},
            { tls: [{ hosts: ["*.example.com"] }], rules: rules("tracing.example.com", "a.tracing.example.com") },
        );
        expect(judge(r)).toStrictEqual([refused("a.tracing.example.com")]);
    });

    it("accepts TLS for an Ingress with a default backend only", () => {
        const r = ingress({}, { tls: [{ hosts: ["a.example.com"] }], defaultBackend: { service: { name: "x" } } });
        expect(judge(r)).toStrictEqual([]);
    });

    it.each([
        [
            "no tls, naming every host",
            undefined,
            rules("a.example.com", "b.example.com"),
            "a.example.com, b.example.com",
        ],
        ["an empty tls list", [], rules("a.example.com"), "a.example.com"],
        [
            "a host left out of tls",
            [{ hosts: ["a.example.com"] }],
            rules("a.example.com", "b.example.com"),
            "b.example.com",
        ],
        ["a tls entry without hosts", [{ secretName: "ui-tls" }], rules("a.example.com"), "a.example.com"],
        ["a tls entry whose hosts are no list", [{ hosts: "a.example.com" }], rules("a.example.com"), "a.example.com"],
        ["a rule without a host (every host)", [{ hosts: ["a.example.com"] }], rules(undefined), "*"],
        ["no tls and no rules", undefined, undefined, "its hosts"],
    ])("refuses %s", (_what, tls, hostRules, named) => {
        const spec: Json = {};
        if (tls !== undefined) spec.tls = tls;
        if (hostRules !== undefined) spec.rules = hostRules;
        expect(judge(ingress({}, spec))).toStrictEqual([refused(named)]);
    });

    it("leaves other kinds alone", () => {
        const route = resource(HTTP_ROUTE, "ui", {
            metadata: { name: "jaeger-ui" },
            spec: { hostnames: ["a.example.com"], rules: [{}] },
        });
        expect(judge(route)).toStrictEqual([]);
        expect(judge(resource(SERVICE, "ui", { metadata: { name: "jaeger-ui" }, spec: {} }))).toStrictEqual([]);
    });
});

const middleware = (name: string, spec: Json, namespace = NS, type = MIDDLEWARE): PolicyInput =>
    resource(type, name, { metadata: { name, namespace }, spec });
const allowList = (name: string, sourceRange: unknown, namespace = NS, type = MIDDLEWARE): PolicyInput =>
    middleware(name, { ipAllowList: { sourceRange } }, namespace, type);
const extensionRef = (name: string, group = "traefik.io", kind = "Middleware"): Json => ({
    type: "ExtensionRef",
    extensionRef: { group, kind, name },
});
const gatewayRoute = (rules: Json[], metadata: Json = {}, type = HTTP_ROUTE): PolicyInput =>
    resource(type, "ui", {
        metadata: { name: "jaeger-ui", namespace: NS, ...metadata },
        spec: { parentRefs: [{ name: "internal", namespace: "gateway-internal" }], rules },
    });
const securityPolicy = (spec: Json, namespace = NS, type = SECURITY_POLICY): PolicyInput =>
    resource(type, "vpn", { metadata: { name: "jaeger-ui-vpn-only", namespace }, spec });
const denyAllBut = (clientCIDRs: string[], target: Json = { kind: "HTTPRoute", name: "jaeger-ui" }): Json => ({
    targetRefs: [{ group: "gateway.networking.k8s.io", ...target }],
    authorization: { defaultAction: "Deny", rules: [{ name: "vpn", action: "Allow", principal: { clientCIDRs } }] },
});

describe("ingress-vpn-only", () => {
    const check = (rs: PolicyInput[], config = defaultConfig): Violation[] => ingressVpnOnly.validateStack(rs, config);
    const at = (type: string, message: string): Violation => ({ message, resource: { type, name: "ui" } });
    const allowed = "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10";
    const unguarded = (type = INGRESS): Violation =>
        at(
            type,
            "jaeger-ui is guarded by nothing its controller enforces. Set tracing:exposure.controller to the controller in front (traefik, envoy-gateway, haproxy, ingress-nginx) so the program renders its allowlist, or name your controller's annotation (controller custom, and the pack's sourceRangeAnnotations).",
        );
    const noRange = (by: string, type = INGRESS): Violation =>
        at(type, `jaeger-ui: ${by} admits no range. List the VPN's ranges in tracing:exposure.sourceRanges.`);
    const outside = (by: string, ranges: string, type = INGRESS, within = allowed): Violation =>
        at(
            type,
            `jaeger-ui: ${by} admits ${ranges}, outside the allowed ranges (${within}). Restrict tracing:exposure.sourceRanges to the VPN.`,
        );
    const annotated = (annotations: Json): PolicyInput => ingress({ annotations });

    it("is mandatory, judged on the whole stack, reading allowedSourceRanges and sourceRangeAnnotations", () => {
        expect([ingressVpnOnly.name, ingressVpnOnly.kind, ingressVpnOnly.enforcementLevel]).toStrictEqual([
            "ingress-vpn-only",
            "stack",
            "mandatory",
        ]);
        expect(ingressVpnOnly.description).toBe(
            "The UI answers only the VPN: every Ingress and Gateway API route is guarded by what its controller enforces (a Traefik ipAllowList Middleware, an Envoy Gateway SecurityPolicy whose every Allow rule names client CIDRs, HAProxy's or ingress-nginx's allow-list annotation on an Ingress) with ranges inside the allowed ones.",
        );
        expect(ingressVpnOnly.config).toStrictEqual(["allowedSourceRanges", "sourceRangeAnnotations"]);
    });

    it("asks nothing of a stack without routes", () => {
        expect(check([allowList("jaeger-ui-vpn-only", ["0.0.0.0/0"])])).toStrictEqual([]);
    });

    it("refuses an Ingress guarded by nothing", () => {
        expect(check([ingress({})])).toStrictEqual([unguarded()]);
    });

    describe("the allow-list annotations the controllers read", () => {
        const known = [
            "haproxy.org/allow-list",
            "nginx.ingress.kubernetes.io/whitelist-source-range",
            "nginx.ingress.kubernetes.io/allowlist-source-range",
        ];

        it.each(known)("accepts %s with VPN ranges", (key) => {
            expect(check([annotated({ [key]: "10.8.0.0/16,192.168.10.0/24" })])).toStrictEqual([]);
        });

        it.each(known)("refuses %s with a range outside, naming the annotation and the range", (key) => {
            expect(check([annotated({ [key]: "10.8.0.0/16,0.0.0.0/0" })])).toStrictEqual([
                outside(`annotation ${key}`, "0.0.0.0/0"),
            ]);
        });

        it.each(known)("refuses %s left empty (which admits everyone)", (key) => {
            expect(check([annotated({ [key]: "" })])).toStrictEqual([noRange(`annotation ${key}`)]);
        });

        it("reads a list written with spaces and a trailing comma", () => {
            expect(check([annotated({ [known[0]]: " 10.8.0.0/16 , 192.168.10.0/24, ," })])).toStrictEqual([]);
        });

        it("names every range outside, trimmed, in order", () => {
            expect(check([annotated({ [known[1]]: "8.8.8.0/24 , 10.8.0.0/16, 0.0.0.0/0" })])).toStrictEqual([
                outside(`annotation ${known[1]}`, "8.8.8.0/24, 0.0.0.0/0"),
            ]);
        });

        it.each([
            ["the whole of an allowed range", "10.0.0.0/8", []],
            ["a range wider than the allowed one it starts in", "10.0.0.0/7", ["10.0.0.0/7"]],
            ["a bare address (no prefix length)", "10.8.0.1", ["10.8.0.1"]],
            ["an IPv6 range", "fd00::/8", ["fd00::/8"]],
        ])("judges %s", (_what, range, out) => {
            expect(check([annotated({ [known[0]]: range })])).toStrictEqual(
                out.length === 0 ? [] : [outside(`annotation ${known[0]}`, out.join(", "))],
            );
        });

        it("judges each annotation on its own, the known ones in order", () => {
            expect(
                check([
                    annotated({
                        [known[2]]: "1.2.3.0/24",
                        [known[1]]: "10.8.0.0/16",
                        [known[0]]: "0.0.0.0/0",
                    }),
                ]),
            ).toStrictEqual([
                outside(`annotation ${known[0]}`, "0.0.0.0/0"),
                outside(`annotation ${known[2]}`, "1.2.3.0/24"),
            ]);
        });

        it("does not take an annotation that is no string for one", () => {
            expect(check([annotated({ [known[0]]: ["10.8.0.0/16"] })])).toStrictEqual([unguarded()]);
        });

        it("does not take an annotation nobody reads for a guard", () => {
            expect(check([annotated({ "tracing-platform/source-ranges": "10.8.0.0/16" })])).toStrictEqual([
                unguarded(),
            ]);
        });

        it("takes the pack's sourceRangeAnnotations as guards, after the known ones", () => {
            const config = withConfig({ sourceRangeAnnotations: ["corp.example/vpn-ranges", "corp.example/other"] });
            expect(check([annotated({ "corp.example/vpn-ranges": "10.8.0.0/16" })], config)).toStrictEqual([]);
            expect(
                check([annotated({ "corp.example/vpn-ranges": "0.0.0.0/0", [known[0]]: "1.0.0.0/8" })], config),
            ).toStrictEqual([
                outside(`annotation ${known[0]}`, "1.0.0.0/8"),
                outside("annotation corp.example/vpn-ranges", "0.0.0.0/0"),
            ]);
        });

        it("takes the allowed ranges from the config, and names them", () => {
            const config = withConfig({ allowedSourceRanges: ["192.168.0.0/16"] });
            expect(check([annotated({ [known[0]]: "192.168.10.0/24" })], config)).toStrictEqual([]);
            expect(check([annotated({ [known[0]]: "10.8.0.0/16" })], config)).toStrictEqual([
                outside(`annotation ${known[0]}`, "10.8.0.0/16", INGRESS, "192.168.0.0/16"),
            ]);
        });
    });

    describe("a Traefik Middleware named by an Ingress", () => {
        const refs = (value: unknown): PolicyInput =>
            annotated({ "traefik.ingress.kubernetes.io/router.middlewares": value });
        const vpn = allowList("jaeger-ui-vpn-only", ["10.8.0.0/16"]);
        const ref = "tracing-jaeger-ui-vpn-only@kubernetescrd";

        it("accepts the Middleware the program renders", () => {
            expect(check([refs(ref), vpn])).toStrictEqual([]);
        });

        it("refuses a Middleware that admits ranges outside, naming it", () => {
            expect(check([refs(ref), allowList("jaeger-ui-vpn-only", ["10.8.0.0/16", "0.0.0.0/0"])])).toStrictEqual([
                outside("Middleware jaeger-ui-vpn-only", "0.0.0.0/0"),
            ]);
        });

        it("refuses a Middleware that admits no range", () => {
            expect(check([refs(ref), allowList("jaeger-ui-vpn-only", [])])).toStrictEqual([
                noRange("Middleware jaeger-ui-vpn-only"),
            ]);
        });

        it("finds the allowlist among other middlewares, and judges each allowlist", () => {
            const headers = middleware("headers", { headers: { frameDeny: true } });
            expect(check([refs(`tracing-headers@kubernetescrd, ${ref}`), headers, vpn])).toStrictEqual([]);
            const open = allowList("open", ["0.0.0.0/0"]);
            expect(check([refs(`${ref},tracing-open@kubernetescrd`), vpn, open])).toStrictEqual([
                outside("Middleware open", "0.0.0.0/0"),
            ]);
        });

        it("reads a reference without the provider suffix", () => {
            expect(check([refs("tracing-jaeger-ui-vpn-only"), vpn])).toStrictEqual([]);
        });

        it.each([
            ["no Middleware at all", [refs(ref)]],
            ["a Middleware of another name", [refs(ref), allowList("jaeger-ui", ["10.8.0.0/16"])]],
            [
                "a Middleware in another namespace",
                [refs(ref), allowList("jaeger-ui-vpn-only", ["10.8.0.0/16"], "other")],
            ],
            [
                "a Middleware of the retired traefik.containo.us group",
                [
                    refs(ref),
                    allowList(
                        "jaeger-ui-vpn-only",
                        ["10.8.0.0/16"],
                        NS,
                        "kubernetes:traefik.containo.us/v1alpha1:Middleware",
                    ),
                ],
            ],
            [
                "a MiddlewareTCP (it guards TCP routers only)",
                [
                    refs(ref),
                    allowList(
                        "jaeger-ui-vpn-only",
                        ["10.8.0.0/16"],
                        NS,
                        "kubernetes:traefik.io/v1alpha1:MiddlewareTCP",
                    ),
                ],
            ],
            ["a Middleware without ipAllowList", [refs(ref), middleware("jaeger-ui-vpn-only", { basicAuth: {} })]],
            ["a sourceRange that is no list", [refs(ref), allowList("jaeger-ui-vpn-only", "10.8.0.0/16")]],
            ["a Middleware of another provider", [refs("tracing-jaeger-ui-vpn-only@file"), vpn]],
            [
                "a reference with the provider suffix inside the name",
                [refs("tracing-jaeger@kubernetescrd-ui-vpn-only"), allowList("jaeger-ui-vpn-only", ["10.8.0.0/16"])],
            ],
            // "shopabc-" is as long as "tracing-": cut at that length the rest names our Middleware.
            ["a reference to another namespace", [refs("shopabc-jaeger-ui-vpn-only@kubernetescrd"), vpn]],
            ["an annotation that is no string", [refs([ref]), vpn]],
        ])("is guarded by nothing with %s", (_what, rs) => {
            expect(check(rs)).toStrictEqual([unguarded()]);
        });

        it("does not read the Traefik annotation on a Gateway API route", () => {
            const route = gatewayRoute([{ backendRefs: [{ name: "oauth2-proxy" }] }], {
                annotations: { "traefik.ingress.kubernetes.io/router.middlewares": ref },
            });
            expect(check([route, vpn])).toStrictEqual([unguarded(HTTP_ROUTE)]);
        });
    });

    describe("a Traefik Middleware as an HTTPRoute filter", () => {
        const vpn = allowList("jaeger-ui-vpn-only", ["10.8.0.0/16"]);
        const rule = (...filters: Json[]): Json => ({ filters, backendRefs: [{ name: "oauth2-proxy", port: 4180 }] });

        it("accepts a filter on every rule", () => {
            const route = gatewayRoute([
                rule(extensionRef("jaeger-ui-vpn-only")),
                rule(extensionRef("jaeger-ui-vpn-only")),
            ]);
            expect(check([route, vpn])).toStrictEqual([]);
        });

        it("accepts a rule whose allowlist sits beside a filter naming no allowlist", () => {
            const route = gatewayRoute([rule(extensionRef("rewrite"), extensionRef("jaeger-ui-vpn-only"))]);
            expect(check([route, vpn])).toStrictEqual([]);
        });

        it("refuses a Middleware that admits ranges outside, naming it", () => {
            const route = gatewayRoute([rule(extensionRef("open"))]);
            expect(check([route, allowList("open", ["10.8.0.0/16", "203.0.113.0/24"])])).toStrictEqual([
                outside("Middleware open", "203.0.113.0/24", HTTP_ROUTE),
            ]);
        });

        it("names a Middleware on every rule once", () => {
            const route = gatewayRoute([rule(extensionRef("open")), rule(extensionRef("open"))]);
            expect(check([route, allowList("open", ["0.0.0.0/0"])])).toStrictEqual([
                outside("Middleware open", "0.0.0.0/0", HTTP_ROUTE),
            ]);
            const empty = gatewayRoute([rule(extensionRef("empty")), rule(extensionRef("empty"))]);
            expect(check([empty, allowList("empty", [])])).toStrictEqual([noRange("Middleware empty", HTTP_ROUTE)]);
        });

        it("names each Middleware of a route that admits ranges outside", () => {
            const route = gatewayRoute([rule(extensionRef("open")), rule(extensionRef("wide"))]);
            expect(check([route, allowList("open", ["0.0.0.0/0"]), allowList("wide", ["10.0.0.0/7"])])).toStrictEqual([
                outside("Middleware open", "0.0.0.0/0", HTTP_ROUTE),
                outside("Middleware wide", "10.0.0.0/7", HTTP_ROUTE),
            ]);
        });

        it("refuses a Middleware that admits no range", () => {
            const route = gatewayRoute([rule(extensionRef("jaeger-ui-vpn-only"))]);
            expect(check([route, allowList("jaeger-ui-vpn-only", [])])).toStrictEqual([
                noRange("Middleware jaeger-ui-vpn-only", HTTP_ROUTE),
            ]);
        });

        it.each([
            ["a rule without the filter", [rule(extensionRef("jaeger-ui-vpn-only")), rule()]],
            ["no rules", []],
            ["a filter of another group", [rule(extensionRef("jaeger-ui-vpn-only", "example.com"))]],
            ["a filter of another kind", [rule(extensionRef("jaeger-ui-vpn-only", "traefik.io", "MiddlewareTCP"))]],
            ["a filter naming a Middleware that does not exist", [rule(extensionRef("missing"))]],
            [
                "a rule whose only filter names a Middleware that does not exist",
                [rule(extensionRef("jaeger-ui-vpn-only")), rule(extensionRef("missing"))],
            ],
        ])("is guarded by nothing with %s", (_what, rules) => {
            expect(check([gatewayRoute(rules), vpn])).toStrictEqual([unguarded(HTTP_ROUTE)]);
        });
    });

    describe("an Envoy Gateway SecurityPolicy", () => {
        const route = gatewayRoute([{ backendRefs: [{ name: "oauth2-proxy", port: 4180 }] }]);

        it("accepts the policy the program renders", () => {
            expect(check([route, securityPolicy(denyAllBut(["10.8.0.0/16"]))])).toStrictEqual([]);
        });

        it("refuses client CIDRs outside, naming the policy", () => {
            expect(check([route, securityPolicy(denyAllBut(["10.8.0.0/16", "0.0.0.0/0"]))])).toStrictEqual([
                outside("SecurityPolicy jaeger-ui-vpn-only", "0.0.0.0/0", HTTP_ROUTE),
            ]);
        });

        it("refuses a policy without Allow rules", () => {
            const noRules = { ...denyAllBut([]), authorization: { defaultAction: "Deny" } };
            expect(check([route, securityPolicy(noRules)])).toStrictEqual([
                noRange("SecurityPolicy jaeger-ui-vpn-only", HTTP_ROUTE),
            ]);
            const denyOnly = {
                ...denyAllBut([]),
                authorization: {
                    defaultAction: "Deny",
                    rules: [{ action: "Deny", principal: { clientCIDRs: ["203.0.113.0/24"] } }],
                },
            };
            expect(check([route, securityPolicy(denyOnly)])).toStrictEqual([
                noRange("SecurityPolicy jaeger-ui-vpn-only", HTTP_ROUTE),
            ]);
        });

        describe("an Allow rule that names no clientCIDRs (any address)", () => {
            const anyAddress = (rule: string): Violation =>
                at(
                    HTTP_ROUTE,
                    `jaeger-ui: SecurityPolicy jaeger-ui-vpn-only allows by rule ${rule}, which names no clientCIDRs, requests from any address (a jwt or headers principal says who may come in, not from where). Give every Allow rule clientCIDRs inside the allowed ranges (${allowed}).`,
                );
            const policy = (...rules: Json[]): PolicyInput =>
                securityPolicy({ ...denyAllBut([]), authorization: { defaultAction: "Deny", rules } });
            const vpn = { name: "vpn", action: "Allow", principal: { clientCIDRs: ["10.8.0.0/16"] } };

            it("refuses a JWT principal beside the VPN's ranges, naming the rule", () => {
                const corp = { name: "corp", action: "Allow", principal: { jwt: { provider: "corp" } } };
                expect(check([route, policy(vpn, corp)])).toStrictEqual([anyAddress("corp")]);
            });

            it("refuses a headers principal, naming a rule without a name by its place", () => {
                const headers = {
                    action: "Allow",
                    principal: { headers: [{ name: "x-user", values: ["alice"] }] },
                };
                expect(check([route, policy(vpn, headers)])).toStrictEqual([anyAddress("#2")]);
            });

            it.each([
                ["an empty clientCIDRs list", { clientCIDRs: [] }],
                ["clientCIDRs that are no list", { clientCIDRs: "10.8.0.0/16" }],
                ["no principal", undefined],
            ])("refuses %s", (_what, principal) => {
                const rule =
                    principal === undefined
                        ? { name: "all", action: "Allow" }
                        : { name: "all", action: "Allow", principal };
                expect(check([route, policy(rule)])).toStrictEqual([anyAddress("all")]);
            });

            it("names every such rule, then the ranges outside", () => {
                const rules = [
                    { name: "office", action: "Allow", principal: { clientCIDRs: ["203.0.113.0/24"] } },
                    { name: "a", action: "Allow", principal: { jwt: { provider: "corp" } } },
                    { name: "b", action: "Allow", principal: { headers: [{ name: "x-user", values: ["bob"] }] } },
                ];
                expect(check([route, policy(...rules)])).toStrictEqual([
                    anyAddress("a"),
                    anyAddress("b"),
                    outside("SecurityPolicy jaeger-ui-vpn-only", "203.0.113.0/24", HTTP_ROUTE),
                ]);
            });

            it("accepts a JWT principal that also names the VPN's clientCIDRs (a principal's parts must all match)", () => {
                const both = {
                    name: "corp",
                    action: "Allow",
                    principal: { clientCIDRs: ["10.8.0.0/16"], jwt: { provider: "corp" } },
                };
                expect(check([route, policy(vpn, both)])).toStrictEqual([]);
            });

            it("leaves a Deny rule without clientCIDRs alone", () => {
                const deny = { name: "banned", action: "Deny", principal: { jwt: { provider: "corp" } } };
                expect(check([route, policy(deny, vpn)])).toStrictEqual([]);
            });
        });

        it("counts the Allow rules' CIDRs only, from every Allow rule", () => {
            const spec = {
                targetRefs: [
                    { group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "other" },
                    { group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "jaeger-ui" },
                ],
                authorization: {
                    defaultAction: "Deny",
                    rules: [
                        { name: "blocked", action: "Deny", principal: { clientCIDRs: ["0.0.0.0/0"] } },
                        { name: "vpn", action: "Allow", principal: { clientCIDRs: ["10.8.0.0/16"] } },
                        {
                            name: "office",
                            action: "Allow",
                            principal: { clientCIDRs: ["192.168.10.0/24", "1.1.1.1/32"] },
                        },
                    ],
                },
            };
            expect(check([route, securityPolicy(spec)])).toStrictEqual([
                outside("SecurityPolicy jaeger-ui-vpn-only", "1.1.1.1/32", HTTP_ROUTE),
            ]);
        });

        it.each([
            [
                "allows by default",
                { ...denyAllBut(["10.8.0.0/16"]), authorization: { defaultAction: "Allow" } },
                NS,
                SECURITY_POLICY,
            ],
            [
                "targets another route",
                denyAllBut(["10.8.0.0/16"], { kind: "HTTPRoute", name: "other" }),
                NS,
                SECURITY_POLICY,
            ],
            [
                "targets another kind of that name",
                denyAllBut(["10.8.0.0/16"], { kind: "GRPCRoute", name: "jaeger-ui" }),
                NS,
                SECURITY_POLICY,
            ],
            ["has no targets", { authorization: denyAllBut(["10.8.0.0/16"]).authorization }, NS, SECURITY_POLICY],
            ["lives in another namespace", denyAllBut(["10.8.0.0/16"]), "other", SECURITY_POLICY],
            ["is of another API group", denyAllBut(["10.8.0.0/16"]), NS, "kubernetes:example.com/v1:SecurityPolicy"],
            [
                "is another kind of policy",
                denyAllBut(["10.8.0.0/16"]),
                NS,
                "kubernetes:gateway.envoyproxy.io/v1alpha1:BackendTrafficPolicy",
            ],
        ])("is no guard when it %s", (_what, spec, namespace, type) => {
            expect(check([route, securityPolicy(spec, namespace, type)])).toStrictEqual([unguarded(HTTP_ROUTE)]);
        });

        it("guards Gateway API routes only, not an Ingress", () => {
            const policy = securityPolicy(
                denyAllBut(["10.8.0.0/16"], { group: "networking.k8s.io", kind: "Ingress", name: "jaeger-ui" }),
            );
            expect(check([ingress({}), policy])).toStrictEqual([unguarded()]);
        });
    });

    describe("which resources are routes", () => {
        it.each(["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"])("judges a %s", (kind) => {
            const type = `kubernetes:gateway.networking.k8s.io/v1alpha2:${kind}`;
            expect(check([gatewayRoute([{ backendRefs: [{ name: "jaeger-query" }] }], {}, type)])).toStrictEqual([
                unguarded(type),
            ]);
        });

        it("reads a route's annotation from the pack's sourceRangeAnnotations", () => {
            const route = gatewayRoute([], { annotations: { "corp.example/vpn-ranges": "10.8.0.0/16" } });
            const config = withConfig({ sourceRangeAnnotations: ["corp.example/vpn-ranges"] });
            expect(check([route], config)).toStrictEqual([]);
        });
    });

    describe("an Ingress controller's annotation on a Gateway API route", () => {
        const unread = (read: string, them = false): Violation =>
            at(
                HTTP_ROUTE,
                `jaeger-ui is guarded by nothing its controller enforces: annotation ${read}; no Gateway API controller (envoy-gateway, traefik) reads ${them ? "them" : "it"} on a route. Guard the route with a Traefik ipAllowList Middleware or an Envoy Gateway SecurityPolicy (tracing:exposure.controller traefik or envoy-gateway), or name your controller's annotation (controller custom, and the pack's sourceRangeAnnotations).`,
            );
        const annotatedRoute = (annotations: Json): PolicyInput =>
            gatewayRoute([{ backendRefs: [{ name: "oauth2-proxy" }] }], { annotations });

        it.each([
            ["haproxy.org/allow-list", "HAProxy"],
            ["nginx.ingress.kubernetes.io/whitelist-source-range", "ingress-nginx"],
            ["nginx.ingress.kubernetes.io/allowlist-source-range", "ingress-nginx"],
        ])("does not take %s for a guard, saying who reads it", (key, controller) => {
            expect(check([annotatedRoute({ [key]: "10.8.0.0/16" })])).toStrictEqual([
                unread(`${key} is read by ${controller} on an Ingress only`),
            ]);
        });

        it("names each such annotation", () => {
            const r = annotatedRoute({
                "nginx.ingress.kubernetes.io/whitelist-source-range": "10.8.0.0/16",
                "haproxy.org/allow-list": "10.8.0.0/16",
            });
            expect(check([r])).toStrictEqual([
                unread(
                    "haproxy.org/allow-list is read by HAProxy on an Ingress only, nginx.ingress.kubernetes.io/whitelist-source-range is read by ingress-nginx on an Ingress only",
                    true,
                ),
            ]);
        });

        it("does not judge its ranges (nobody applies them)", () => {
            const r = annotatedRoute({ "haproxy.org/allow-list": "0.0.0.0/0" });
            expect(check([r])).toStrictEqual([unread("haproxy.org/allow-list is read by HAProxy on an Ingress only")]);
        });

        it("leaves it alone beside a guard the route's controller enforces", () => {
            const route = gatewayRoute([{ backendRefs: [{ name: "oauth2-proxy" }] }], {
                annotations: { "nginx.ingress.kubernetes.io/whitelist-source-range": "0.0.0.0/0" },
            });
            expect(check([route, securityPolicy(denyAllBut(["10.8.0.0/16"]))])).toStrictEqual([]);
        });

        it("takes it for a guard when the pack's sourceRangeAnnotations lists it (a custom controller reads it)", () => {
            const key = "nginx.ingress.kubernetes.io/whitelist-source-range";
            const config = withConfig({ sourceRangeAnnotations: [key] });
            expect(check([annotatedRoute({ [key]: "10.8.0.0/16" })], config)).toStrictEqual([]);
            expect(check([annotatedRoute({ [key]: "0.0.0.0/0" })], config)).toStrictEqual([
                outside(`annotation ${key}`, "0.0.0.0/0", HTTP_ROUTE),
            ]);
        });

        it("does not take an annotation that is no string for one", () => {
            expect(check([annotatedRoute({ "haproxy.org/allow-list": ["10.8.0.0/16"] })])).toStrictEqual([
                unguarded(HTTP_ROUTE),
            ]);
        });

        it("names an Ingress's annotation that the pack's sourceRangeAnnotations also lists once", () => {
            const key = "haproxy.org/allow-list";
            const config = withConfig({ sourceRangeAnnotations: [key] });
            expect(check([annotated({ [key]: "0.0.0.0/0" })], config)).toStrictEqual([
                outside(`annotation ${key}`, "0.0.0.0/0"),
            ]);
        });

        it.each([
            ["an HTTPRoute of another API group", "kubernetes:example.com/v1:HTTPRoute"],
            ["a Gateway", "kubernetes:gateway.networking.k8s.io/v1:Gateway"],
            ["a ReferenceGrant", "kubernetes:gateway.networking.k8s.io/v1beta1:ReferenceGrant"],
            ["an IngressClass", "kubernetes:networking.k8s.io/v1:IngressClass"],
            ["a Service", SERVICE],
        ])("leaves %s alone", (_what, type) => {
            expect(
                check([resource(type, "ui", { metadata: { name: "jaeger-ui", namespace: NS }, spec: {} })]),
            ).toStrictEqual([]);
        });

        it("judges every route, in the stack's order", () => {
            const route = gatewayRoute([]);
            const open = ingress({ annotations: { "haproxy.org/allow-list": "0.0.0.0/0" } });
            expect(check([route, open])).toStrictEqual([
                unguarded(HTTP_ROUTE),
                outside("annotation haproxy.org/allow-list", "0.0.0.0/0"),
            ]);
        });
    });
});

describe("ui-only-through-sso", () => {
    const check = (rs: PolicyInput[]): Violation[] => uiOnlyThroughSso.validateStack(rs, defaultConfig);
    const deployment = (
        name: string,
        container: string,
        labels: Json,
        namespace = NS,
        type = "kubernetes:apps/v1:Deployment",
    ): PolicyInput =>
        resource(type, name, {
            metadata: { name, namespace },
            spec: { template: { metadata: { labels }, spec: { containers: [{ name: container }] } } },
        });
    const service = (name: string, selector?: Json, namespace = NS): PolicyInput =>
        resource(SERVICE, name, { metadata: { name, namespace }, spec: selector === undefined ? {} : { selector } });
    const proxy = (namespace = NS): PolicyInput =>
        deployment("oauth2-proxy", "oauth2-proxy", { "app.kubernetes.io/name": "oauth2-proxy" }, namespace);
    const proxyService = (namespace = NS): PolicyInput =>
        service("oauth2-proxy", { "app.kubernetes.io/name": "oauth2-proxy" }, namespace);
    const jaeger = deployment("jaeger", "jaeger", { "app.kubernetes.io/name": "jaeger" });
    const jaegerService = service("jaeger-query", { "app.kubernetes.io/name": "jaeger" });
    const sso = [proxy(), proxyService(), jaeger, jaegerService];

    const backend = (name: string): Json => ({ service: { name, port: { number: 80 } } });
    const ingressTo = (names: string[], defaultBackend?: Json): PolicyInput =>
        ingress(
            {},
            {
                rules: [
                    {
                        host: "tracing.example.com",
                        http: { paths: names.map((n) => ({ path: "/", backend: backend(n) })) },
                    },
                ],
                ...(defaultBackend === undefined ? {} : { defaultBackend }),
            },
        );
    const notProxy = (to: string, type = INGRESS): Violation => ({
        message: `jaeger-ui routes to ${to}, whose pods are not the SSO proxy (oauth2-proxy). Route the UI only to the oauth2-proxy Service.`,
        resource: { type, name: "ui" },
    });
    const notService = (to: string, kind: string, type = INGRESS): Violation => ({
        message: `jaeger-ui routes to ${to}, a backend of kind ${kind}, not a Service: only a Service selecting the SSO proxy's pods leads to the proxy. Route the UI only to the oauth2-proxy Service.`,
        resource: { type, name: "ui" },
    });
    const noService = (to: string, namespace = NS, type = INGRESS): Violation => ({
        message: `jaeger-ui routes to ${to}, which is no Service of this stack in namespace ${namespace}. Route the UI only to the oauth2-proxy Service.`,
        resource: { type, name: "ui" },
    });

    it("is mandatory, judged on the whole stack, with no settings", () => {
        expect([uiOnlyThroughSso.name, uiOnlyThroughSso.kind, uiOnlyThroughSso.enforcementLevel]).toStrictEqual([
            "ui-only-through-sso",
            "stack",
            "mandatory",
        ]);
        expect(uiOnlyThroughSso.description).toBe(
            "Ingresses and Gateway API routes route only to the SSO proxy; nothing exposes Jaeger, the collectors or Elasticsearch directly.",
        );
        expect(uiOnlyThroughSso.config).toBeUndefined();
    });

    describe("an Ingress", () => {
        it("passes when every path goes to the proxy", () => {
            expect(check([...sso, ingressTo(["oauth2-proxy", "oauth2-proxy"])])).toStrictEqual([]);
        });

        it("refuses a path straight to Jaeger", () => {
            expect(check([...sso, ingressTo(["jaeger-query"])])).toStrictEqual([notProxy("jaeger-query")]);
        });

        it("names each backend that is not the proxy, paths before the default backend", () => {
            expect(
                check([...sso, ingressTo(["jaeger-query", "oauth2-proxy", "elasticsearch"], backend("jaeger-query"))]),
            ).toStrictEqual([notProxy("jaeger-query"), noService("elasticsearch"), notProxy("jaeger-query")]);
        });

        it("judges the default backend", () => {
            expect(check([...sso, ingressTo([], backend("oauth2-proxy"))])).toStrictEqual([]);
            expect(check([...sso, ingressTo(["oauth2-proxy"], backend("jaeger-query"))])).toStrictEqual([
                notProxy("jaeger-query"),
            ]);
        });

        it("refuses a resource backend, naming its kind, even named like the proxy's Service", () => {
            const r = (name: string): PolicyInput =>
                ingressTo([], { resource: { apiGroup: "k8s.example.com", kind: "StorageBucket", name } });
            expect(check([...sso, r("static")])).toStrictEqual([
                notService("static", "StorageBucket (k8s.example.com)"),
            ]);
            expect(check([...sso, r("oauth2-proxy")])).toStrictEqual([
                notService("oauth2-proxy", "StorageBucket (k8s.example.com)"),
            ]);
        });

        it("refuses a resource backend of the core API group, and one without a kind or name", () => {
            const core = ingressTo([], { resource: { kind: "Service", name: "oauth2-proxy" } });
            expect(check([...sso, core])).toStrictEqual([notService("oauth2-proxy", "Service (core API group)")]);
            expect(check([...sso, ingressTo([], { resource: {} })])).toStrictEqual([
                notService("(none)", "(none) (core API group)"),
            ]);
        });

        it("names a backend that names nothing", () => {
            expect(check([...sso, ingressTo([], {})])).toStrictEqual([noService("(none)")]);
        });

        it("passes an Ingress that routes nowhere", () => {
            const r = ingress({}, { rules: [{ host: "tracing.example.com" }] });
            expect(check([...sso, r])).toStrictEqual([]);
        });
    });

    describe("which Service is the proxy's", () => {
        it.each([
            [
                "a Service of that name in another namespace only",
                [proxy("shop"), proxyService("shop")],
                noService("oauth2-proxy"),
            ],
            [
                "another kind of resource of that name",
                [
                    proxy(),
                    resource("kubernetes:core/v1:ConfigMap", "oauth2-proxy", {
                        metadata: { name: "oauth2-proxy", namespace: NS },
                    }),
                ],
                noService("oauth2-proxy"),
            ],
            [
                "a Service of another name that selects the proxy",
                [proxy(), service("sso", { "app.kubernetes.io/name": "oauth2-proxy" })],
                noService("oauth2-proxy"),
            ],
            [
                "a Service selecting the proxy's labels in another namespace",
                [proxy("shop"), proxyService()],
                notProxy("oauth2-proxy"),
            ],
            ["a Service without a selector", [proxy(), service("oauth2-proxy")], notProxy("oauth2-proxy")],
            ["a Service with an empty selector", [proxy(), service("oauth2-proxy", {})], notProxy("oauth2-proxy")],
            [
                "a Service whose selector asks for more than the proxy's labels",
                [proxy(), service("oauth2-proxy", { "app.kubernetes.io/name": "oauth2-proxy", tier: "edge" })],
                notProxy("oauth2-proxy"),
            ],
            [
                "a Deployment whose container is not named oauth2-proxy",
                [deployment("oauth2-proxy", "proxy", { "app.kubernetes.io/name": "oauth2-proxy" }), proxyService()],
                notProxy("oauth2-proxy"),
            ],
            [
                "a StatefulSet running oauth2-proxy (not the SSO component)",
                [
                    deployment(
                        "oauth2-proxy",
                        "oauth2-proxy",
                        { "app.kubernetes.io/name": "oauth2-proxy" },
                        NS,
                        "kubernetes:apps/v1:StatefulSet",
                    ),
                    proxyService(),
                ],
                notProxy("oauth2-proxy"),
            ],
        ])("refuses %s", (_what, rs, expected) => {
            expect(check([...rs, ingressTo(["oauth2-proxy"])])).toStrictEqual([expected]);
        });

        it("passes a Service that selects the proxy among other proxies", () => {
            expect(check([proxy("shop"), proxy(), proxyService(), ingressTo(["oauth2-proxy"])])).toStrictEqual([]);
        });

        describe("a Service that selects the proxy's pods and others", () => {
            const alsoPicks = (pods: string): Violation => ({
                message: `jaeger-ui routes to ui, whose selector also picks the pods of ${pods}, which are not the SSO proxy (oauth2-proxy): the requests they get skip SSO. Select only the proxy's pods. Route the UI only to the oauth2-proxy Service.`,
                resource: { type: INGRESS, name: "ui" },
            });
            const uiProxy = deployment("oauth2-proxy", "oauth2-proxy", { tier: "ui", app: "oauth2-proxy" });
            const uiJaeger = deployment("jaeger", "jaeger", { tier: "ui", app: "jaeger" });
            const ui = service("ui", { tier: "ui" });

            it("refuses it, naming the others", () => {
                expect(check([uiProxy, uiJaeger, ui, ingressTo(["ui"])])).toStrictEqual([
                    alsoPicks("Deployment jaeger"),
                ]);
            });

            it("names every other workload it picks, a bare Pod by its own labels", () => {
                const pod = resource("kubernetes:core/v1:Pod", "debug", {
                    metadata: { name: "debug", namespace: NS, labels: { tier: "ui" } },
                    spec: { containers: [{ name: "shell" }] },
                });
                const cron = resource("kubernetes:batch/v1:CronJob", "report", {
                    metadata: { name: "report", namespace: NS },
                    spec: {
                        jobTemplate: {
                            spec: { template: { metadata: { labels: { tier: "ui" } }, spec: { containers: [] } } },
                        },
                    },
                });
                expect(check([uiJaeger, uiProxy, pod, cron, ui, ingressTo(["ui"])])).toStrictEqual([
                    alsoPicks("Deployment jaeger, Pod debug, CronJob report"),
                ]);
            });

            it("judges only the kinds it knows to run pods: a custom resource with a pod template is left alone", () => {
                const blueprint = deployment(
                    "blueprint",
                    "jaeger",
                    { tier: "ui", app: "jaeger" },
                    NS,
                    "kubernetes:k8s.example.com/v1:Blueprint",
                );
                expect(check([uiProxy, blueprint, ui, ingressTo(["ui"])])).toStrictEqual([]);
            });

            it("passes when the others live in another namespace", () => {
                const elsewhere = deployment("jaeger", "jaeger", { tier: "ui", app: "jaeger" }, "shop");
                expect(check([uiProxy, elsewhere, ui, ingressTo(["ui"])])).toStrictEqual([]);
            });

            it("passes when its selector tells the proxy's pods apart", () => {
                const proxyOnly = service("ui", { tier: "ui", app: "oauth2-proxy" });
                expect(check([uiProxy, uiJaeger, proxyOnly, ingressTo(["ui"])])).toStrictEqual([]);
            });
        });
    });

    describe("a Gateway API route", () => {
        const route = (backendRefs: Json[], type = HTTP_ROUTE): PolicyInput =>
            gatewayRoute([{ backendRefs }], {}, type);

        it("passes backendRefs to the proxy, across rules", () => {
            const r = gatewayRoute([
                { backendRefs: [{ name: "oauth2-proxy", port: 4180 }] },
                { backendRefs: [{ name: "oauth2-proxy" }] },
            ]);
            expect(check([...sso, r])).toStrictEqual([]);
        });

        it("refuses a backendRef straight to Jaeger", () => {
            expect(
                check([...sso, route([{ name: "oauth2-proxy" }, { name: "jaeger-query", port: 16686 }])]),
            ).toStrictEqual([notProxy("jaeger-query", HTTP_ROUTE)]);
        });

        it("refuses a GRPCRoute to Jaeger's query API", () => {
            const type = "kubernetes:gateway.networking.k8s.io/v1:GRPCRoute";
            expect(check([...sso, route([{ name: "jaeger-query", port: 16685 }], type)])).toStrictEqual([
                notProxy("jaeger-query", type),
            ]);
        });

        it("follows a backendRef into another namespace", () => {
            expect(
                check([...sso, proxy("sso"), proxyService("sso"), route([{ name: "oauth2-proxy", namespace: "sso" }])]),
            ).toStrictEqual([]);
            expect(check([...sso, route([{ name: "oauth2-proxy", namespace: "elsewhere" }])])).toStrictEqual([
                noService("oauth2-proxy", "elsewhere", HTTP_ROUTE),
            ]);
        });

        it.each([
            [
                "an Envoy Gateway Backend",
                { group: "gateway.envoyproxy.io", kind: "Backend" },
                "Backend (gateway.envoyproxy.io)",
            ],
            ["a Service of another API group", { group: "example.com", kind: "Service" }, "Service (example.com)"],
            [
                "a ServiceImport",
                { group: "multicluster.x-k8s.io", kind: "ServiceImport" },
                "ServiceImport (multicluster.x-k8s.io)",
            ],
            ["a core resource other than a Service", { group: "", kind: "ConfigMap" }, "ConfigMap (core API group)"],
        ])("refuses a backendRef to %s named like the proxy's Service, naming its kind", (_what, ref, kind) => {
            expect(check([...sso, route([{ ...ref, name: "oauth2-proxy", port: 4180 }])])).toStrictEqual([
                notService("oauth2-proxy", kind, HTTP_ROUTE),
            ]);
        });

        it.each([
            ["group and kind written out", { group: "", kind: "Service" }],
            ["the empty group only", { group: "" }],
            ["the kind only", { kind: "Service" }],
        ])("passes a backendRef to the proxy's Service with %s", (_what, ref) => {
            expect(check([...sso, route([{ ...ref, name: "oauth2-proxy", port: 4180 }])])).toStrictEqual([]);
        });

        it("names a backendRef without a name", () => {
            expect(check([...sso, route([{ port: 80 }])])).toStrictEqual([noService("(none)", NS, HTTP_ROUTE)]);
        });

        it("passes a route without backends", () => {
            expect(check([...sso, gatewayRoute([{}]), gatewayRoute([])])).toStrictEqual([]);
        });
    });

    it("judges every route, in the stack's order, and leaves other resources alone", () => {
        const httpRoute = gatewayRoute([{ backendRefs: [{ name: "jaeger-query" }] }]);
        expect(check([ingressTo(["jaeger-query"]), ...sso, httpRoute])).toStrictEqual([
            notProxy("jaeger-query"),
            notProxy("jaeger-query", HTTP_ROUTE),
        ]);
        expect(check(sso)).toStrictEqual([]);
    });

    it("leaves alone a route-shaped resource of another API group", () => {
        const lookalike = gatewayRoute(
            [{ backendRefs: [{ name: "jaeger-query" }] }],
            {},
            "kubernetes:example.com/v1:HTTPRoute",
        );
        expect(check([...sso, lookalike])).toStrictEqual([]);
    });
});
