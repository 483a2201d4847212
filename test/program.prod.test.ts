import { find, obj, ofType } from "./support/resources";
import { describeFoundation } from "./support/platform-expectations";

const run = describeFoundation("prod");

describe("stack prod specifics", () => {
    it("uses the corporate ClusterIssuer and creates no internal CA", () => {
        expect(ofType(run().sim.resources, "kubernetes:cert-manager.io/v1:ClusterIssuer")).toHaveLength(0);
        expect(run().sim.outputs.certificateIssuer).toBe("corporate-ca");
    });

    it("runs at least two gateway replicas and samples a share of ordinary traces", () => {
        const replicas = obj(find(run().sim.resources, "kubernetes:apps/v1:StatefulSet", "otel-gateway").inputs.spec).replicas;
        expect(replicas).toBeGreaterThanOrEqual(2);
        expect(run().config.sampling.percent).toBeLessThan(100);
    });

    it("keeps even the redaction summary out of storage", () => {
        expect(run().config.pii.summary).toBe("silent");
    });
});
