import { parse } from "yaml";
import { toCollectorYaml } from "../renderers/collector-common";
import { OtlpGrpcExporterConfig, podListen, TailSamplingConfig } from "../renderers/collector-types";
import { gatewayProcessorOrder, queueBytesFor, renderGatewayConfig } from "../renderers/gateway-config";

const sampling = { percent: 10, keepErrors: true, slowTraceMs: 1500, headPercent: 100, decisionWaitSeconds: 7 };
const input = {
    listen: podListen,
    memoryLimitMiB: 2048,
    sampling,
    exportEndpoint: "jaeger-collector.tracing.svc.cluster.local:4317",
    queueDirectory: "/var/lib/otelcol/queue",
    queueBytes: queueBytesFor(2),
};

describe("gateway collector config", () => {
    const rendered = renderGatewayConfig(input);
    const parsed = parse(toCollectorYaml(rendered)) as typeof rendered;
    const tail = parsed.processors.tail_sampling as TailSamplingConfig;

    it("limits memory first, samples, then batches", () => {
        expect(parsed.service.pipelines.traces.processors).toEqual([...gatewayProcessorOrder]);
        expect(gatewayProcessorOrder[0]).toBe("memory_limiter");
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
        expect((off.processors.tail_sampling as TailSamplingConfig).policies.map((p) => p.name)).toEqual(["keep-slow", "keep-share"]);
    });

    it("decides waiting traces on shutdown instead of dropping them, within the pod's grace period", () => {
        expect(tail.drop_pending_traces_on_shutdown).toBe(false);
    });

    it("exports to Jaeger with retries and a queue kept on disk", () => {
        const exporter = parsed.exporters["otlp_grpc/jaeger"] as OtlpGrpcExporterConfig;
        expect(exporter.endpoint).toBe(input.exportEndpoint);
        expect(exporter.retry_on_failure).toMatchObject({ enabled: true, max_elapsed_time: "0s" });
        expect(exporter.sending_queue).toEqual({ enabled: true, num_consumers: 4, sizer: "bytes", queue_size: queueBytesFor(2), storage: "file_storage/queue" });
    });

    it("caps the persistent queue at 40 % of its volume, in bytes, leaving room for bbolt's free pages and a compaction copy", () => {
        for (const gi of [1, 10, 100]) {
            const volume = gi * 2 ** 30;
            expect(queueBytesFor(gi)).toBeLessThanOrEqual(0.4 * volume);
            expect(queueBytesFor(gi)).toBeGreaterThan(0.39 * volume);
        }
        expect(parsed.extensions["file_storage/queue"]).toMatchObject({ directory: "/var/lib/otelcol/queue", create_directory: true });
        expect(parsed.service.extensions).toEqual(["health_check", "file_storage/queue"]);
    });

    it("keeps the queue in memory only when no queue directory is given", () => {
        const inMemory = renderGatewayConfig({ ...input, queueDirectory: undefined });
        expect((inMemory.exporters["otlp_grpc/jaeger"] as OtlpGrpcExporterConfig).sending_queue?.storage).toBeUndefined();
        expect(inMemory.extensions["file_storage/queue"]).toBeUndefined();
        expect(inMemory.service.extensions).toEqual(["health_check"]);
    });

    it("verifies Jaeger's certificate when a CA is given", () => {
        const tls = renderGatewayConfig({ ...input, exportCaFile: "/tls/ca.crt" }).exporters["otlp_grpc/jaeger"] as OtlpGrpcExporterConfig;
        expect(tls.tls).toEqual({ insecure: false, ca_file: "/tls/ca.crt" });
    });

    it("receives OTLP/gRPC on the pod IP", () => {
        expect(parsed.receivers.otlp.protocols).toEqual({ grpc: { endpoint: "${env:MY_POD_IP}:4317" } });
    });
});
