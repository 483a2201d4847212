import { configMapYaml, find, obj, ofType } from "./support/resources";
import { describeStorageAndAccess } from "./support/access-expectations";
import { describeFoundation } from "./support/platform-expectations";
import { describeWiring } from "./support/wiring-expectations";

const run = describeFoundation("prod");
describeStorageAndAccess("prod", run);
describeWiring("prod", run);

describe("stack prod specifics", () => {
    it("splits Jaeger into collector and query, each with two or more replicas and a PDB", () => {
        for (const name of ["jaeger-collector", "jaeger-query", "oauth2-proxy"]) {
            expect(
                obj(find(run().sim.resources, "kubernetes:apps/v1:Deployment", name).inputs.spec).replicas,
            ).toBeGreaterThanOrEqual(2);
            expect(
                obj(find(run().sim.resources, "kubernetes:policy/v1:PodDisruptionBudget", name).inputs.spec),
            ).toMatchObject({ maxUnavailable: 1 });
        }
    });

    it("runs three Elasticsearch nodes with replicas, a PDB and two weeks of retention", () => {
        expect(
            obj(find(run().sim.resources, "kubernetes:apps/v1:StatefulSet", "elasticsearch").inputs.spec).replicas,
        ).toBe(3);
        find(run().sim.resources, "kubernetes:policy/v1:PodDisruptionBudget", "elasticsearch");
        expect(run().sim.outputs.retentionDays).toBe(14);
    });

    it("uses the corporate ClusterIssuer and creates no internal CA", () => {
        expect(ofType(run().sim.resources, "kubernetes:cert-manager.io/v1:ClusterIssuer")).toHaveLength(0);
        expect(run().sim.outputs.certificateIssuer).toBe("corporate-ca");
    });

    it("runs at least two gateway replicas and samples a share of ordinary traces", () => {
        const replicas = obj(
            find(run().sim.resources, "kubernetes:apps/v1:StatefulSet", "otel-gateway").inputs.spec,
        ).replicas;
        expect(replicas).toBeGreaterThanOrEqual(2);
        // What the gateways run, not what the stack file says.
        const gateway = configMapYaml(find(run().sim.resources, "kubernetes:core/v1:ConfigMap", "otel-gateway"));
        const policies =
            (obj(obj(gateway.processors).tail_sampling).policies as {
                type: string;
                probabilistic?: { sampling_percentage: number };
            }[]) ?? [];
        expect(policies.find((p) => p.type === "probabilistic")?.probabilistic?.sampling_percentage).toBeLessThan(100);
    });

    it("keeps even the redaction summary out of storage", () => {
        const agent = configMapYaml(find(run().sim.resources, "kubernetes:core/v1:ConfigMap", "otel-agent"));
        expect(obj(obj(agent.processors)["redaction/pii"]).summary).toBe("silent");
    });
});
