import type { SamplingConfig } from "../config/schema";
import type {
    CollectorConfig,
    FilterConfig,
    ListenAddresses,
    OtlpGrpcExporterConfig,
    Pipeline,
    TailSamplingPolicy,
} from "./collector-types";
import { memoryLimiter, telemetry } from "./collector-common";
import { ottlAttribute, ottlString } from "./escape";
import { renderSpanMetricsConnector, semconvStatements } from "./span-metrics";

export interface GatewayConfigInput {
    listen: ListenAddresses;
    memoryLimitMiB: number;
    sampling: SamplingConfig;
    /** OTLP/gRPC endpoint of the Jaeger collector (host:port). */
    exportEndpoint: string;
    /** CA bundle to verify the Jaeger collector with; plaintext inside the cluster when absent. */
    exportCaFile?: string;
    /**
     * Directory of the persistent sending queue (a volume that outlives the container); without one
     * the queue lives in memory and dies with the process (the benchmark's comparison).
     */
    queueDirectory?: string;
    /** What the sending queue may hold while Jaeger is unreachable, in bytes of serialized spans. */
    queueBytes: number;
    /** Where Prometheus scrapes the span metrics (RED per service and operation, from every span). */
    spanMetricsPort: number;
    /** Team views: each gets the kept spans of its services only, at its own Jaeger. */
    views?: GatewayView[];
}

/** A team view as the gateway sees it: which resources it selects and where its Jaeger listens. */
export interface GatewayView {
    name: string;
    /** k8s.namespace.name values it selects. */
    namespaces: string[];
    /** service.name values it selects. */
    services: string[];
    /** OTLP/gRPC endpoint (host:port) of the view's Jaeger. */
    exportEndpoint: string;
}

export const allViewExporter = "otlp_grpc/jaeger";
export const viewsConnector = "forward/views";
export const viewPipeline = (view: string) => `traces/view-${view}`;
export const viewFilter = (view: string) => `filter/view-${view}`;
export const viewExporter = (view: string) => `otlp_grpc/view-${view}`;

/** The span metrics' port in a pod. */
export const spanMetricsPodPort = 8889;

/**
 * The share of the queue's volume the queue may fill. The file_storage extension keeps the queue in a
 * bbolt file that does not shrink by itself (freed pages stay) and compacts by writing a copy beside
 * it: the data, its free pages and the copy must all fit.
 */
export const queueVolumeShare = 0.4;

/** The byte cap of the persistent queue on a volume of `volumeGi` GiB. */
export const queueBytesFor = (volumeGi: number): number => Math.floor(volumeGi * 1024 ** 3 * queueVolumeShare);

/**
 * How long Kubernetes lets a stopping gateway run after SIGTERM. On SIGTERM the collector stops its
 * receiver, tail_sampling decides every trace still waiting, and the exporter's persistent queue keeps
 * what Jaeger has not taken; that takes seconds, this leaves room for a slow disk.
 */
export const gatewayTerminationGraceSeconds = 60;

/**
 * Two trace pipelines joined by the forward connector: every span passes `traces/all` (memory
 * limit, stable attribute names) into spanmetrics and on to `traces`, where tail sampling keeps a
 * share. Metrics counted after sampling would count the kept share only.
 */
export const gatewayIntakeOrder = ["memory_limiter", "transform/semconv"] as const;
export const gatewayProcessorOrder = ["tail_sampling", "batch"] as const;

/** Tail-sampling policies, OR-ed by the processor: a trace is kept when any of them says so. */
export function samplingPolicies(sampling: SamplingConfig): TailSamplingPolicy[] {
    const policies: TailSamplingPolicy[] = [];
    if (sampling.keepErrors)
        policies.push({ name: "keep-errors", type: "status_code", status_code: { status_codes: ["ERROR"] } });
    policies.push({ name: "keep-slow", type: "latency", latency: { threshold_ms: sampling.slowTraceMs } });
    policies.push({
        name: "keep-share",
        type: "probabilistic",
        probabilistic: { sampling_percentage: sampling.percent },
    });
    return policies;
}

/**
 * Keeps a view's resources and drops every other: a resource is dropped unless its namespace or its
 * service name is the view's. A resource without either attribute matches nothing and is dropped, so
 * a view fails closed (it lacks a span rather than showing another team's).
 */
export function viewFilterConfig(view: Pick<GatewayView, "namespaces" | "services">): FilterConfig {
    const selects = [
        ...view.namespaces.map((ns) => `${ottlAttribute("k8s.namespace.name", "resource")} == ${ottlString(ns)}`),
        ...view.services.map((sn) => `${ottlAttribute("service.name", "resource")} == ${ottlString(sn)}`),
    ];
    if (selects.length === 0) throw new Error("a view must select at least one namespace or service");
    // propagate: a condition that errors fails the batch for this view (the batch processor before it logs
    // and drops it; the all view still gets it) instead of letting it through unfiltered.
    return { error_mode: "propagate", traces: { resource: [`not (${selects.join(" or ")})`] } };
}

/** The export to one Jaeger: never give up while the (byte-sized, possibly persistent) queue has room. */
function jaegerExporter(endpoint: string, input: GatewayConfigInput, queueBytes: number): OtlpGrpcExporterConfig {
    return {
        endpoint,
        tls: input.exportCaFile === undefined ? { insecure: true } : { insecure: false, ca_file: input.exportCaFile },
        timeout: "10s",
        // Never give up on a batch while the queue has room: Jaeger outages are ridden out on disk.
        retry_on_failure: {
            enabled: true,
            initial_interval: "1s",
            max_interval: "30s",
            max_elapsed_time: "0s",
        },
        // Measured in bytes, so a full queue is a known share of the volume (in batches it is not: a
        // batch holds up to send_batch_max_size spans of any size).
        sending_queue: {
            enabled: true,
            num_consumers: 4,
            sizer: "bytes",
            queue_size: queueBytes,
            ...(input.queueDirectory !== undefined ? { storage: "file_storage/queue" } : {}),
        },
    };
}

export function renderGatewayConfig(input: GatewayConfigInput): CollectorConfig {
    const { listen } = input;
    const persistent = input.queueDirectory !== undefined;
    const views = input.views ?? [];
    // Every Jaeger's queue shares the one volume: each gets an equal part of the cap.
    const queueBytes = Math.floor(input.queueBytes / (1 + views.length));
    const viewPipelines: Record<string, Pipeline> = Object.fromEntries(
        views.map((v) => [
            viewPipeline(v.name),
            { receivers: [viewsConnector], processors: [viewFilter(v.name)], exporters: [viewExporter(v.name)] },
        ]),
    );
    return {
        receivers: {
            otlp: { protocols: { grpc: { endpoint: `${listen.host}:${listen.otlpGrpcPort}` } } },
        },
        processors: {
            memory_limiter: memoryLimiter(input.memoryLimitMiB),
            tail_sampling: {
                decision_wait: `${input.sampling.decisionWaitSeconds}s`,
                num_traces: 50000,
                expected_new_traces_per_sec: 500,
                // On SIGTERM (a rollout, a drain) decide every waiting trace on what has arrived rather
                // than drop it: with the persistent queue behind, a restart then loses nothing.
                drop_pending_traces_on_shutdown: false,
                policies: samplingPolicies(input.sampling),
            },
            batch: { timeout: "1s", send_batch_size: 1024, send_batch_max_size: 2048 },
            "transform/semconv": { error_mode: "ignore", trace_statements: semconvStatements() },
            // One series per service: the resource of the first span seen would name a pod.
            "transform/span_metrics_resource": {
                error_mode: "ignore",
                metric_statements: [
                    { context: "resource", statements: ['keep_keys(resource.attributes, ["service.name"])'] },
                ],
            },
            ...Object.fromEntries(views.map((v) => [viewFilter(v.name), viewFilterConfig(v)])),
        },
        connectors: {
            span_metrics: renderSpanMetricsConnector(),
            forward: {},
            ...(views.length > 0 ? { [viewsConnector]: {} } : {}),
        },
        exporters: {
            [allViewExporter]: jaegerExporter(input.exportEndpoint, input, queueBytes),
            ...Object.fromEntries(
                views.map((v) => [viewExporter(v.name), jaegerExporter(v.exportEndpoint, input, queueBytes)]),
            ),
            "prometheus/span_metrics": {
                endpoint: `${listen.host}:${input.spanMetricsPort}`,
                // OpenMetrics carries the exemplars (trace ids) a dashboard links from.
                // Resource attributes stay off the labels (the exporter's default): service.name
                // comes from the connector's own dimension, nothing per pod multiplies the series.
                enable_open_metrics: true,
            },
        },
        extensions: {
            health_check: { endpoint: `${listen.host}:${listen.healthPort}` },
            ...(input.queueDirectory === undefined
                ? {}
                : {
                      "file_storage/queue": {
                          directory: input.queueDirectory,
                          create_directory: true,
                          timeout: "1s",
                          compaction: { on_start: true, on_rebound: true, directory: input.queueDirectory },
                      },
                  }),
        },
        service: {
            extensions: persistent ? ["health_check", "file_storage/queue"] : ["health_check"],
            pipelines: {
                "traces/all": {
                    receivers: ["otlp"],
                    processors: [...gatewayIntakeOrder],
                    exporters: ["span_metrics", "forward"],
                },
                // Sampled once: every view gets the same traces, each only its services' spans of them.
                traces: {
                    receivers: ["forward"],
                    processors: [...gatewayProcessorOrder],
                    exporters: views.length > 0 ? [allViewExporter, viewsConnector] : [allViewExporter],
                },
                ...viewPipelines,
                "metrics/spans": {
                    receivers: ["span_metrics"],
                    processors: ["transform/span_metrics_resource"],
                    exporters: ["prometheus/span_metrics"],
                },
            },
            telemetry: telemetry(listen),
        },
    };
}
