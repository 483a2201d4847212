import { parse } from "yaml";
import { toCollectorYaml } from "../renderers/collector-common";
import { OtlpGrpcExporterConfig, podListen, TailSamplingConfig, TransformConfig } from "../renderers/collector-types";
import { queueBytesFor, renderGatewayConfig, spanMetricsPodPort } from "../renderers/gateway-config";
import type { SpanMetricsConnectorConfig } from "../renderers/span-metrics";
import { wiringProblems } from "./support/pipeline-wiring";

const sampling = { percent: 10, keepErrors: true, slowTraceMs: 1500, headPercent: 100, decisionWaitSeconds: 7 };
const input = {
    listen: podListen,
    memoryLimitMiB: 2048,
    sampling,
    exportEndpoint: "jaeger-collector.tracing.svc.cluster.local:4317",
    queueDirectory: "/var/lib/otelcol/queue",
    queueBytes: queueBytesFor(2),
    spanMetricsPort: spanMetricsPodPort,
};

describe("gateway collector config", () => {
    const rendered = renderGatewayConfig(input);
    const parsed = parse(toCollectorYaml(rendered)) as typeof rendered;
    const tail = parsed.processors.tail_sampling as TailSamplingConfig;

    it("names only defined components in its pipelines, and uses every one it defines", () => {
        expect(wiringProblems(rendered)).toEqual([]);
    });

    it("limits memory first, counts every span into the span metrics, then samples and batches what goes to Jaeger", () => {
        expect(parsed.service.pipelines["traces/all"]).toEqual({
            receivers: ["otlp"],
            processors: ["memory_limiter", "transform/semconv"],
            exporters: ["span_metrics", "forward"],
        });
        expect(parsed.service.pipelines.traces).toEqual({
            receivers: ["forward"],
            processors: ["tail_sampling", "batch"],
            exporters: ["otlp_grpc/jaeger"],
        });
        expect(parsed.service.pipelines["metrics/spans"]).toEqual({
            receivers: ["span_metrics"],
            processors: ["transform/span_metrics_resource"],
            exporters: ["prometheus/span_metrics"],
        });
    });

    it("serves RED metrics with exemplars, bounded label sets and no order or user id, on the span metrics port", () => {
        const connector = parsed.connectors?.span_metrics as SpanMetricsConnectorConfig;
        const labels = connector.dimensions.map((d) => d.name);
        expect(labels).toEqual([
            "http.response.status_code",
            "messaging.system",
            "messaging.destination.name",
            "messaging.rabbitmq.destination.routing_key",
        ]);
        expect(labels.some((l) => /order|user/.test(l))).toBe(false);
        expect(connector.histogram.explicit.buckets[0]).toBe("5ms");
        expect(connector.histogram.explicit.buckets.at(-1)).toBe("300000ms");
        expect(connector.exemplars.enabled).toBe(true);
        expect(connector.aggregation_cardinality_limit).toBeGreaterThan(0);
        expect(parsed.exporters["prometheus/span_metrics"]).toMatchObject({
            endpoint: `\${env:MY_POD_IP}:${spanMetricsPodPort}`,
            enable_open_metrics: true,
        });
    });

    it("copies the pre-stable messaging and HTTP names to the stable ones, only where the stable one is missing", () => {
        const statements = (parsed.processors["transform/semconv"] as TransformConfig).trace_statements.flatMap(
            (g) => g.statements,
        );
        expect(statements).toContain(
            'set(span.attributes["messaging.destination.name"], span.attributes["messaging.destination"]) where span.attributes["messaging.destination.name"] == nil and span.attributes["messaging.destination"] != nil',
        );
        expect(statements).toContain(
            'set(span.attributes["messaging.rabbitmq.destination.routing_key"], span.attributes["messaging.rabbitmq.routing_key"]) where span.attributes["messaging.rabbitmq.destination.routing_key"] == nil and span.attributes["messaging.rabbitmq.routing_key"] != nil',
        );
        expect(statements).toContain(
            'set(span.attributes["http.response.status_code"], span.attributes["http.status_code"]) where span.attributes["http.response.status_code"] == nil and span.attributes["http.status_code"] != nil',
        );
    });

    it("keeps errors, slow traces and the configured share of the rest", () => {
        expect(tail.decision_wait).toBe("7s");
        expect(tail.policies).toEqual([
            { name: "keep-errors", type: "status_code", status_code: { status_codes: ["ERROR"] } },
            { name: "keep-slow", type: "latency", latency: { threshold_ms: 1500 } },
            { name: "keep-share", type: "probabilistic", probabilistic: { sampling_percentage: 10 } },
        ]);
    });

    it("drops the error policy when errors are not to be kept", () => {
        const off = renderGatewayConfig({ ...input, sampling: { ...sampling, keepErrors: false } });
        expect((off.processors.tail_sampling as TailSamplingConfig).policies.map((p) => p.name)).toEqual([
            "keep-slow",
            "keep-share",
        ]);
    });

    it("decides waiting traces on shutdown instead of dropping them, within the pod's grace period", () => {
        expect(tail.drop_pending_traces_on_shutdown).toBe(false);
    });

    it("exports to Jaeger with retries and a queue kept on disk", () => {
        const exporter = parsed.exporters["otlp_grpc/jaeger"] as OtlpGrpcExporterConfig;
        expect(exporter.endpoint).toBe(input.exportEndpoint);
        expect(exporter.retry_on_failure).toMatchObject({ enabled: true, max_elapsed_time: "0s" });
        expect(exporter.sending_queue).toEqual({
            enabled: true,
            num_consumers: 4,
            sizer: "bytes",
            queue_size: queueBytesFor(2),
            storage: "file_storage/queue",
        });
    });

    it("caps the persistent queue at 40 % of its volume, in bytes, leaving room for bbolt's free pages and a compaction copy", () => {
        for (const gi of [1, 10, 100]) {
            const volume = gi * 2 ** 30;
            expect(queueBytesFor(gi)).toBeLessThanOrEqual(0.4 * volume);
            expect(queueBytesFor(gi)).toBeGreaterThan(0.39 * volume);
        }
        expect(parsed.extensions["file_storage/queue"]).toMatchObject({
            directory: "/var/lib/otelcol/queue",
            create_directory: true,
        });
        expect(parsed.service.extensions).toEqual(["health_check", "file_storage/queue"]);
    });

    it("keeps the queue in memory only when no queue directory is given", () => {
        const inMemory = renderGatewayConfig({ ...input, queueDirectory: undefined });
        expect(
            (inMemory.exporters["otlp_grpc/jaeger"] as OtlpGrpcExporterConfig).sending_queue?.storage,
        ).toBeUndefined();
        expect(inMemory.extensions["file_storage/queue"]).toBeUndefined();
        expect(inMemory.service.extensions).toEqual(["health_check"]);
    });

    it("verifies Jaeger's certificate when a CA is given", () => {
        const tls = renderGatewayConfig({ ...input, exportCaFile: "/tls/ca.crt" }).exporters[
            "otlp_grpc/jaeger"
        ] as OtlpGrpcExporterConfig;
        expect(tls.tls).toEqual({ insecure: false, ca_file: "/tls/ca.crt" });
    });

    it("receives OTLP/gRPC on the pod IP", () => {
        expect(parsed.receivers.otlp.protocols).toEqual({ grpc: { endpoint: "${env:MY_POD_IP}:4317" } });
    });
});

describe("gateway collector config with team views", () => {
    const views = [
        { name: "shop", namespaces: ["shop"], services: [], exportEndpoint: "jaeger-shop-collector:4317" },
        { name: "crm", namespaces: [], services: ["crm-api", 'say "hi"'], exportEndpoint: "jaeger-crm-collector:4317" },
    ];
    const rendered = renderGatewayConfig({ ...input, views });
    const parsed = parse(toCollectorYaml(rendered)) as typeof rendered;
    const exporter = (name: string) => parsed.exporters[name] as OtlpGrpcExporterConfig;

    it("names only defined components in its pipelines, and uses every one it defines", () => {
        expect(wiringProblems(rendered)).toEqual([]);
    });

    it("samples once, then sends the kept traces whole to the all view and through each view's filter to its Jaeger", () => {
        expect(parsed.service.pipelines.traces).toEqual({
            receivers: ["forward"],
            processors: ["tail_sampling", "batch"],
            exporters: ["otlp_grpc/jaeger", "forward/views"],
        });
        expect(parsed.service.pipelines["traces/view-shop"]).toEqual({
            receivers: ["forward/views"],
            processors: ["filter/view-shop"],
            exporters: ["otlp_grpc/view-shop"],
        });
        expect(parsed.service.pipelines["traces/view-crm"]).toEqual({
            receivers: ["forward/views"],
            processors: ["filter/view-crm"],
            exporters: ["otlp_grpc/view-crm"],
        });
        expect(exporter("otlp_grpc/view-shop").endpoint).toBe("jaeger-shop-collector:4317");
        expect(exporter("otlp_grpc/view-crm").endpoint).toBe("jaeger-crm-collector:4317");
    });

    it("drops every resource outside the view, failing closed when a condition errors", () => {
        expect(parsed.processors["filter/view-shop"]).toEqual({
            error_mode: "propagate",
            traces: { resource: ['not (resource.attributes["k8s.namespace.name"] == "shop")'] },
        });
        expect(parsed.processors["filter/view-crm"]).toEqual({
            error_mode: "propagate",
            traces: {
                resource: [
                    'not (resource.attributes["service.name"] == "crm-api" or resource.attributes["service.name"] == "say \\"hi\\"")',
                ],
            },
        });
    });

    it("splits the queue's byte cap equally over every Jaeger's queue, so all of them together fit the volume", () => {
        const queues = ["otlp_grpc/jaeger", "otlp_grpc/view-shop", "otlp_grpc/view-crm"].map(
            (e) => exporter(e).sending_queue,
        );
        for (const q of queues) {
            expect(q).toMatchObject({ sizer: "bytes", storage: "file_storage/queue" });
            expect(q?.queue_size).toBe(Math.floor(input.queueBytes / 3));
        }
        expect(exporter("otlp_grpc/view-shop").retry_on_failure).toEqual(exporter("otlp_grpc/jaeger").retry_on_failure);
    });
});
