import type { SpanMetricsConnectorConfig } from "./span-metrics";
/**
 * The subset of the OpenTelemetry Collector configuration our renderers produce, typed so a renamed
 * or misspelt key is a compile error. Component ids follow the 2026 names (`otlp_grpc`,
 * `k8s_attributes`, `load_balancing`); the pinned collector binary validates the result.
 */

export interface OtlpReceiverConfig {
    protocols: {
        grpc?: { endpoint: string };
        http?: { endpoint: string };
    };
}

export interface MemoryLimiterConfig {
    check_interval: string;
    limit_mib: number;
    spike_limit_mib: number;
}

export interface BatchConfig {
    timeout: string;
    send_batch_size: number;
    send_batch_max_size: number;
}

export interface K8sAttributesConfig {
    auth_type: "serviceAccount";
    passthrough: boolean;
    filter: { node_from_env_var: string };
    extract: { metadata: string[] };
    pod_association: { sources: { from: "resource_attribute" | "connection"; name?: string }[] }[];
}

export interface AttributesConfig {
    actions: { key: string; action: "delete" }[];
}

export interface RedactionConfig {
    allow_all_keys: boolean;
    redact_all_types: boolean;
    blocked_values: string[];
    /** Values matching one of these are not scanned for blocked values. */
    allowed_values?: string[];
    ignored_keys: string[];
    summary: "silent" | "info" | "debug";
}

/** OTTL statements in one context; with conditions, they run only where one of them holds. */
export interface StatementGroup {
    context: "resource" | "scope" | "span" | "spanevent";
    conditions?: string[];
    statements: string[];
}

export interface TransformConfig {
    error_mode: "ignore" | "propagate" | "silent";
    trace_statements: StatementGroup[];
}

export interface MetricTransformConfig {
    error_mode: "ignore" | "propagate" | "silent";
    metric_statements: { context: "resource" | "datapoint"; statements: string[] }[];
}

export type TailSamplingPolicy =
    | { name: string; type: "status_code"; status_code: { status_codes: ("ERROR" | "OK" | "UNSET")[] } }
    | { name: string; type: "latency"; latency: { threshold_ms: number } }
    | { name: string; type: "probabilistic"; probabilistic: { sampling_percentage: number } };

export interface TailSamplingConfig {
    decision_wait: string;
    num_traces: number;
    expected_new_traces_per_sec: number;
    drop_pending_traces_on_shutdown: boolean;
    policies: TailSamplingPolicy[];
}

export interface RetryConfig {
    enabled: boolean;
    initial_interval: string;
    max_interval: string;
    max_elapsed_time: string;
}

export interface SendingQueueConfig {
    enabled: boolean;
    num_consumers: number;
    /** What queue_size counts: requests (batches, the default), items (spans) or bytes. */
    sizer?: "requests" | "items" | "bytes";
    queue_size: number;
    storage?: string;
}

export interface OtlpGrpcExporterConfig {
    endpoint: string;
    compression?: "none" | "snappy" | "zstd" | "gzip";
    tls: { insecure: boolean; ca_file?: string };
    timeout?: string;
    retry_on_failure?: RetryConfig;
    sending_queue?: SendingQueueConfig;
}

export type LoadBalancingResolver =
    | { k8s: { service: string; ports: number[] } }
    | { dns: { hostname: string; port: number } }
    | { static: { hostnames: string[] } };

export interface LoadBalancingExporterConfig {
    routing_key: "traceID";
    protocol: { otlp: Omit<OtlpGrpcExporterConfig, "endpoint"> };
    resolver: LoadBalancingResolver;
}

export interface HealthCheckConfig {
    endpoint: string;
}

export interface FileStorageConfig {
    directory: string;
    create_directory: boolean;
    timeout: string;
    compaction: { on_start: boolean; on_rebound: boolean; directory: string };
}

/** Drops every resource (with its spans) for which a condition holds. */
export interface FilterConfig {
    error_mode: "ignore" | "propagate" | "silent";
    traces: { resource: string[] };
}

export interface Pipeline {
    receivers: string[];
    processors: string[];
    exporters: string[];
}

export interface PrometheusExporterConfig {
    endpoint: string;
    enable_open_metrics: boolean;
}

export interface CollectorConfig {
    receivers: Record<string, OtlpReceiverConfig>;
    processors: Record<
        string,
        | MemoryLimiterConfig
        | BatchConfig
        | K8sAttributesConfig
        | AttributesConfig
        | RedactionConfig
        | TransformConfig
        | MetricTransformConfig
        | TailSamplingConfig
        | FilterConfig
    >;
    exporters: Record<string, OtlpGrpcExporterConfig | LoadBalancingExporterConfig | PrometheusExporterConfig>;
    connectors?: Record<string, SpanMetricsConnectorConfig | Record<string, never>>;
    extensions: Record<string, HealthCheckConfig | FileStorageConfig>;
    service: {
        extensions: string[];
        pipelines: { traces: Pipeline } & Record<string, Pipeline>;
        telemetry: {
            logs: { level: "debug" | "info" | "warn" | "error"; encoding: "json" | "console" };
            metrics: {
                level: "none" | "basic" | "normal" | "detailed";
                readers: { pull: { exporter: { prometheus: { host: string; port: number } } } }[];
            };
        };
    };
}

/** Where a collector listens. In Kubernetes the host is the pod IP from the downward API. */
export interface ListenAddresses {
    host: string;
    otlpGrpcPort: number;
    otlpHttpPort: number;
    healthPort: number;
    metricsPort: number;
}

export const podListen: ListenAddresses = {
    host: "${env:MY_POD_IP}",
    otlpGrpcPort: 4317,
    otlpHttpPort: 4318,
    healthPort: 13133,
    metricsPort: 8888,
};
