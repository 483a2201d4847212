import {
    headerCaptureEnv,
    injectionAnnotations,
    instrumentationChecksum,
    renderInstrumentationSpec,
} from "../renderers/instrumentation";

const agentImages = { java: "java:1", nodejs: "nodejs:2", python: "python:3", dotnet: "dotnet:4", go: "go:v5" };

describe("Instrumentation spec", () => {
    const spec = renderInstrumentationSpec({
        agentEndpoint: "http://otel-agent.tracing.svc.cluster.local:4318",
        headPercent: 25,
        orderIdHeader: "x-order-id",
        userIdHeader: "x-user-id",
        agentImages,
    });

    it("exports OTLP/HTTP to the node agent on 4318 with W3C propagation", () => {
        expect(spec.exporter.endpoint).toBe("http://otel-agent.tracing.svc.cluster.local:4318");
        expect(spec.env).toContainEqual({ name: "OTEL_EXPORTER_OTLP_PROTOCOL", value: "http/protobuf" });
        expect(spec.propagators).toEqual(["tracecontext", "baggage"]);
    });

    it("turns off the agents' metrics and logs exporters: the node agent serves traces only", () => {
        expect(spec.env).toContainEqual({ name: "OTEL_METRICS_EXPORTER", value: "none" });
        expect(spec.env).toContainEqual({ name: "OTEL_LOGS_EXPORTER", value: "none" });
    });

    it("names each language's agent image, so the Operator's defaults cannot change under us", () => {
        expect([spec.java.image, spec.nodejs.image, spec.python.image, spec.dotnet.image, spec.go.image]).toEqual([
            "java:1",
            "nodejs:2",
            "python:3",
            "dotnet:4",
            "go:v5",
        ]);
    });

    it("samples parent-based by trace id ratio from config", () => {
        expect(spec.sampler).toEqual({ type: "parentbased_traceidratio", argument: "0.25" });
    });

    it("captures the order and user id headers where the agent supports it", () => {
        expect(spec.java.env).toContainEqual({
            name: "OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS",
            value: "x-order-id,x-user-id",
        });
        expect(spec.java.env).toContainEqual({
            name: "OTEL_INSTRUMENTATION_MESSAGING_EXPERIMENTAL_CAPTURE_HEADERS",
            value: "x-order-id,x-user-id",
        });
        expect(spec.python.env).toContainEqual({
            name: "OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_REQUEST",
            value: "x-order-id,x-user-id",
        });
        expect(spec.dotnet.env?.map((e) => e.value)).toEqual(["x-order-id,x-user-id", "x-order-id,x-user-id"]);
        expect(headerCaptureEnv(["a"]).go).toEqual([]);
    });
});

describe("inject annotations", () => {
    it("reference the Instrumentation as namespace/name for the language", () => {
        expect(injectionAnnotations("java", "tracing/tracing")).toStrictEqual({
            "instrumentation.opentelemetry.io/inject-java": "tracing/tracing",
        });
    });

    it("name the containers and the Go executable when given", () => {
        expect(injectionAnnotations("java", "crm/tracing", ["app", "worker"])).toStrictEqual({
            "instrumentation.opentelemetry.io/inject-java": "crm/tracing",
            "instrumentation.opentelemetry.io/java-container-names": "app,worker",
        });
        expect(injectionAnnotations("go", "tracing/tracing", ["app"], "/app/server")).toStrictEqual({
            "instrumentation.opentelemetry.io/inject-go": "tracing/tracing",
            "instrumentation.opentelemetry.io/go-container-names": "app",
            "instrumentation.opentelemetry.io/otel-go-auto-target-exe": "/app/server",
        });
    });
});

const checksumInput = {
    agentEndpoint: "http://otel-agent.tracing.svc.cluster.local:4318",
    headPercent: 100,
    orderIdHeader: "x-order-id",
    userIdHeader: "x-user-id",
    agentImages,
};

describe("the Instrumentation checksum that rolls opted-in workloads", () => {
    const input = checksumInput;
    it("changes when a setting the agents read changes, and only then", () => {
        const base = instrumentationChecksum(renderInstrumentationSpec(input));
        expect(instrumentationChecksum(renderInstrumentationSpec(input))).toEqual(base);
        expect(instrumentationChecksum(renderInstrumentationSpec({ ...input, headPercent: 10 }))).not.toEqual(base);
        expect(
            instrumentationChecksum(
                renderInstrumentationSpec({
                    ...input,
                    agentImages: { ...agentImages, java: `${agentImages.java}-next` },
                }),
            ),
        ).not.toEqual(base);
    });
});

describe("the checksum's canonical form", () => {
    const spec = renderInstrumentationSpec(checksumInput);
    const checksum = (s: unknown): string =>
        instrumentationChecksum(s as typeof spec)["tracing-platform/instrumentation-checksum"];
    /** The same settings with every object's keys written in reverse order. */
    const reversed = (v: unknown): unknown =>
        Array.isArray(v)
            ? v.map(reversed)
            : v !== null && typeof v === "object"
              ? Object.fromEntries(
                    Object.entries(v)
                        .reverse()
                        .map(([k, x]) => [k, reversed(x)]),
                )
              : v;

    it("is 16 hex digits that do not depend on the order the settings were written in", () => {
        expect(checksum(spec)).toMatch(/^[0-9a-f]{16}$/);
        expect(JSON.stringify(reversed(spec))).not.toBe(JSON.stringify(spec));
        expect(checksum(reversed(spec))).toBe(checksum(spec));
    });

    it("sees a change in a list item, in a nested object, a key that goes and a renamed key, not an unset one", () => {
        const changed = (edit: (s: typeof spec) => void): string => {
            const copy = structuredClone(spec);
            edit(copy);
            return checksum(copy);
        };
        const base = checksum(spec);
        expect(spec.env.length).toBeGreaterThan(1);
        expect(changed((s) => (s.env[1].value = `${s.env[1].value}-changed`))).not.toBe(base);
        expect(changed((s) => s.env.reverse())).not.toBe(base);
        expect(changed((s) => (s.sampler.argument = "0.5"))).not.toBe(base);
        expect(changed((s) => Object.assign(s, { propagators: undefined }))).not.toBe(base);
        expect(changed((s) => Object.assign(s, { exporter: undefined, exporterRenamed: s.exporter }))).not.toBe(base);
        expect(changed((s) => Object.assign(s, { unset: undefined }))).toBe(base);
    });
});
