import { checkTopology } from "../components/elasticsearch";
import { obj, simulateVariant } from "./support/resources";

const bootstrapKey = "kubernetes:core/v1:ConfigMap::elasticsearch-bootstrap";
const formedAs = (bootstrap: string, nodes: number) => ({
    [bootstrapKey]: { data: { bootstrap, nodes: String(nodes) } },
});

/** The error a simulation stops with, or null when it runs through. */
function failure(stack: string, priorState: Record<string, Record<string, unknown>>): string | null {
    try {
        simulateVariant(stack, {}, priorState);
        return null;
    } catch (err) {
        return String(obj(err).stderr ?? err);
    }
}

describe("Elasticsearch node count on a running platform", () => {
    it("allows only moves the bootstrapped cluster can make", () => {
        expect(() => checkTopology(undefined, 3)).not.toThrow();
        expect(() => checkTopology("single-node", 1)).not.toThrow();
        expect(() => checkTopology("cluster", 5)).not.toThrow();
        expect(() => checkTopology("single-node", 3)).toThrow(
            /bootstrapped as a single node, which cannot grow into a cluster/,
        );
        expect(() => checkTopology("cluster", 1)).toThrow(/one node alone has no quorum/);
    });

    it("records how the cluster was first formed and keeps that record on later deploys", () => {
        const bootstrap = simulateVariant("dev", {}).find((r) => `${r.type}::${r.name}` === bootstrapKey);
        expect(obj(bootstrap?.inputs.data)).toEqual({ bootstrap: "single-node", nodes: "1" });
        expect(bootstrap?.options).toEqual({ ignoreChanges: ["data"] });
    }, 60000);

    it("stops the prod program (3 nodes) on a cluster first formed as a single node, naming the key and the way out", () => {
        expect(failure("prod", formedAs("single-node", 1))).toMatch(
            /tracing:elasticsearch\.nodes is 3, but this Elasticsearch was bootstrapped as a single node.*delete the ConfigMap elasticsearch-bootstrap/s,
        );
        expect(failure("prod", formedAs("cluster", 3))).toBeNull();
    }, 60000);
});
