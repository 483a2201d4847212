import { defaultConfig, type PackConfig } from "../policies/config";
import type { PolicyInput } from "../policies/resource-view";
import { egressNotOpen, ingressFromNamedPeers, uiOnlyFromIngressController } from "../policies/rules/network";

/*
 * The NetworkPolicy rules judged directly on small inputs: each kind of peer that lets too much in
 * or out and each that names its sources, the prefix boundary (/7 is open, /8 is not), the ports the
 * SSO proxy serves its UI on, and each message in full. The stack variants break one thing each on a
 * whole stack; these reach the edges of network.ts they do not.
 */

type Json = Record<string, unknown>;

const networkPolicy = (spec: Json, name = "np", namespace = "tracing"): PolicyInput => ({
    type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    name,
    props: { metadata: { name, namespace }, spec },
});

describe("egress-not-open", () => {
    const judge = (r: PolicyInput): string[] => egressNotOpen.validateResource(r, defaultConfig);
    const egress = (...rules: Json[]): string[] => judge(networkPolicy({ egress: rules }));
    const noDestinations = (i: number, ports: string): string =>
        `np: egress rule ${i} has no destinations, so it allows any address on ${ports}. Name the pods, namespaces or ranges it may reach.`;
    const open = (i: number, cidr: string, ports: string): string =>
        `np: egress rule ${i} allows ${cidr} on ${ports}, which is almost any host (a way out for data). Narrow it to the destination's addresses (for the API server: tracing:network.apiServerRanges).`;

    it("is mandatory, judged per resource, and reads no setting", () => {
        expect([egressNotOpen.name, egressNotOpen.kind, egressNotOpen.enforcementLevel]).toStrictEqual([
            "egress-not-open",
            "resource",
            "mandatory",
        ]);
        expect(egressNotOpen.config).toBeUndefined();
        expect(egressNotOpen.description).toMatch(/^No NetworkPolicy .+\.$/);
    });

    it("passes egress rules that name their destinations", () => {
        expect(
            egress(
                { to: [{ podSelector: { matchLabels: { app: "es" } } }], ports: [{ port: 9200 }] },
                { to: [{ ipBlock: { cidr: "10.0.0.0/8" } }, { namespaceSelector: {} }] },
            ),
        ).toStrictEqual([]);
    });

    it("passes a policy without egress rules", () => {
        expect(judge(networkPolicy({ policyTypes: ["Ingress", "Egress"] }))).toStrictEqual([]);
    });

    it("refuses an egress rule without destinations, naming its ports", () => {
        expect(egress({ ports: [{ port: 53 }, { port: "dns" }] })).toStrictEqual([noDestinations(0, "53,dns")]);
    });

    it("names a ports entry without a port as every port of its protocol (TCP when it names none)", () => {
        expect(egress({ ports: [{ protocol: "UDP" }] })).toStrictEqual([noDestinations(0, "every UDP port")]);
        expect(egress({ ports: [{ port: 53, protocol: "UDP" }, { protocol: "TCP" }] })).toStrictEqual([
            noDestinations(0, "53,every TCP port"),
        ]);
        expect(egress({ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{}] })).toStrictEqual([
            open(0, "0.0.0.0/0", "every TCP port"),
        ]);
    });

    it("names a port range by its first and last port", () => {
        expect(egress({ ports: [{ port: 32000, endPort: 32767 }] })).toStrictEqual([noDestinations(0, "32000-32767")]);
    });

    it("refuses an egress rule without destinations or ports as open on every port", () => {
        expect(egress({})).toStrictEqual([noDestinations(0, "every port")]);
        expect(egress({ to: [], ports: [] })).toStrictEqual([noDestinations(0, "every port")]);
    });

    it.each(["0.0.0.0/0", "128.0.0.0/1", "10.0.0.0/7", "::/0"])(
        "refuses an egress rule to %s naming the ports",
        (cidr) => {
            expect(egress({ to: [{ ipBlock: { cidr } }], ports: [{ port: 443 }, { port: 80 }] })).toStrictEqual([
                open(0, cidr, "443,80"),
            ]);
        },
    );

    it("refuses an open range even with exceptions carved out of it", () => {
        expect(egress({ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }] })).toStrictEqual([
            open(0, "0.0.0.0/0", "every port"),
        ]);
    });

    it.each(["10.0.0.0/8", "10.0.0.0/24", "10.0.0.1"])("accepts a range as narrow as %s", (cidr) => {
        expect(egress({ to: [{ ipBlock: { cidr } }] })).toStrictEqual([]);
    });

    it("ignores a range that is not text", () => {
        expect(egress({ to: [{ ipBlock: { cidr: 0 } }] })).toStrictEqual([]);
    });

    it("numbers each rule and names each open peer of a rule", () => {
        expect(
            egress(
                { to: [{ podSelector: { matchLabels: { app: "es" } } }] },
                {
                    to: [
                        { ipBlock: { cidr: "0.0.0.0/0" } },
                        { ipBlock: { cidr: "10.0.0.0/8" } },
                        { ipBlock: { cidr: "0.0.0.0/1" } },
                    ],
                },
                { ports: [{ port: 4317 }] },
            ),
        ).toStrictEqual([
            open(1, "0.0.0.0/0", "every port"),
            open(1, "0.0.0.0/1", "every port"),
            noDestinations(2, "4317"),
        ]);
    });

    it("names a policy without a metadata name by its resource name", () => {
        const r: PolicyInput = {
            type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
            name: "res",
            props: { spec: { egress: [{}] } },
        };
        expect(judge(r)).toStrictEqual([
            "res: egress rule 0 has no destinations, so it allows any address on every port. Name the pods, namespaces or ranges it may reach.",
        ]);
    });

    it("leaves other kinds alone", () => {
        const r: PolicyInput = { type: "kubernetes:core/v1:ConfigMap", name: "np", props: { spec: { egress: [{}] } } };
        expect(judge(r)).toStrictEqual([]);
    });
});

describe("ingress-from-named-peers", () => {
    const judge = (r: PolicyInput): string[] => ingressFromNamedPeers.validateResource(r, defaultConfig);
    const ingress = (...rules: Json[]): string[] => judge(networkPolicy({ ingress: rules }));
    const from = (...peers: Json[]): string[] => ingress({ from: peers });
    const admits = (what: string, i = 0): string =>
        `np: ingress rule ${i} admits ${what}. Name the pods, namespaces or ranges it admits.`;
    const noSources = (i: number): string =>
        `np: ingress rule ${i} has no sources (no from), so it admits every source. Name the pods, namespaces or ranges it admits.`;

    it("is mandatory, judged per resource, and reads no setting", () => {
        expect([
            ingressFromNamedPeers.name,
            ingressFromNamedPeers.kind,
            ingressFromNamedPeers.enforcementLevel,
        ]).toStrictEqual(["ingress-from-named-peers", "resource", "mandatory"]);
        expect(ingressFromNamedPeers.config).toBeUndefined();
        expect(ingressFromNamedPeers.description).toMatch(/^No NetworkPolicy .+\.$/);
    });

    it("passes a policy without ingress rules", () => {
        expect(judge(networkPolicy({ policyTypes: ["Ingress"] }))).toStrictEqual([]);
    });

    it("refuses an ingress rule without sources", () => {
        expect(ingress({ ports: [{ port: 80 }] })).toStrictEqual([noSources(0)]);
        expect(ingress({ from: [] })).toStrictEqual([noSources(0)]);
    });

    it.each([
        ["a named range", { ipBlock: { cidr: "10.0.0.0/8" } }],
        ["a range with no prefix length", { ipBlock: { cidr: "10.0.0.1" } }],
        ["pods by label", { podSelector: { matchLabels: { app: "gateway" } } }],
        [
            "pods by an In expression",
            { podSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["a"] }] } },
        ],
        [
            "pods by label beside an Exists expression",
            { podSelector: { matchLabels: { app: "a" }, matchExpressions: [{ key: "tier", operator: "Exists" }] } },
        ],
        [
            "pods by an In expression beside a NotIn one",
            {
                podSelector: {
                    matchExpressions: [
                        { key: "app", operator: "In", values: ["a"] },
                        { key: "tier", operator: "NotIn", values: ["web"] },
                    ],
                },
            },
        ],
        ["a namespace by label", { namespaceSelector: { matchLabels: { team: "ops" } } }],
        [
            "a namespace by expression",
            { namespaceSelector: { matchExpressions: [{ key: "team", operator: "In", values: ["ops"] }] } },
        ],
        ["named pods of every namespace", { namespaceSelector: {}, podSelector: { matchLabels: { app: "prom" } } }],
        ["every pod of a named namespace", { namespaceSelector: { matchLabels: { team: "ops" } }, podSelector: {} }],
        [
            "named pods of the namespaces an Exists expression matches",
            {
                namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "Exists" }] },
                podSelector: { matchLabels: { app: "prom" } },
            },
        ],
        [
            "pods by Exists of a named namespace",
            {
                namespaceSelector: { matchLabels: { team: "ops" } },
                podSelector: { matchExpressions: [{ key: "app", operator: "Exists" }] },
            },
        ],
        // Not a valid peer for Kubernetes; nothing here says it is wide.
        ["an empty peer", {}],
        ["a range beside an empty pod selector", { ipBlock: { cidr: "10.0.0.0/8" }, podSelector: {} }],
    ])("accepts %s", (_what, peer) => {
        expect(from(peer)).toStrictEqual([]);
    });

    it.each([
        ["0.0.0.0/0", "0.0.0.0/0, almost any address"],
        ["10.0.0.0/7", "10.0.0.0/7, almost any address"],
    ])("refuses a range as wide as %s", (cidr, what) => {
        expect(from({ ipBlock: { cidr } })).toStrictEqual([admits(what)]);
    });

    it.each([
        ["an empty namespace selector", { namespaceSelector: {} }],
        ["empty namespace and pod selectors", { namespaceSelector: {}, podSelector: {} }],
        [
            "selectors with empty lists in them",
            { namespaceSelector: { matchLabels: {}, matchExpressions: [] }, podSelector: { matchLabels: {} } },
        ],
    ])("refuses %s as every pod of every namespace", (_what, peer) => {
        expect(from(peer)).toStrictEqual([admits("every pod of every namespace")]);
    });

    const nearlyAll = " (nearly all: only matchLabels or an In expression name them)";

    it.each([
        [
            "an Exists expression on the name",
            { namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "Exists" }] } },
            "every pod of the namespaces where kubernetes.io/metadata.name Exists",
        ],
        [
            "a NotIn expression",
            {
                namespaceSelector: {
                    matchLabels: {},
                    matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["a", "b"] }],
                },
            },
            "every pod of the namespaces where kubernetes.io/metadata.name NotIn (a, b)",
        ],
        [
            "DoesNotExist and Exists expressions, beside an empty pod selector",
            {
                namespaceSelector: {
                    matchExpressions: [
                        { key: "sandbox", operator: "DoesNotExist" },
                        { key: "team", operator: "Exists" },
                    ],
                },
                podSelector: {},
            },
            "every pod of the namespaces where sandbox DoesNotExist and team Exists",
        ],
        [
            "an empty namespace selector beside a pod selector of an Exists expression",
            { namespaceSelector: {}, podSelector: { matchExpressions: [{ key: "app", operator: "Exists" }] } },
            "the pods where app Exists of every namespace",
        ],
        [
            "NotIn on namespaces and DoesNotExist on pods",
            {
                namespaceSelector: { matchExpressions: [{ key: "team", operator: "NotIn", values: ["x"] }] },
                podSelector: { matchExpressions: [{ key: "canary", operator: "DoesNotExist" }] },
            },
            "the pods where canary DoesNotExist of the namespaces where team NotIn (x)",
        ],
        [
            "a pod selector of an Exists expression alone",
            { podSelector: { matchExpressions: [{ key: "app", operator: "Exists" }] } },
            "the pods where app Exists of its namespace",
        ],
    ])("refuses a selector that names nothing: %s", (_what, peer, what) => {
        expect(from(peer)).toStrictEqual([admits(what + nearlyAll)]);
    });

    it("refuses an empty pod selector alone as every pod of its namespace", () => {
        expect(from({ podSelector: {} })).toStrictEqual([admits("every pod of its namespace")]);
    });

    it("numbers each rule and names each wide peer of a rule", () => {
        expect(
            ingress(
                { from: [{ podSelector: { matchLabels: { app: "gateway" } } }] },
                { from: [{ podSelector: {} }, { ipBlock: { cidr: "10.0.0.0/8" } }, { namespaceSelector: {} }] },
                {},
            ),
        ).toStrictEqual([
            admits("every pod of its namespace", 1),
            admits("every pod of every namespace", 1),
            noSources(2),
        ]);
    });

    it("leaves other kinds alone", () => {
        const r: PolicyInput = { type: "kubernetes:core/v1:Service", name: "np", props: { spec: { ingress: [{}] } } };
        expect(judge(r)).toStrictEqual([]);
    });
});

describe("ui-only-from-ingress-controller", () => {
    const proxyLabels = { app: "oauth2-proxy" };
    const uiPorts = [
        { name: "http", containerPort: 4180 },
        { name: "metrics", containerPort: 44180 },
    ];
    const deployment = (container: string, ports: Json[]): PolicyInput => ({
        type: "kubernetes:apps/v1:Deployment",
        name: "oauth2-proxy",
        props: {
            metadata: { name: "oauth2-proxy", namespace: "tracing" },
            spec: {
                template: {
                    metadata: { labels: proxyLabels },
                    spec: { containers: [{ name: container, ports }] },
                },
            },
        },
    });
    const proxy = (ports: Json[] = uiPorts): PolicyInput => deployment("oauth2-proxy", ports);
    const proxyPolicy = (...ingress: Json[]): PolicyInput =>
        networkPolicy({ podSelector: { matchLabels: proxyLabels }, ingress }, "oauth2-proxy");
    const byName = (name: string): Json => ({
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } },
    });
    const byIn = (...names: string[]): Json => ({
        namespaceSelector: {
            matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: names }],
        },
    });
    const check = (rs: PolicyInput[], config: PackConfig = defaultConfig) =>
        uiOnlyFromIngressController.validateStack(rs, config);
    const judge = (...ingress: Json[]) => check([proxy(), proxyPolicy(...ingress)]);
    const reach = (what: string, i = 0, allowed = "ingress-internal") => ({
        message: `oauth2-proxy: ingress rule ${i} lets ${what} reach the SSO proxy; only the ingress controller's namespace (${allowed}) may. Set tracing:exposure.controllerNamespace, or name yours in the pack's ingressControllerNamespaces.`,
        resource: { type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", name: "oauth2-proxy" },
    });

    it("is mandatory, judged on the whole stack, and reads ingressControllerNamespaces", () => {
        expect([
            uiOnlyFromIngressController.name,
            uiOnlyFromIngressController.kind,
            uiOnlyFromIngressController.enforcementLevel,
        ]).toStrictEqual(["ui-only-from-ingress-controller", "stack", "mandatory"]);
        expect(uiOnlyFromIngressController.config).toStrictEqual(["ingressControllerNamespaces"]);
        expect(uiOnlyFromIngressController.description).toMatch(/^The SSO proxy .+\.$/);
    });

    it.each([
        ["by label", byName("ingress-internal")],
        ["by an In expression", byIn("ingress-internal")],
        // A selector no namespace matches admits nothing.
        ["by an In expression of no value", byIn()],
        ["with pods of it", { ...byName("ingress-internal"), podSelector: { matchLabels: { app: "nginx" } } }],
    ])("passes the controller's namespace named %s", (_what, peer) => {
        expect(judge({ from: [peer] })).toStrictEqual([]);
    });

    it("leaves a rule without sources to ingress-from-named-peers", () => {
        expect(judge({ ports: [{ port: 4180 }] })).toStrictEqual([]);
    });

    it("refuses another namespace by label, naming it", () => {
        expect(judge({ from: [byName("monitoring")] })).toStrictEqual([reach("namespace monitoring")]);
    });

    it("refuses the other namespaces of an In expression, naming only them", () => {
        expect(judge({ from: [byIn("ingress-internal", "monitoring")] })).toStrictEqual([
            reach("namespace monitoring"),
        ]);
        expect(judge({ from: [byIn("shop", "ingress-internal", "monitoring")] })).toStrictEqual([
            reach("namespace shop, monitoring"),
        ]);
    });

    it("reads the controller namespaces from the config, and names them all", () => {
        const config = { ...defaultConfig, ingressControllerNamespaces: ["ingress-internal", "gateways"] };
        expect(check([proxy(), proxyPolicy({ from: [byName("gateways")] })], config)).toStrictEqual([]);
        expect(check([proxy(), proxyPolicy({ from: [byName("shop")] })], config)).toStrictEqual([
            reach("namespace shop", 0, "ingress-internal, gateways"),
        ]);
    });

    it.each([
        ["a range", { ipBlock: { cidr: "10.0.0.0/8" } }],
        ["pods of its own namespace", { podSelector: { matchLabels: { app: "nginx" } } }],
        ["a range beside a namespace name", { ipBlock: { cidr: "10.0.0.0/8" }, ...byName("ingress-internal") }],
        ["a namespace by another label", { namespaceSelector: { matchLabels: { team: "ingress-internal" } } }],
        [
            "the name beside another label",
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-internal", team: "ops" } } },
        ],
        [
            "the name beside an expression",
            {
                namespaceSelector: {
                    matchLabels: { "kubernetes.io/metadata.name": "ingress-internal" },
                    matchExpressions: [{ key: "team", operator: "Exists" }],
                },
            },
        ],
        [
            "an In expression beside a label",
            {
                namespaceSelector: {
                    matchLabels: { team: "ops" },
                    matchExpressions: [
                        { key: "kubernetes.io/metadata.name", operator: "In", values: ["ingress-internal"] },
                    ],
                },
            },
        ],
        [
            "two expressions",
            {
                namespaceSelector: {
                    matchExpressions: [
                        { key: "kubernetes.io/metadata.name", operator: "In", values: ["ingress-internal"] },
                        { key: "team", operator: "Exists" },
                    ],
                },
            },
        ],
        [
            "an In expression on another label",
            {
                namespaceSelector: {
                    matchExpressions: [{ key: "team", operator: "In", values: ["ingress-internal"] }],
                },
            },
        ],
        [
            "a NotIn expression on the name",
            {
                namespaceSelector: {
                    matchExpressions: [
                        { key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["ingress-internal"] },
                    ],
                },
            },
        ],
        ["every namespace", { namespaceSelector: {} }],
    ])("refuses %s, quoting the peer", (_what, peer) => {
        expect(judge({ from: [peer] })).toStrictEqual([reach(JSON.stringify(peer))]);
    });

    it("numbers each rule and names each peer outside", () => {
        expect(
            judge(
                { from: [byName("ingress-internal")] },
                { from: [byName("monitoring"), byName("ingress-internal"), { podSelector: {} }] },
            ),
        ).toStrictEqual([reach("namespace monitoring", 1), reach('{"podSelector":{}}', 1)]);
    });

    it.each([
        ["the UI port by number", [{ port: 4180 }]],
        ["the UI port by name", [{ port: "http" }]],
        ["the UI port among others", [{ port: 44180 }, { port: 4180 }]],
        ["the metrics port beside a port the proxy does not serve", [{ port: "metrics" }, { port: 9999 }]],
        ["a port the proxy does not serve", [{ port: 9999 }]],
        ["a protocol without a port (its every port)", [{ protocol: "TCP" }]],
        ["a range from the metrics port", [{ port: 44180, endPort: 44190 }]],
    ])("judges a rule limited to %s", (_what, ports) => {
        expect(judge({ ports, from: [byName("monitoring")] })).toStrictEqual([reach("namespace monitoring")]);
    });

    it("skips a rule limited to the metrics port (for Prometheus), by number or name", () => {
        expect(
            judge(
                { ports: [{ port: 44180 }], from: [byName("monitoring")] },
                { ports: [{ port: "metrics" }], from: [byName("monitoring")] },
            ),
        ).toStrictEqual([]);
    });

    it("takes every port but the one named metrics as the UI's, whatever the UI port is named", () => {
        const web = proxy([
            { name: "web", containerPort: 4180 },
            { name: "metrics", containerPort: 44180 },
        ]);
        const open = { ipBlock: { cidr: "0.0.0.0/0" } };
        expect(check([web, proxyPolicy({ ports: [{ port: 4180 }], from: [open] })])).toStrictEqual([
            reach(JSON.stringify(open)),
        ]);
        expect(check([web, proxyPolicy({ ports: [{ port: 44180 }], from: [open] })])).toStrictEqual([]);
    });

    it("skips no port of a proxy without a port named metrics", () => {
        const unnamed = proxy([{ name: "http", containerPort: 4180 }, { containerPort: 44180 }]);
        expect(check([unnamed, proxyPolicy({ ports: [{ port: 44180 }], from: [byName("monitoring")] })])).toStrictEqual(
            [reach("namespace monitoring")],
        );
    });

    it("judges only policies that select the proxy", () => {
        const elsewhere = networkPolicy(
            { podSelector: { matchLabels: proxyLabels }, ingress: [{ from: [byName("x")] }] },
            "np",
            "other",
        );
        const others = networkPolicy({
            podSelector: { matchLabels: { app: "jaeger" } },
            ingress: [{ from: [byName("x")] }],
        });
        expect(check([proxy(), elsewhere, others])).toStrictEqual([]);
    });

    it("reads only NetworkPolicies", () => {
        const lookalike: PolicyInput = {
            type: "kubernetes:example.com/v1:Firewall",
            name: "fw",
            props: {
                metadata: { name: "fw", namespace: "tracing" },
                spec: { podSelector: { matchLabels: proxyLabels }, ingress: [{ from: [byName("x")] }] },
            },
        };
        expect(check([proxy(), lookalike])).toStrictEqual([]);
    });

    it("judges only the SSO proxy's pods", () => {
        const app = deployment("jaeger", uiPorts);
        expect(check([app, proxyPolicy({ from: [byName("monitoring")] })])).toStrictEqual([]);
    });

    it("asks nothing of a stack without the proxy", () => {
        expect(check([proxyPolicy({ from: [{ namespaceSelector: {} }] })])).toStrictEqual([]);
    });
});
