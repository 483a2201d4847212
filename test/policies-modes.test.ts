import { unlinkSync, writeFileSync } from "fs";
import { join } from "path";
import { evaluate } from "../policies/evaluate";
import type { Json, PolicyInput } from "../policies/resource-view";
import { exposureConfig, requiredValues } from "./support/minimal-config";
import {
    clone,
    commonVariants,
    cronContainer,
    httpRouteVariants,
    named,
    stackFileText,
    stackResources,
} from "./support/policy-variants";
import { scratchDir } from "./support/resources";

// The modes neither committed stack uses: the UI on a Gateway API HTTPRoute, Elasticsearch outside the cluster.
const stack = `test-policy-modes-${process.pid}`;
const externalUrl = "https://es.data.jewellery.internal:9200";
let resources: PolicyInput[];

beforeAll(() => {
    const file = join(scratchDir, `Pulumi.${stack}.yaml`);
    writeFileSync(
        file,
        stackFileText({
            ...requiredValues,
            "tracing:exposure": {
                ...exposureConfig,
                mode: "gateway-api",
                gateway: { name: "internal", namespace: "gateway-internal" },
            },
            "tracing:elasticsearch": {
                mode: "external",
                url: externalUrl,
                credentialsSecret: "es-credentials",
                caSecret: "es-ca",
                egressRanges: ["10.30.0.0/24"],
            },
            "tracing:jaeger": { roles: "split" },
            // Team views on the external cluster: their indices by prefix, their proxies on the HTTPRoute.
            "tracing:views": [
                { name: "shop", groups: ["tracing-team-shop"], namespaces: ["shop"] },
                { name: "crm", groups: ["tracing-team-crm"], services: ["crm-api"] },
            ],
        }),
    );
    try {
        resources = stackResources(stack, file);
    } finally {
        unlinkSync(file);
    }
});

const kinds = (rs: PolicyInput[]): string[] => rs.map((r) => r.type);

describe("policies with an HTTPRoute and an external Elasticsearch", () => {
    it("the stack has an HTTPRoute, no Ingress and no Elasticsearch of its own, and the cleaner cleans the external cluster", () => {
        expect(kinds(resources)).toContain("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute");
        expect(kinds(resources)).not.toContain("kubernetes:networking.k8s.io/v1:Ingress");
        expect(
            resources
                .filter((r) => r.type === "kubernetes:apps/v1:StatefulSet")
                .map((r) => (r.props.metadata as Json).name),
        ).toEqual(["otel-gateway"]);
        expect(cronContainer(named(resources, "kubernetes:batch/v1:CronJob", "jaeger-es-index-cleaner")).args).toEqual([
            "7",
            externalUrl,
        ]);
    });

    it("pass, advisory ones included", () => {
        expect(evaluate(resources)).toEqual([]);
    });

    it.each([...commonVariants, ...httpRouteVariants])(
        "fail on %s with %s, and only that",
        (_what, policy, breakIt) => {
            const broken = clone(resources);
            breakIt(broken);
            expect([...new Set(evaluate(broken).map((v) => v.policy))]).toEqual(
                Array.isArray(policy) ? policy : [policy],
            );
        },
    );
});
