import type { NetworkPolicySpec } from "../../renderers/network-policies";
import type { RegistrationGraph, SimulatedResource } from "../../harness/simulate";
import type { PodMonitorSpec } from "../../components/monitoring";
import { Endpoint, reaches } from "./network-reach";
import type { StackRun } from "./program";
import { list, obj, ofType, podSpecOf as podSpec } from "./resources";

const podTemplateTypes = [
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:DaemonSet",
];

/** A pod template of ours: its labels and its containers' named ports. */
export interface PodOfOurs {
    workload: string;
    pod: Endpoint;
    ports: Map<string, number>;
}

export function podsOf(resources: SimulatedResource[], namespace: string): PodOfOurs[] {
    return podTemplateTypes
        .flatMap((t) => ofType(resources, t))
        .filter((w) => obj(w.inputs.metadata).namespace === namespace)
        .map((w) => ({
            workload: String(obj(w.inputs.metadata).name),
            pod: {
                namespace,
                labels: obj(obj(obj(obj(w.inputs.spec).template).metadata).labels) as Record<string, string>,
            },
            ports: new Map(
                list(podSpec(w).containers)
                    .flatMap((c) => list(c.ports))
                    .map((p) => [String(p.name), Number(p.containerPort)] as const),
            ),
        }));
}

export const podNamed = (pods: PodOfOurs[], workload: string): PodOfOurs => {
    const pod = pods.find((p) => p.workload === workload);
    if (pod === undefined) throw new Error(`no pod template of ${workload}`);
    return pod;
};

export const networkPolicies = (resources: SimulatedResource[]) =>
    ofType(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((p) => ({
        name: String(obj(p.inputs.metadata).name),
        spec: p.inputs.spec as NetworkPolicySpec,
    }));

/** The all view's Jaeger: one combined Deployment, or a collector and a query. */
const mainJaeger = ["jaeger", "jaeger-collector", "jaeger-query"];

/** Every URN a registration waits for before the engine creates it: its own dependencies, its ancestors', theirs. */
function waitsFor(graph: Map<string, RegistrationGraph>, start: SimulatedResource): Set<string> {
    const byUrn = new Map([...graph.values()].map((g) => [g.urn, g] as const));
    const first = graph.get(`${start.type}::${start.name}`);
    if (first === undefined) throw new Error(`${start.type} ${start.name} was not registered`);
    const seen = new Set<string>();
    const pending = [first];
    for (let g = pending.pop(); g !== undefined; g = pending.pop()) {
        for (const urn of [...g.dependencies, ...(g.parent === undefined ? [] : [g.parent])]) {
            if (seen.has(urn)) continue;
            seen.add(urn);
            const next = byUrn.get(urn);
            if (next !== undefined) pending.push(next);
        }
    }
    return seen;
}

/**
 * How the program wires its components to each other, checked on the objects as deployed: what
 * waits for what, who scrapes whom, who may reach whom under the NetworkPolicies.
 */
export function describeWiring(stack: string, run: () => StackRun): void {
    describe(`stack ${stack}: wiring`, () => {
        const resources = () => run().sim.resources;
        const config = () => run().config;
        const pods = () => podsOf(resources(), config().namespace);
        const policies = () => networkPolicies(resources());

        it("creates nothing in the platform namespace before the namespace carries its Pod Security labels", () => {
            const namespaceObject = resources().find(
                (r) =>
                    r.type.startsWith("kubernetes:core/v1:Namespace") &&
                    r.readId === undefined &&
                    obj(r.inputs.metadata).name === config().namespace,
            );
            const namespaceUrn =
                namespaceObject && run().sim.graph.get(`${namespaceObject.type}::${namespaceObject.name}`)?.urn;
            expect(namespaceUrn).toBeDefined();
            const inNamespace = resources().filter(
                (r) =>
                    r.readId === undefined &&
                    r !== namespaceObject &&
                    obj(r.inputs.metadata).namespace === config().namespace,
            );
            expect(inNamespace.length).toBeGreaterThan(30);
            const early = inNamespace.filter((r) => !waitsFor(run().sim.graph, r).has(String(namespaceUrn)));
            expect(early.map((r) => `${r.type} ${r.name}`)).toEqual([]);
        });

        it("scrapes every metrics port of ours with a PodMonitor named after its workload, at ports the pods have", () => {
            const monitors = ofType(resources(), "kubernetes:monitoring.coreos.com/v1:PodMonitor").map((m) => ({
                name: String(obj(m.inputs.metadata).name),
                spec: m.inputs.spec as PodMonitorSpec,
            }));
            const selected = (spec: PodMonitorSpec) =>
                pods().filter((p) =>
                    Object.entries(spec.selector.matchLabels).every(([k, v]) => p.pod.labels[k] === v),
                );
            for (const m of monitors) {
                expect(m.spec.namespaceSelector).toEqual({ matchNames: [config().namespace] });
                expect(selected(m.spec).map((p) => p.workload)).toEqual([m.name]);
                for (const endpoint of m.spec.podMetricsEndpoints) {
                    expect([m.name, endpoint.port, selected(m.spec)[0].ports.has(endpoint.port)]).toEqual([
                        m.name,
                        endpoint.port,
                        true,
                    ]);
                }
            }
            const scraped = monitors.flatMap((m) => m.spec.podMetricsEndpoints.map((e) => `${m.name}:${e.port}`));
            const metricsPorts = pods().flatMap((p) =>
                [...p.ports.keys()].filter((n) => n.endsWith("metrics")).map((n) => `${p.workload}:${n}`),
            );
            expect(metricsPorts.length).toBeGreaterThan(5);
            expect(scraped.sort()).toEqual(metricsPorts.sort());
        });

        it("keeps the labels the gateway's span metrics carry (service, span), and only there", () => {
            const honoured = ofType(resources(), "kubernetes:monitoring.coreos.com/v1:PodMonitor").flatMap((m) =>
                (m.inputs.spec as PodMonitorSpec).podMetricsEndpoints
                    .filter((e) => e.honorLabels === true)
                    .map((e) => `${String(obj(m.inputs.metadata).name)}:${e.port}`),
            );
            expect(honoured.sort()).toEqual(["otel-gateway:metrics", "otel-gateway:span-metrics"]);
        });

        it("lets Prometheus reach every metrics port, and Jaeger query reach Prometheus where its URL points", () => {
            const prometheus: Endpoint = { namespace: String(config().monitoring.prometheusNamespace), labels: {} };
            for (const p of pods()) {
                for (const [name, port] of p.ports) {
                    if (!name.endsWith("metrics")) continue;
                    expect([
                        p.workload,
                        name,
                        reaches(policies(), config().namespace, prometheus, p.pod, port),
                    ]).toEqual([p.workload, name, true]);
                }
            }
            // The views' Jaegers have no Monitor tab: only the all view's query asks Prometheus.
            const query = pods().filter((p) => mainJaeger.includes(p.workload) && p.ports.has("query-http"));
            expect(query).toHaveLength(1);
            // The committed stacks name the port in the URL: 9090.
            for (const q of query)
                expect([q.workload, reaches(policies(), config().namespace, q.pod, prometheus, 9090)]).toEqual([
                    q.workload,
                    true,
                ]);
        });

        it("lets the instrumented namespaces, and no other, send spans to the agent; the gateway feed Jaeger, Jaeger its Elasticsearch; the proxy reach Jaeger query", () => {
            const ns = config().namespace;
            const agent = podNamed(pods(), "otel-agent");
            const otlp = [agent.ports.get("otlp-grpc"), agent.ports.get("otlp-http")].map(Number);
            for (const workload of config().workloads) {
                const app: Endpoint = { namespace: workload.namespace, labels: { app: workload.name } };
                for (const port of otlp)
                    expect([workload.name, port, reaches(policies(), ns, app, agent.pod, port)]).toEqual([
                        workload.name,
                        port,
                        true,
                    ]);
            }
            const stranger: Endpoint = { namespace: "default", labels: {} };
            for (const port of otlp) expect(reaches(policies(), ns, stranger, agent.pod, port)).toBe(false);

            const gateway = podNamed(pods(), "otel-gateway");
            const collector = pods().find((p) => mainJaeger.includes(p.workload) && p.ports.has("otlp-grpc"));
            expect(collector).toBeDefined();
            const collectorPort = Number(collector?.ports.get("otlp-grpc"));
            expect(reaches(policies(), ns, gateway.pod, (collector as PodOfOurs).pod, collectorPort)).toBe(true);
            const elasticsearch = podNamed(pods(), "elasticsearch");
            const https = Number(elasticsearch.ports.get("https"));
            expect(reaches(policies(), ns, (collector as PodOfOurs).pod, elasticsearch.pod, https)).toBe(true);

            const proxy = podNamed(pods(), "oauth2-proxy");
            const query = pods().find((p) => mainJaeger.includes(p.workload) && p.ports.has("query-http"));
            expect(query).toBeDefined();
            const queryPort = Number(query?.ports.get("query-http"));
            expect(reaches(policies(), ns, proxy.pod, (query as PodOfOurs).pod, queryPort)).toBe(true);
        });
    });
}
