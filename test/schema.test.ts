import { kubernetesKind, manifests, runCheck, validateAgainstUpstreamSchemas } from "./support/resources";
import type { CheckReport } from "../scripts/check";

describe.each(["dev", "prod"])("stack %s: rendered objects against upstream schemas", (stack) => {
    let report: CheckReport;
    beforeAll(() => {
        const run = runCheck(["--stack", stack, "--json"]);
        expect(run.status).toBe(0);
        report = JSON.parse(run.stdout) as CheckReport;
    });

    it("validates every Kubernetes object, custom resources included", () => {
        const objects = manifests(report.resources);
        const results = validateAgainstUpstreamSchemas(objects);
        expect(results.length).toBe(objects.length);
        // No model package exists for these controllers' CRDs: the cluster suite applies them with strict
        // validation against the upstream CRDs (npm run test:cluster).
        const byCluster = (r: { apiVersion: string; error: string | null }): boolean =>
            ["traefik.io/", "gateway.envoyproxy.io/"].some((g) => r.apiVersion.startsWith(g)) &&
            r.error === `no upstream model for ${r.apiVersion} ${String((r as { kind?: string }).kind)}`;
        expect(results.filter((r) => r.error !== null && !byCluster(r))).toEqual([]);
        const kinds = new Set(results.map((r) => r.kind));
        for (const kind of [
            "Namespace",
            "DaemonSet",
            "StatefulSet",
            "Service",
            "ConfigMap",
            "ClusterRole",
            "PodDisruptionBudget",
            "Instrumentation",
        ]) {
            expect(kinds).toContain(kind);
        }
    });

    it("leaves no kubernetes resource unvalidated except patches and Helm releases", () => {
        const unvalidated = report.resources
            .filter(
                (r) => r.readId === undefined && r.type.startsWith("kubernetes:") && kubernetesKind(r.type) === null,
            )
            .map((r) => r.type);
        expect(new Set(unvalidated)).toEqual(
            new Set([
                "kubernetes:apps/v1:DeploymentPatch",
                "kubernetes:core/v1:NamespacePatch",
                "kubernetes:core/v1:PersistentVolumeClaimPatch",
                "kubernetes:helm.sh/v3:Release",
            ]),
        );
    });
});

describe("the schema check itself", () => {
    it("rejects an object that breaks the upstream schema", () => {
        const [result] = validateAgainstUpstreamSchemas([
            {
                apiVersion: "apps/v1",
                kind: "DaemonSet",
                metadata: { name: "broken" },
                spec: {
                    selector: {},
                    template: { spec: { containers: [{ name: "c", image: "i", ports: [{ containerPort: "4318" }] }] } },
                },
            },
        ]);
        expect(result.error).toMatch(/containerPort must be integer/);
    });

    it("rejects a custom resource with a field its CRD does not allow", () => {
        const [result] = validateAgainstUpstreamSchemas([
            {
                apiVersion: "opentelemetry.io/v1alpha1",
                kind: "Instrumentation",
                metadata: { name: "x" },
                spec: { propagators: ["w3c"] },
            },
        ]);
        expect(result.error).toMatch(/propagators/);
    });

    it("reports a kind with no upstream model instead of passing it", () => {
        const [result] = validateAgainstUpstreamSchemas([
            { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } },
        ]);
        expect(result.error).toBe("no upstream model for example.com/v1 Widget");
    });
});
