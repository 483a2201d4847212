/**
 * The platform's NetworkPolicies as plain specs: deny everything in the namespace, then allow only
 * the flows the architecture needs. Pure, so each flow can be tested without Pulumi.
 */

type Labels = Record<string, string>;

interface Port {
    port: number;
    protocol: "TCP" | "UDP";
}

interface Peer {
    podSelector?: { matchLabels: Labels };
    namespaceSelector?: {
        matchLabels?: Labels;
        matchExpressions?: { key: string; operator: "In"; values: string[] }[];
    };
    ipBlock?: { cidr: string };
}

interface Rule {
    from?: Peer[];
    to?: Peer[];
    ports?: Port[];
}

export interface NetworkPolicySpec {
    podSelector: { matchLabels?: Labels };
    policyTypes: ("Ingress" | "Egress")[];
    ingress?: Rule[];
    egress?: Rule[];
}

export interface NamedPolicy {
    name: string;
    spec: NetworkPolicySpec;
}

export type StorageReach =
    { kind: "in-cluster"; selector: Labels } | { kind: "external"; ranges: string[]; port: number };

export interface NetworkFlowsInput {
    workloadNamespaces: string[];
    selectors: {
        agent: Labels;
        gateway: Labels;
        jaegerCollector: Labels;
        jaegerQuery: Labels;
        ssoProxy: Labels;
        indexCleaner: Labels;
    };
    storage: StorageReach;
    controllerNamespace: string;
    providerRanges: string[];
    apiServerRanges: string[];
    dnsNamespace: string;
    /** The Prometheus that scrapes the metrics ports; none may scrape without it. */
    prometheus?: { namespace: string; port: number; queriedByJaeger: boolean };
    /** Team views: each a Jaeger (both roles) and the oauth2-proxy in front of it. */
    views?: { name: string; jaeger: Labels; ssoProxy: Labels }[];
    /** Grafana's namespace: its Jaeger data sources query every view's query service directly. */
    grafanaNamespace?: string;
}

/** The metrics ports of each pod group (the collector's own telemetry, the span metrics, oauth2-proxy's). */
export const metricsPorts = { collector: 8888, spanMetrics: 8889, jaeger: 8888, ssoProxy: 44180 } as const;

const tcp = (...ports: number[]): Port[] => ports.map((port) => ({ port, protocol: "TCP" as const }));
const pods = (labels: Labels): Peer => ({ podSelector: { matchLabels: labels } });
const namespace = (name: string): Peer => ({
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } },
});
const ranges = (cidrs: string[]): Peer[] => cidrs.map((cidr) => ({ ipBlock: { cidr } }));

function storageEgress(storage: StorageReach): Rule {
    return storage.kind === "in-cluster"
        ? { to: [pods(storage.selector)], ports: tcp(9200) }
        : { to: ranges(storage.ranges), ports: tcp(storage.port) };
}

function policy(name: string, selector: Labels, ingress: Rule[], egress: Rule[]): NamedPolicy {
    const policyTypes: ("Ingress" | "Egress")[] = [];
    if (ingress.length > 0) policyTypes.push("Ingress");
    if (egress.length > 0) policyTypes.push("Egress");
    return {
        name,
        spec: {
            podSelector: { matchLabels: selector },
            policyTypes,
            ...(ingress.length > 0 ? { ingress } : {}),
            ...(egress.length > 0 ? { egress } : {}),
        },
    };
}

export function renderNetworkPolicies(input: NetworkFlowsInput): NamedPolicy[] {
    const s = input.selectors;
    const prometheus = input.prometheus;
    /** Prometheus may scrape these ports of the pods, and nothing else. */
    const scrape = (...ports: number[]): Rule[] =>
        prometheus === undefined ? [] : [{ from: [namespace(prometheus.namespace)], ports: tcp(...ports) }];
    // Jaeger's Monitor tab queries Prometheus' API.
    const queryPrometheus: Rule[] =
        prometheus?.queriedByJaeger === true
            ? [{ to: [namespace(prometheus.namespace)], ports: tcp(prometheus.port) }]
            : [];
    const appIngress: Rule[] =
        input.workloadNamespaces.length === 0
            ? []
            : [
                  {
                      from: [
                          {
                              namespaceSelector: {
                                  matchExpressions: [
                                      {
                                          key: "kubernetes.io/metadata.name",
                                          operator: "In",
                                          values: [...input.workloadNamespaces].sort(),
                                      },
                                  ],
                              },
                          },
                      ],
                      ports: tcp(4317, 4318),
                  },
              ];
    const views = input.views ?? [];
    const grafana: Rule[] =
        input.grafanaNamespace === undefined ? [] : [{ from: [namespace(input.grafanaNamespace)], ports: tcp(16686) }];
    const policies: NamedPolicy[] = [
        { name: "default-deny-all", spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
        {
            name: "allow-dns",
            spec: {
                podSelector: {},
                policyTypes: ["Egress"],
                egress: [
                    {
                        to: [
                            {
                                ...namespace(input.dnsNamespace),
                                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                            },
                        ],
                        ports: [
                            { port: 53, protocol: "UDP" },
                            { port: 53, protocol: "TCP" },
                        ],
                    },
                ],
            },
        },
        policy(
            "otel-agent",
            s.agent,
            [...appIngress, ...scrape(metricsPorts.collector)],
            [
                { to: [pods(s.gateway)], ports: tcp(4317) },
                // k8s_attributes and the load_balancing k8s resolver watch the API server.
                { to: ranges(input.apiServerRanges), ports: tcp(443, 6443) },
            ],
        ),
        policy(
            "otel-gateway",
            s.gateway,
            [{ from: [pods(s.agent)], ports: tcp(4317) }, ...scrape(metricsPorts.collector, metricsPorts.spanMetrics)],
            [{ to: [pods(s.jaegerCollector), ...views.map((v) => pods(v.jaeger))], ports: tcp(4317) }],
        ),
        policy(
            "jaeger-collector",
            s.jaegerCollector,
            [{ from: [pods(s.gateway)], ports: tcp(4317) }, ...scrape(metricsPorts.jaeger)],
            [storageEgress(input.storage)],
        ),
        policy(
            "jaeger-query",
            s.jaegerQuery,
            [{ from: [pods(s.ssoProxy)], ports: tcp(16686) }, ...grafana, ...scrape(metricsPorts.jaeger)],
            [storageEgress(input.storage), ...queryPrometheus],
        ),
        policy(
            "oauth2-proxy",
            s.ssoProxy,
            [{ from: [namespace(input.controllerNamespace)], ports: tcp(4180) }, ...scrape(metricsPorts.ssoProxy)],
            [
                { to: [pods(s.jaegerQuery)], ports: tcp(16686) },
                { to: ranges(input.providerRanges), ports: tcp(443) },
            ],
        ),
        policy("jaeger-es-index-cleaner", s.indexCleaner, [], [storageEgress(input.storage)]),
        // A team view's query answers its own proxy (and Grafana) only; its proxy reaches only it.
        ...views.flatMap((v) => [
            policy(
                `jaeger-${v.name}`,
                v.jaeger,
                [
                    { from: [pods(s.gateway)], ports: tcp(4317) },
                    { from: [pods(v.ssoProxy)], ports: tcp(16686) },
                    ...grafana,
                    ...scrape(metricsPorts.jaeger),
                ],
                [storageEgress(input.storage)],
            ),
            policy(
                `oauth2-proxy-${v.name}`,
                v.ssoProxy,
                [{ from: [namespace(input.controllerNamespace)], ports: tcp(4180) }, ...scrape(metricsPorts.ssoProxy)],
                [
                    { to: [pods(v.jaeger)], ports: tcp(16686) },
                    { to: ranges(input.providerRanges), ports: tcp(443) },
                ],
            ),
        ]),
    ];
    if (input.storage.kind === "in-cluster") {
        const es = input.storage.selector;
        policies.push(
            policy(
                "elasticsearch",
                es,
                [
                    {
                        from: [
                            pods(s.jaegerCollector),
                            pods(s.jaegerQuery),
                            pods(s.indexCleaner),
                            ...views.map((v) => pods(v.jaeger)),
                        ],
                        ports: tcp(9200),
                    },
                    { from: [pods(es)], ports: tcp(9300) },
                ],
                [{ to: [pods(es)], ports: tcp(9300) }],
            ),
        );
    }
    return policies;
}
