import { mirrored, platformImages } from "../components/versions";
import type { SimulatedResource } from "../harness/simulate";
import { list, obj, simulateVariant } from "./support/resources";
const mirror = "registry.jewellery.internal/mirror";

describe("images through a registry mirror", () => {
    it("drops the upstream registry host and keeps the repository path and tag", () => {
        expect(mirrored("quay.io/oauth2-proxy/oauth2-proxy:v7.15.4", mirror)).toBe(
            `${mirror}/oauth2-proxy/oauth2-proxy:v7.15.4`,
        );
        expect(
            mirrored("ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:2.30.0", `${mirror}/`),
        ).toBe(`${mirror}/open-telemetry/opentelemetry-operator/autoinstrumentation-java:2.30.0`);
        // Docker Hub names have no host: the whole name moves under the mirror.
        expect(mirrored("otel/opentelemetry-collector-contrib:0.159.0", mirror)).toBe(
            `${mirror}/otel/opentelemetry-collector-contrib:0.159.0`,
        );
        expect(mirrored("jaegertracing/jaeger:2.13.0", undefined)).toBe("jaegertracing/jaeger:2.13.0");
    });
});

describe("prod installed from mirrors, with the Operator already in the cluster", () => {
    let resources: SimulatedResource[];
    beforeAll(() => {
        resources = simulateVariant("prod", {
            "tracing:imageRegistry": mirror,
            "tracing:charts": JSON.stringify({
                otelOperator: { oci: "oci://registry.jewellery.internal/charts/opentelemetry-operator" },
            }),
        });
    }, 60000);

    it("pulls every container of ours and every injected agent through the mirror", () => {
        const images: string[] = [];
        for (const r of resources.filter((x) => x.readId === undefined && x.type.startsWith("kubernetes:"))) {
            const spec = obj(r.inputs.spec);
            const template = r.type.endsWith(":CronJob")
                ? obj(obj(obj(spec.jobTemplate).spec).template)
                : obj(spec.template);
            for (const c of [...list(obj(template.spec).containers), ...list(obj(template.spec).initContainers)])
                images.push(String(c.image));
            if (r.type.endsWith(":Instrumentation"))
                for (const lang of Object.values(obj(r.inputs.spec)))
                    if (typeof obj(lang).image === "string") images.push(String(obj(lang).image));
        }
        expect(images.length).toBeGreaterThan(8);
        expect(images.filter((i) => !i.startsWith(`${mirror}/`))).toEqual([]);
        expect(images).toEqual(expect.arrayContaining(Object.values(platformImages(mirror).agents)));
    });

    it("installs the Operator's chart from the OCI reference, its images through the mirror", () => {
        const release = resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release");
        expect(release?.inputs.chart).toBe("oci://registry.jewellery.internal/charts/opentelemetry-operator");
        expect(release?.inputs.repositoryOpts).toBeUndefined();
        expect(obj(obj(obj(release?.inputs.values).manager).image).repository).toBe(
            `${mirror}/open-telemetry/opentelemetry-operator/opentelemetry-operator`,
        );
    });
});

describe("a cluster that already runs the Operator", () => {
    it("installs no Operator chart or namespace and still creates the Instrumentation", () => {
        const resources = simulateVariant("dev", {
            "tracing:operator": JSON.stringify({ install: false }),
            "tracing:charts": JSON.stringify({ certManager: { repo: "https://charts.jewellery.internal/jetstack" } }),
        });
        expect(resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release")).toEqual([]);
        expect(
            resources.filter(
                (r) =>
                    r.type === "kubernetes:core/v1:Namespace" &&
                    obj(r.inputs.metadata).name === "opentelemetry-operator-system",
            ),
        ).toEqual([]);
        expect(resources.filter((r) => r.type === "kubernetes:opentelemetry.io/v1alpha1:Instrumentation")).toHaveLength(
            1,
        );
        const certManager = resources.find((r) => r.type === "kubernetes-cert-manager:index:CertManager");
        expect(obj(certManager?.inputs.helmOptions)).toMatchObject({
            chart: "cert-manager",
            repositoryOpts: { repo: "https://charts.jewellery.internal/jetstack" },
        });
    }, 60000);
});
