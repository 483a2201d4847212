import { find, obj, ofType } from "./support/resources";
import { describeStorageAndAccess } from "./support/access-expectations";
import { describeFoundation } from "./support/platform-expectations";
import { describeWiring } from "./support/wiring-expectations";

const run = describeFoundation("dev");
describeStorageAndAccess("dev", run);
describeWiring("dev", run);

describe("stack dev specifics", () => {
    it("serves collector and query from one Jaeger Deployment on a one-node Elasticsearch", () => {
        expect(run().config.jaeger.roles).toBe("combined");
        expect(
            obj(find(run().sim.resources, "kubernetes:apps/v1:StatefulSet", "elasticsearch").inputs.spec).replicas,
        ).toBe(1);
        expect(run().config.elasticsearch).toMatchObject({ replicas: 0, shards: 1 });
        expect(run().sim.outputs.retentionDays).toBe(3);
    });

    it("bootstraps the internal CA chain: self-signed issuer → CA certificate → CA issuer", () => {
        const issuers = ofType(run().sim.resources, "kubernetes:cert-manager.io/v1:ClusterIssuer").map(
            (r) => obj(r.inputs.metadata).name,
        );
        expect(issuers.sort()).toEqual(["tracing-internal-ca", "tracing-selfsigned"]);
        const ca = find(run().sim.resources, "kubernetes:cert-manager.io/v1:Certificate", "tracing-internal-ca");
        expect(obj(ca.inputs.spec)).toMatchObject({
            isCA: true,
            issuerRef: { name: "tracing-selfsigned", kind: "ClusterIssuer" },
        });
        expect(run().sim.outputs.certificateIssuer).toBe("tracing-internal-ca");
    });

    it("keeps every trace and one gateway replica", () => {
        expect(run().config.sampling.percent).toBe(100);
        expect(
            obj(find(run().sim.resources, "kubernetes:apps/v1:StatefulSet", "otel-gateway").inputs.spec).replicas,
        ).toBe(1);
    });

    it("names in its outputs each instrumented workload, and each view's address and groups", () => {
        expect(run().sim.outputs.instrumentedWorkloads).toEqual([
            "shop/shop-api (nodejs)",
            "crm/crm-api (java)",
            "mes/mes-api (dotnet)",
        ]);
        const host = "https://tracing.dev.jewellery.internal/";
        expect(run().sim.outputs.views).toEqual([
            { name: "all", url: host, groups: ["tracing-support", "tracing-devops"] },
            { name: "shop", url: `${host}views/shop/`, groups: ["tracing-team-shop"] },
            { name: "crm", url: `${host}views/crm/`, groups: ["tracing-team-crm"] },
            { name: "mes", url: `${host}views/mes/`, groups: ["tracing-team-mes"] },
        ]);
    });
});
