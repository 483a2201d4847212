import { NetworkFlowsInput, renderNetworkPolicies } from "../renderers/network-policies";
import { Endpoint, Protocol, reaches } from "./support/network-reach";

const sel = (name: string) => ({ "app.kubernetes.io/name": name });
const input: NetworkFlowsInput = {
    workloadNamespaces: ["shop", "crm", "mes"],
    selectors: {
        agent: sel("otel-agent"),
        gateway: sel("otel-gateway"),
        jaegerCollector: sel("jaeger-collector"),
        jaegerQuery: sel("jaeger-query"),
        ssoProxy: sel("oauth2-proxy"),
        indexCleaner: sel("jaeger-es-index-cleaner"),
    },
    storage: { kind: "in-cluster", selector: sel("elasticsearch") },
    controllerNamespace: "ingress-internal",
    providerRanges: ["10.20.0.0/24"],
    apiServerRanges: ["10.0.0.1/32"],
    dnsNamespace: "kube-system",
};

describe("network policies", () => {
    const policies = renderNetworkPolicies(input);
    const byName = (name: string) => {
        const p = policies.find((x) => x.name === name);
        if (p === undefined) throw new Error(`no policy ${name}`);
        return p.spec;
    };

    it("deny all traffic in the namespace by default", () => {
        expect(byName("default-deny-all")).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    });

    it("let only the instrumented namespaces reach the agent", () => {
        expect(byName("otel-agent").ingress).toEqual([
            {
                from: [
                    {
                        namespaceSelector: {
                            matchExpressions: [
                                { key: "kubernetes.io/metadata.name", operator: "In", values: ["crm", "mes", "shop"] },
                            ],
                        },
                    },
                ],
                ports: [
                    { port: 4317, protocol: "TCP" },
                    { port: 4318, protocol: "TCP" },
                ],
            },
        ]);
    });

    it("chain agent → gateway → Jaeger collector → Elasticsearch", () => {
        expect(byName("otel-agent").egress).toContainEqual({
            to: [{ podSelector: { matchLabels: sel("otel-gateway") } }],
            ports: [{ port: 4317, protocol: "TCP" }],
        });
        expect(byName("otel-gateway").ingress).toEqual([
            { from: [{ podSelector: { matchLabels: sel("otel-agent") } }], ports: [{ port: 4317, protocol: "TCP" }] },
        ]);
        expect(byName("jaeger-collector").ingress).toEqual([
            { from: [{ podSelector: { matchLabels: sel("otel-gateway") } }], ports: [{ port: 4317, protocol: "TCP" }] },
        ]);
        expect(byName("jaeger-collector").egress).toEqual([
            { to: [{ podSelector: { matchLabels: sel("elasticsearch") } }], ports: [{ port: 9200, protocol: "TCP" }] },
        ]);
    });

    it("let the UI be reached only from the ingress controller through oauth2-proxy", () => {
        expect(byName("oauth2-proxy").ingress).toEqual([
            {
                from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-internal" } } }],
                ports: [{ port: 4180, protocol: "TCP" }],
            },
        ]);
        expect(byName("jaeger-query").ingress).toEqual([
            {
                from: [{ podSelector: { matchLabels: sel("oauth2-proxy") } }],
                ports: [{ port: 16686, protocol: "TCP" }],
            },
        ]);
        expect(byName("oauth2-proxy").egress).toContainEqual({
            to: [{ ipBlock: { cidr: "10.20.0.0/24" } }],
            ports: [{ port: 443, protocol: "TCP" }],
        });
    });

    it("admit to Elasticsearch only Jaeger, the cleaner and its own nodes", () => {
        expect(byName("elasticsearch").ingress).toEqual([
            {
                from: [sel("jaeger-collector"), sel("jaeger-query"), sel("jaeger-es-index-cleaner")].map((l) => ({
                    podSelector: { matchLabels: l },
                })),
                ports: [{ port: 9200, protocol: "TCP" }],
            },
            {
                from: [{ podSelector: { matchLabels: sel("elasticsearch") } }],
                ports: [{ port: 9300, protocol: "TCP" }],
            },
        ]);
    });

    it("send an external cluster's traffic only to its ranges and port", () => {
        const external = renderNetworkPolicies({
            ...input,
            storage: { kind: "external", ranges: ["10.50.0.0/16"], port: 9243 },
        });
        expect(external.find((p) => p.name === "elasticsearch")).toBeUndefined();
        expect(external.find((p) => p.name === "jaeger-es-index-cleaner")?.spec.egress).toEqual([
            { to: [{ ipBlock: { cidr: "10.50.0.0/16" } }], ports: [{ port: 9243, protocol: "TCP" }] },
        ]);
    });

    it("open nothing to the agent when no workload is instrumented", () => {
        expect(
            renderNetworkPolicies({ ...input, workloadNamespaces: [] }).find((p) => p.name === "otel-agent")?.spec
                .policyTypes,
        ).toEqual(["Egress"]);
    });
});

describe("network policies for the Prometheus that scrapes the platform", () => {
    const monitored = renderNetworkPolicies({
        ...input,
        prometheus: { namespace: "monitoring", port: 9090, queriedByJaeger: true },
    });
    const spec = (name: string) => monitored.find((p) => p.name === name)?.spec;
    const fromMonitoring = {
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
    };
    const tcp = (...ports: number[]) => ports.map((port) => ({ port, protocol: "TCP" }));

    it("let only its namespace scrape, and only the metrics ports", () => {
        expect(spec("otel-agent")?.ingress).toContainEqual({ ...fromMonitoring, ports: tcp(8888) });
        expect(spec("otel-gateway")?.ingress).toContainEqual({ ...fromMonitoring, ports: tcp(8888, 8889) });
        expect(spec("jaeger-collector")?.ingress).toContainEqual({ ...fromMonitoring, ports: tcp(8888) });
        expect(spec("jaeger-query")?.ingress).toContainEqual({ ...fromMonitoring, ports: tcp(8888) });
        expect(spec("oauth2-proxy")?.ingress).toContainEqual({ ...fromMonitoring, ports: tcp(44180) });
        const scrapeRules = monitored
            .flatMap((p) => p.spec.ingress ?? [])
            .filter((r) => JSON.stringify(r.from).includes("monitoring"));
        expect(scrapeRules.flatMap((r) => r.ports?.map((p) => p.port) ?? []).sort()).toEqual([
            44180, 8888, 8888, 8888, 8888, 8889,
        ]);
    });

    it("let Jaeger query reach Prometheus' API for the Monitor tab, and nothing else of that namespace", () => {
        expect(spec("jaeger-query")?.egress).toContainEqual({
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
            ports: tcp(9090),
        });
        expect(JSON.stringify(spec("jaeger-collector")?.egress)).not.toContain("monitoring");
    });

    it("open nothing to scrapers when no Prometheus namespace is configured", () => {
        expect(JSON.stringify(renderNetworkPolicies(input))).not.toContain("8889");
        expect(JSON.stringify(renderNetworkPolicies(input))).not.toContain("44180");
    });
});

describe("who can reach whom, under the rendered policies as Kubernetes applies them", () => {
    const ns = "tracing";
    const policies = renderNetworkPolicies(input);
    const pod = (name: string): Endpoint => ({ namespace: ns, labels: sel(name) });
    const agent = pod("otel-agent");
    const gateway = pod("otel-gateway");
    const collector = pod("jaeger-collector");
    const query = pod("jaeger-query");
    const proxy = pod("oauth2-proxy");
    const cleaner = pod("jaeger-es-index-cleaner");
    const es = pod("elasticsearch");
    const shopApp: Endpoint = { namespace: "shop", labels: { app: "shop-api" } };
    const otherApp: Endpoint = { namespace: "marketing", labels: { app: "site" } };
    const ingressController: Endpoint = { namespace: "ingress-internal", labels: { app: "traefik" } };
    const kubeDns: Endpoint = { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } };
    const fakeDns: Endpoint = { namespace: "marketing", labels: { "k8s-app": "kube-dns" } };
    const otherKubeSystemPod: Endpoint = { namespace: "kube-system", labels: { "k8s-app": "metrics-server" } };
    const apiServer: Endpoint = { namespace: "", labels: {}, ip: "10.0.0.1" };
    const idp: Endpoint = { namespace: "", labels: {}, ip: "10.20.0.7" };
    const internet: Endpoint = { namespace: "", labels: {}, ip: "1.1.1.1" };
    const ours = [agent, gateway, collector, query, proxy, cleaner, es];
    const can = (from: Endpoint, to: Endpoint, port: number, protocol: Protocol = "TCP") =>
        reaches(policies, ns, from, to, port, protocol);

    it("lets every hop of the trace path through", () => {
        expect(can(shopApp, agent, 4318)).toBe(true);
        expect(can(shopApp, agent, 4317)).toBe(true);
        expect(can(agent, gateway, 4317)).toBe(true);
        expect(can(agent, apiServer, 443)).toBe(true);
        expect(can(gateway, collector, 4317)).toBe(true);
        expect(can(collector, es, 9200)).toBe(true);
        expect(can(query, es, 9200)).toBe(true);
        expect(can(cleaner, es, 9200)).toBe(true);
        expect(can(es, es, 9300)).toBe(true);
        expect(can(ingressController, proxy, 4180)).toBe(true);
        expect(can(proxy, query, 16686)).toBe(true);
        expect(can(proxy, idp, 443)).toBe(true);
    });

    it("lets each of our pods resolve names at kube-dns, over UDP and TCP, and at no other port 53", () => {
        for (const p of ours) {
            expect([can(p, kubeDns, 53, "UDP"), can(p, kubeDns, 53, "TCP")]).toEqual([true, true]);
            expect(can(p, fakeDns, 53, "UDP")).toBe(false);
            expect(can(p, otherKubeSystemPod, 53, "UDP")).toBe(false);
            expect(can(p, kubeDns, 5353, "UDP")).toBe(false);
        }
    });

    it("stops what goes around a hop or comes from elsewhere", () => {
        expect(can(otherApp, agent, 4318)).toBe(false);
        expect(can(shopApp, gateway, 4317)).toBe(false);
        expect(can(agent, collector, 4317)).toBe(false);
        expect(can(ingressController, query, 16686)).toBe(false);
        expect(can(shopApp, query, 16686)).toBe(false);
        expect(can(proxy, es, 9200)).toBe(false);
        expect(can(gateway, es, 9200)).toBe(false);
        expect(can(query, collector, 4317)).toBe(false);
        expect(can(cleaner, es, 9300)).toBe(false);
        for (const p of ours) expect(can(p, internet, 443)).toBe(false);
        expect(can(ingressController, proxy, 44180)).toBe(false);
    });

    it("are objects Kubernetes accepts: each with a unique DNS-1123 name", () => {
        const names = policies.map((p) => p.name);
        expect(names.filter((n) => !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(n))).toEqual([]);
        expect(new Set(names).size).toBe(names.length);
    });
});

describe("who can reach whom with team views and Grafana", () => {
    const ns = "tracing";
    const policies = renderNetworkPolicies({
        ...input,
        views: [
            { name: "shop", jaeger: sel("jaeger-shop"), ssoProxy: sel("oauth2-proxy-shop") },
            { name: "crm", jaeger: sel("jaeger-crm"), ssoProxy: sel("oauth2-proxy-crm") },
        ],
        grafanaNamespace: "monitoring",
    });
    const pod = (name: string): Endpoint => ({ namespace: ns, labels: sel(name) });
    const [gateway, query, proxy, es] = ["otel-gateway", "jaeger-query", "oauth2-proxy", "elasticsearch"].map(pod);
    const [shopJaeger, shopProxy, crmJaeger, crmProxy] = [
        "jaeger-shop",
        "oauth2-proxy-shop",
        "jaeger-crm",
        "oauth2-proxy-crm",
    ].map(pod);
    const ingressController: Endpoint = { namespace: "ingress-internal", labels: { app: "traefik" } };
    const grafana: Endpoint = { namespace: "monitoring", labels: { "app.kubernetes.io/name": "grafana" } };
    const shopApp: Endpoint = { namespace: "shop", labels: { app: "shop-api" } };
    const idp: Endpoint = { namespace: "", labels: {}, ip: "10.20.0.7" };
    const can = (from: Endpoint, to: Endpoint, port: number) => reaches(policies, ns, from, to, port);

    it("lets the gateway feed every view's Jaeger, and each view's Jaeger reach Elasticsearch", () => {
        for (const j of [shopJaeger, crmJaeger]) {
            expect(can(gateway, j, 4317)).toBe(true);
            expect(can(j, es, 9200)).toBe(true);
        }
    });

    it("lets each view's query be reached only through its own proxy and from Grafana's namespace", () => {
        expect(can(ingressController, shopProxy, 4180)).toBe(true);
        expect(can(shopProxy, shopJaeger, 16686)).toBe(true);
        expect(can(shopProxy, idp, 443)).toBe(true);
        expect(can(grafana, shopJaeger, 16686)).toBe(true);
        expect(can(grafana, query, 16686)).toBe(true);
        // Around its proxy, or through another view's: never.
        expect(can(ingressController, shopJaeger, 16686)).toBe(false);
        expect(can(shopProxy, crmJaeger, 16686)).toBe(false);
        expect(can(shopProxy, query, 16686)).toBe(false);
        expect(can(crmProxy, shopJaeger, 16686)).toBe(false);
        expect(can(proxy, shopJaeger, 16686)).toBe(false);
        expect(can(shopApp, shopJaeger, 16686)).toBe(false);
        expect(can(shopApp, shopJaeger, 4317)).toBe(false);
        expect(can(shopJaeger, crmJaeger, 16686)).toBe(false);
    });

    it("lets Grafana reach no query without the setting", () => {
        const without = renderNetworkPolicies({
            ...input,
            views: [{ name: "shop", jaeger: sel("jaeger-shop"), ssoProxy: sel("oauth2-proxy-shop") }],
        });
        expect(reaches(without, ns, grafana, query, 16686)).toBe(false);
        expect(reaches(without, ns, grafana, shopJaeger, 16686)).toBe(false);
    });
});
