import { parse } from "yaml";
import { agentProcessorOrder, copyHeaderStatements, renderAgentConfig, scrubStatements } from "../renderers/agent-config";
import { toCollectorYaml } from "../renderers/collector-common";
import { podListen, RedactionConfig, TransformConfig } from "../renderers/collector-types";
import { parseStackConfig } from "../stacks/config";
import { requiredConfig } from "./support/minimal-config";

const config = parseStackConfig(requiredConfig);
const input = {
    listen: podListen,
    memoryLimitMiB: 500,
    orderIdHeader: "x-order-id",
    userIdHeader: "x-user-id",
    pii: config.pii,
    gatewayResolver: { k8s: { service: "otel-gateway.tracing", ports: [4317] } },
    kubernetesMetadata: true,
};

describe("agent collector config", () => {
    const rendered = renderAgentConfig(input);
    const yaml = toCollectorYaml(rendered);
    const parsed = parse(yaml) as typeof rendered;

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
        expect(processors).toEqual([...agentProcessorOrder]);
        expect(processors[0]).toBe("memory_limiter");
        expect(processors.indexOf("k8s_attributes")).toBeLessThan(processors.indexOf("redaction/pii"));
        expect(processors.indexOf("transform/order_ids")).toBeLessThan(processors.indexOf("redaction/pii"));
        expect(processors[processors.length - 1]).toBe("batch");
        for (const name of processors) expect(Object.keys(parsed.processors)).toContain(name);
    });

    it("limits memory below the container limit", () => {
        expect(parsed.processors.memory_limiter).toEqual({ check_interval: "1s", limit_mib: 400, spike_limit_mib: 100 });
    });

    it("filters Kubernetes metadata by the node it runs on", () => {
        expect(parsed.processors.k8s_attributes).toMatchObject({ passthrough: false, filter: { node_from_env_var: "K8S_NODE_NAME" } });
    });

    it("masks every configured pattern and keeps the order id searchable", () => {
        const redaction = parsed.processors["redaction/pii"] as RedactionConfig;
        expect(redaction.blocked_values).toEqual(config.pii.masks.map((m) => m.pattern));
        expect(redaction.ignored_keys).toEqual(expect.arrayContaining(["order.id", "service.name"]));
        expect(redaction.redact_all_types).toBe(true);
        expect(redaction.summary).toBe("info");
        const scrub = parsed.processors["transform/scrub_pii"] as TransformConfig;
        expect(scrub.trace_statements).toEqual(scrubStatements(config.pii));
        expect(scrub.trace_statements.some((s) => s.startsWith("replace_pattern(span.name,"))).toBe(true);
        expect(scrub.trace_statements.some((s) => s.includes('span.attributes["db.statement"]'))).toBe(true);
    });

    it("deletes the configured personal-data keys", () => {
        expect(parsed.processors["attributes/drop_pii"]).toEqual({
            actions: config.pii.deleteKeys.map((key) => ({ key, action: "delete" })),
        });
    });

    it("copies the captured order and user id headers to order.id and user.id", () => {
        const ids = parsed.processors["transform/order_ids"] as TransformConfig;
        expect(ids.trace_statements).toEqual([...copyHeaderStatements("x-order-id", "order.id"), ...copyHeaderStatements("x-user-id", "user.id")]);
        expect(ids.trace_statements[0]).toBe(
            'set(span.attributes["order.id"], span.attributes["http.request.header.x-order-id"][0]) where span.attributes["order.id"] == nil and IsList(span.attributes["http.request.header.x-order-id"])',
        );
        expect(ids.trace_statements.join("\n")).toContain('span.attributes["messaging.header.x_order_id"]');
    });

    it("reads the Python agent's header naming (underscores) too", () => {
        const ids = (parsed.processors["transform/order_ids"] as TransformConfig).trace_statements.join("\n");
        expect(ids).toContain('span.attributes["http.request.header.x_order_id"]');
    });

    it("takes the order id from the request path when no header carried it", () => {
        const withPath = renderAgentConfig({ ...input, orderIdPathPattern: "/orders/(?P<id>[0-9]+)" });
        const statements = (withPath.processors["transform/order_ids"] as TransformConfig).trace_statements;
        const fromPath = statements.filter((s) => s.includes("ExtractPatterns"));
        expect(fromPath).toHaveLength(3);
        expect(fromPath[0]).toBe(
            'set(span.attributes["order.id"], ExtractPatterns(span.attributes["url.path"], "/orders/(?P<id>[0-9]+)")["id"]) where span.attributes["order.id"] == nil and IsString(span.attributes["url.path"]) and IsMatch(span.attributes["url.path"], "/orders/(?P<id>[0-9]+)")',
        );
        // Headers win: the path rules come after every header rule for order.id.
        expect(statements.indexOf(fromPath[0])).toBeGreaterThan(statements.findIndex((s) => s.includes("messaging.header.x_order_id")));
    });

    it("routes whole traces to one gateway through load_balancing", () => {
        expect(parsed.service.pipelines.traces.exporters).toEqual(["load_balancing"]);
        expect(parsed.exporters.load_balancing).toMatchObject({
            routing_key: "traceID",
            resolver: { k8s: { service: "otel-gateway.tracing", ports: [4317] } },
        });
    });

    it("escapes $ in user patterns so the collector does not expand them", () => {
        const custom = renderAgentConfig({ ...input, pii: { ...config.pii, masks: [{ name: "tail", pattern: "secret$" }] } });
        const text = toCollectorYaml(custom);
        expect(text).toContain("secret$$");
        expect((custom.processors["redaction/pii"] as RedactionConfig).blocked_values).toEqual(["secret$$"]);
    });

    it("writes OTTL string literals with escaped backslashes and quotes", () => {
        const [first] = scrubStatements({ ...config.pii, masks: [{ name: "digits", pattern: '\\d{4}"' }] });
        expect(first).toBe('replace_pattern(span.name, "\\\\d{4}\\"", "****")');
    });

    it("turns enrichment into passthrough where there is no Kubernetes API", () => {
        expect(renderAgentConfig({ ...input, kubernetesMetadata: false }).processors.k8s_attributes).toMatchObject({ passthrough: true });
    });
});
