import { parse } from "yaml";
import { copyHeaderStatements, renderAgentConfig } from "../renderers/agent-config";
import { maskPattern, scrubGroups } from "../renderers/pii";
import { toCollectorYaml } from "../renderers/collector-common";
import { podListen, RedactionConfig, TransformConfig } from "../renderers/collector-types";
import { parseStackConfig } from "../config/config";
import { requiredConfig } from "./support/minimal-config";
import { wiringProblems } from "./support/pipeline-wiring";

const config = parseStackConfig(requiredConfig);
const input = {
    listen: podListen,
    memoryLimitMiB: 500,
    orderIdHeader: "x-order-id",
    userIdHeader: "x-user-id",
    pii: config.pii,
    gatewayResolver: { k8s: { service: "otel-gateway.tracing", ports: [4317] } },
    kubernetesMetadata: true,
    exportCompression: "none" as const,
};

describe("agent collector config", () => {
    const rendered = renderAgentConfig(input);
    const yaml = toCollectorYaml(rendered);
    const parsed = parse(yaml) as typeof rendered;

    it("names only defined components in its pipelines, and uses every one it defines", () => {
        expect(wiringProblems(rendered)).toEqual([]);
    });

    it("is YAML that round-trips to the rendered object", () => {
        expect(parsed).toEqual(rendered);
    });

    it("binds OTLP and health_check to the pod IP, not localhost", () => {
        expect(parsed.receivers.otlp.protocols.grpc?.endpoint).toBe("${env:MY_POD_IP}:4317");
        expect(parsed.receivers.otlp.protocols.http?.endpoint).toBe("${env:MY_POD_IP}:4318");
        expect(parsed.extensions.health_check).toEqual({ endpoint: "${env:MY_POD_IP}:13133" });
    });

    it("runs memory_limiter first, metadata and ids before scrubbing, and batch last", () => {
        const processors = parsed.service.pipelines.traces.processors;
        // Ids are named before anything masks them (an order id in a path can look like a phone number).
        expect(processors).toEqual([
            "memory_limiter",
            "k8s_attributes",
            "transform/order_ids",
            "attributes/drop_pii",
            "redaction/pii",
            "transform/scrub_pii",
            "batch",
        ]);
        expect(processors[0]).toBe("memory_limiter");
        expect(processors.indexOf("k8s_attributes")).toBeLessThan(processors.indexOf("redaction/pii"));
        expect(processors.indexOf("transform/order_ids")).toBeLessThan(processors.indexOf("redaction/pii"));
        expect(processors[processors.length - 1]).toBe("batch");
        for (const name of processors) expect(Object.keys(parsed.processors)).toContain(name);
    });

    it("limits memory below the container limit", () => {
        expect(parsed.processors.memory_limiter).toEqual({
            check_interval: "1s",
            limit_mib: 400,
            spike_limit_mib: 100,
        });
    });

    it("filters Kubernetes metadata by the node it runs on", () => {
        expect(parsed.processors.k8s_attributes).toMatchObject({
            passthrough: false,
            filter: { node_from_env_var: "K8S_NODE_NAME" },
        });
    });

    it("masks every configured pattern in every attribute, and keeps the ids searchable", () => {
        const redaction = parsed.processors["redaction/pii"] as RedactionConfig;
        expect(redaction.blocked_values).toEqual([maskPattern(config.pii)]);
        expect(redaction.allowed_values).toHaveLength(1);
        expect(redaction.ignored_keys).toEqual(
            expect.arrayContaining(["order.id", "user.id", "service.name", "http.request.header.x-order-id"]),
        );
        expect(redaction.redact_all_types).toBe(true);
        expect(redaction.summary).toBe("info");
    });

    it("masks what redaction does not visit: span name, status message, event names", () => {
        const scrub = parsed.processors["transform/scrub_pii"] as TransformConfig;
        expect(scrub.trace_statements).toEqual(scrubGroups(config.pii));
        const statements = scrub.trace_statements.flatMap((g) => g.statements.map((st) => `${g.context}: ${st}`));
        for (const field of [
            "span: replace_pattern(span.name,",
            "span: replace_pattern(span.status.message,",
            "spanevent: replace_pattern(spanevent.name,",
        ]) {
            expect(statements.some((st) => st.startsWith(field))).toBe(true);
        }
    });

    it("sends to the gateway uncompressed unless told otherwise", () => {
        expect(parsed.exporters.load_balancing).toMatchObject({ protocol: { otlp: { compression: "none" } } });
        expect(renderAgentConfig({ ...input, exportCompression: "zstd" }).exporters.load_balancing).toMatchObject({
            protocol: { otlp: { compression: "zstd" } },
        });
    });

    it("deletes the configured personal-data keys", () => {
        expect(parsed.processors["attributes/drop_pii"]).toEqual({
            actions: config.pii.deleteKeys.map((key) => ({ key, action: "delete" })),
        });
    });

    it("copies the captured order and user id headers to order.id and user.id", () => {
        const [ids] = (parsed.processors["transform/order_ids"] as TransformConfig).trace_statements;
        expect(ids.statements).toEqual([
            ...copyHeaderStatements("x-order-id", "order.id"),
            ...copyHeaderStatements("x-user-id", "user.id"),
        ]);
        expect(ids.statements.slice(0, 2)).toEqual([
            'set(span.attributes["order.id"], Coalesce([span.attributes["http.request.header.x-order-id"], span.attributes["http.request.header.x_order_id"], span.attributes["messaging.header.x_order_id"]])) where span.attributes["order.id"] == nil and (span.attributes["http.request.header.x-order-id"] != nil or span.attributes["http.request.header.x_order_id"] != nil or span.attributes["messaging.header.x_order_id"] != nil)',
            'set(span.attributes["order.id"], span.attributes["order.id"][0]) where IsList(span.attributes["order.id"])',
        ]);
    });

    it("takes the order id from the request path when no header carried it", () => {
        const withPath = renderAgentConfig({ ...input, orderIdPathPattern: "/orders/(?P<id>[0-9]+)" });
        const [ids] = (withPath.processors["transform/order_ids"] as TransformConfig).trace_statements;
        const fromPath = ids.statements.filter((st) => st.includes("ExtractPatterns"));
        expect(fromPath).toEqual([
            'set(span.attributes["order.id"], ExtractPatterns(Coalesce([span.attributes["url.path"], span.attributes["http.target"], span.attributes["http.route"]]), "/orders/(?P<id>[0-9]+)")["id"]) where span.attributes["order.id"] == nil and IsMatch(Coalesce([span.attributes["url.path"], span.attributes["http.target"], span.attributes["http.route"]]), "/orders/(?P<id>[0-9]+)")',
        ]);
        // Headers win: the path rule comes after the header rules for order.id.
        expect(ids.statements.indexOf(fromPath[0])).toBe(2);
    });

    it("routes whole traces to one gateway through load_balancing", () => {
        expect(parsed.service.pipelines.traces.exporters).toEqual(["load_balancing"]);
        expect(parsed.exporters.load_balancing).toMatchObject({
            routing_key: "traceID",
            resolver: { k8s: { service: "otel-gateway.tracing", ports: [4317] } },
        });
    });

    it("escapes $ in user patterns so the collector does not expand them", () => {
        const custom = renderAgentConfig({
            ...input,
            pii: { ...config.pii, masks: [{ name: "tail", pattern: "secret$" }] },
        });
        const text = toCollectorYaml(custom);
        expect(text).toContain("secret$$");
        expect((custom.processors["redaction/pii"] as RedactionConfig).blocked_values).toEqual(["secret$$"]);
    });

    it("writes OTTL string literals with escaped backslashes and quotes", () => {
        const [names] = scrubGroups({ ...config.pii, masks: [{ name: "digits", pattern: '\\d{4}"' }] });
        expect(names.statements[0]).toBe('replace_pattern(span.name, "\\\\d{4}\\"", "****")');
    });

    it("turns enrichment into passthrough where there is no Kubernetes API", () => {
        expect(renderAgentConfig({ ...input, kubernetesMetadata: false }).processors.k8s_attributes).toMatchObject({
            passthrough: true,
        });
    });
});
