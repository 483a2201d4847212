import { parseStackConfig } from "../config/config";
import type { StackConfig } from "../config/schema";
import { simulateProgram, Simulation } from "../harness/simulate";
import { requiredConfig } from "./support/minimal-config";
import { Endpoint, reaches } from "./support/network-reach";
import { configMapYaml, find, list, obj, ofType, podSpecOf as podSpec, strings } from "./support/resources";
import { networkPolicies, podNamed, podsOf } from "./support/wiring-expectations";

// The modes neither committed stack uses, run by the real program: Elasticsearch outside the cluster
// at a URL that names no port, and a Prometheus behind HTTPS at a URL that names none either.
const externalUrl = "https://es.data.jewellery.internal";
const raw: Record<string, string> = {
    ...requiredConfig,
    "tracing:workloads": JSON.stringify([{ name: "shop-api", namespace: "shop", language: "nodejs" }]),
    "tracing:elasticsearch": JSON.stringify({
        mode: "external",
        url: externalUrl,
        credentialsSecret: "es-credentials",
        caSecret: "es-ca",
        egressRanges: ["10.30.0.0/24"],
    }),
    "tracing:jaeger": JSON.stringify({ roles: "split" }),
    "tracing:monitoring": JSON.stringify({
        prometheusNamespace: "monitoring",
        prometheusUrl: "https://prometheus.monitoring.svc.cluster.local",
    }),
    "tracing:views": JSON.stringify([{ name: "shop", groups: ["tracing-team-shop"], namespaces: ["shop"] }]),
};

let sim: Simulation;
let config: StackConfig;
beforeAll(async () => {
    config = parseStackConfig(raw);
    sim = await simulateProgram("external", raw);
});

const jaegers = ["jaeger-collector", "jaeger-query", "jaeger-shop"];
const esNode: Endpoint = { namespace: "", labels: {}, ip: "10.30.0.7" };

describe("stack with an external Elasticsearch", () => {
    it("runs no Elasticsearch of its own", () => {
        expect(ofType(sim.resources, "kubernetes:apps/v1:StatefulSet").map((s) => obj(s.inputs.metadata).name)).toEqual(
            ["otel-gateway"],
        );
    });

    it("points every Jaeger at the external URL, with the cluster's one credentials Secret and its CA", () => {
        for (const name of jaegers) {
            const pod = podSpec(find(sim.resources, "kubernetes:apps/v1:Deployment", name));
            const env = list(list(pod.containers)[0].env);
            const secretOf = (variable: string) =>
                obj(obj(env.find((e) => e.name === variable)?.valueFrom).secretKeyRef).name;
            expect([name, secretOf("ES_USERNAME"), secretOf("ES_PASSWORD")]).toEqual([
                name,
                "es-credentials",
                "es-credentials",
            ]);
            expect(list(pod.volumes).map((v) => obj(v.secret).secretName)).toContain("es-ca");
            const storage = JSON.stringify(configMapYaml(find(sim.resources, "kubernetes:core/v1:ConfigMap", name)));
            expect(storage).toContain(`"server_urls":["${externalUrl}"]`);
        }
    });

    it("cleans the external cluster's indices, the view's too, with the same Secret and CA", () => {
        const cleaner = ofType(sim.resources, "kubernetes:batch/v1:CronJob")[0];
        const pod = obj(obj(obj(obj(cleaner.inputs.spec).jobTemplate).spec).template).spec;
        const containers = list(obj(pod).containers);
        expect(containers).toHaveLength(2);
        for (const c of containers) {
            expect(strings(c.args)).toContain(externalUrl);
            const secrets = list(c.env).flatMap((e) =>
                e.valueFrom === undefined ? [] : [obj(obj(e.valueFrom).secretKeyRef).name],
            );
            expect(secrets).toEqual(["es-credentials", "es-credentials"]);
        }
        expect(list(obj(pod).volumes).map((v) => obj(v.secret).secretName)).toEqual(["es-ca"]);
    });

    it("lets each Jaeger reach the cluster's ranges on the URL's port, 443 when it names none, and no other", () => {
        const pods = podsOf(sim.resources, config.namespace);
        const policies = networkPolicies(sim.resources);
        for (const name of jaegers) {
            const from = podNamed(pods, name).pod;
            expect([name, reaches(policies, config.namespace, from, esNode, 443)]).toEqual([name, true]);
            expect([name, reaches(policies, config.namespace, from, esNode, 9200)]).toEqual([name, false]);
            expect(reaches(policies, config.namespace, from, { ...esNode, ip: "10.31.0.7" }, 443)).toBe(false);
        }
    });

    it("lets Jaeger query reach Prometheus on 443 when its HTTPS URL names no port", () => {
        const query = podNamed(podsOf(sim.resources, config.namespace), "jaeger-query").pod;
        const prometheus: Endpoint = { namespace: "monitoring", labels: {} };
        const policies = networkPolicies(sim.resources);
        expect(reaches(policies, config.namespace, query, prometheus, 443)).toBe(true);
        expect(reaches(policies, config.namespace, query, prometheus, 80)).toBe(false);
        expect(reaches(policies, config.namespace, query, prometheus, 9090)).toBe(false);
    });
});
