import { toGoYaml } from "./yaml";
import { spanMetricsPromNamespace } from "./span-metrics";

/**
 * Jaeger v2 configuration (a collector-style YAML; the binary has no flags), for the pinned v2.13:
 * `healthcheckv2` (the v1 `health_check` is not compiled in), `jaeger_storage` backends, daily
 * indices through each index type's `date_layout`/`rollover_frequency`. v2.20 still accepts these
 * (deprecated in favour of `rotation.periodic`) and rejects `use_aliases`/`use_ilm`, which we never set.
 */

export type JaegerRole = "collector" | "query" | "combined";

export interface IndexSettings {
    shards: number;
    replicas: number;
    date_layout: "2006-01-02";
    rollover_frequency: "day";
}

export interface ElasticsearchBackend {
    elasticsearch: {
        server_urls: string[];
        auth: { basic: { username: string; password: string } };
        tls: { insecure: false; ca_file?: string };
        create_mappings: boolean;
        indices: {
            index_prefix: string;
            spans: IndexSettings;
            services: IndexSettings;
            dependencies: IndexSettings;
            sampling: IndexSettings;
        };
    };
}

export interface MemoryBackend {
    memory: { max_traces: number };
}

export type JaegerStorageInput =
    | {
          kind: "elasticsearch";
          url: string;
          /** CA bundle that signs Elasticsearch's certificate; the system trust store when absent. */
          caFile?: string;
          indexPrefix: string;
          shards: number;
          replicas: number;
      }
    | { kind: "memory"; maxTraces: number };

export interface JaegerListen {
    host: string;
    otlpGrpcPort: number;
    otlpHttpPort: number;
    queryHttpPort: number;
    queryGrpcPort: number;
    healthPort: number;
    metricsPort: number;
}

export const jaegerPodListen: JaegerListen = {
    host: "${env:MY_POD_IP}",
    otlpGrpcPort: 4317,
    otlpHttpPort: 4318,
    queryHttpPort: 16686,
    queryGrpcPort: 16685,
    healthPort: 13133,
    metricsPort: 8888,
};

export interface JaegerConfigInput {
    role: JaegerRole;
    storage: JaegerStorageInput;
    listen: JaegerListen;
    /** Prometheus' HTTP API holding the gateway's span metrics: the UI's Monitor tab (SPM) reads it. */
    prometheusUrl?: string;
    /** Where the UI and its API are served (a team view's `/views/<name>`); `/` when absent. */
    basePath?: string;
}

/** The span metrics as the gateway exports them (renderers/span-metrics.ts): calls_total and duration_milliseconds. */
export interface PrometheusMetricsBackend {
    prometheus: {
        endpoint: string;
        metric_namespace: string;
        latency_unit: "ms";
        normalize_calls: true;
        normalize_duration: true;
    };
}

export interface JaegerConfig {
    service: {
        extensions: string[];
        pipelines: { traces: { receivers: string[]; processors?: string[]; exporters: string[] } };
        telemetry: {
            logs: { level: "info"; encoding: "json" };
            metrics: {
                level: "basic";
                readers: { pull: { exporter: { prometheus: { host: string; port: number } } } }[];
            };
        };
    };
    extensions: {
        healthcheckv2: { use_v2: true; http: { endpoint: string; status: { enabled: true; path: "/status" } } };
        jaeger_storage: {
            backends: Record<string, ElasticsearchBackend | MemoryBackend>;
            metric_backends?: Record<string, PrometheusMetricsBackend>;
        };
        jaeger_query?: {
            storage: { traces: string; metrics?: string };
            base_path: string;
            enable_tracing: false;
            http: { endpoint: string };
            grpc: { endpoint: string };
        };
    };
    receivers: {
        otlp?: { protocols: { grpc: { endpoint: string }; http: { endpoint: string } } };
        nop?: Record<string, never>;
    };
    processors?: { batch: { timeout: string; send_batch_size: number } };
    exporters: { jaeger_storage_exporter?: { trace_storage: string }; nop?: Record<string, never> };
}

export const storageName = "traces";
export const metricsStorageName = "span_metrics";

/** Environment variables the Elasticsearch credentials are read from (set from a Secret). */
export const esCredentialEnv = { username: "ES_USERNAME", password: "ES_PASSWORD" } as const;

function dailyIndex(shards: number, replicas: number): IndexSettings {
    return { shards, replicas, date_layout: "2006-01-02", rollover_frequency: "day" };
}

export function storageBackend(storage: JaegerStorageInput, role: JaegerRole): ElasticsearchBackend | MemoryBackend {
    if (storage.kind === "memory") return { memory: { max_traces: storage.maxTraces } };
    const index = dailyIndex(storage.shards, storage.replicas);
    return {
        elasticsearch: {
            server_urls: [storage.url],
            // Never a literal: the collector expands these from the pod's Secret-backed environment.
            auth: {
                basic: {
                    username: `\${env:${esCredentialEnv.username}}`,
                    password: `\${env:${esCredentialEnv.password}}`,
                },
            },
            tls: storage.caFile === undefined ? { insecure: false } : { insecure: false, ca_file: storage.caFile },
            // The writer owns the index templates; a query-only instance must not race it.
            create_mappings: role !== "query",
            indices: {
                index_prefix: storage.indexPrefix,
                spans: index,
                services: index,
                dependencies: index,
                sampling: index,
            },
        },
    };
}

export function renderJaegerConfig(input: JaegerConfigInput): JaegerConfig {
    const { listen, role } = input;
    const ingests = role !== "query";
    const serves = role !== "collector";
    const config: JaegerConfig = {
        service: {
            extensions: ["jaeger_storage", ...(serves ? ["jaeger_query"] : []), "healthcheckv2"],
            pipelines: {
                // A query-only instance still needs a pipeline: nop in, nop out (as upstream's config-query.yaml).
                traces: ingests
                    ? { receivers: ["otlp"], processors: ["batch"], exporters: ["jaeger_storage_exporter"] }
                    : { receivers: ["nop"], exporters: ["nop"] },
            },
            telemetry: {
                logs: { level: "info", encoding: "json" },
                metrics: {
                    level: "basic",
                    readers: [{ pull: { exporter: { prometheus: { host: listen.host, port: listen.metricsPort } } } }],
                },
            },
        },
        extensions: {
            healthcheckv2: {
                use_v2: true,
                http: { endpoint: `${listen.host}:${listen.healthPort}`, status: { enabled: true, path: "/status" } },
            },
            jaeger_storage: { backends: { [storageName]: storageBackend(input.storage, role) } },
        },
        receivers: ingests
            ? {
                  otlp: {
                      protocols: {
                          grpc: { endpoint: `${listen.host}:${listen.otlpGrpcPort}` },
                          http: { endpoint: `${listen.host}:${listen.otlpHttpPort}` },
                      },
                  },
              }
            : { nop: {} },
        exporters: ingests ? { jaeger_storage_exporter: { trace_storage: storageName } } : { nop: {} },
    };
    if (ingests) config.processors = { batch: { timeout: "1s", send_batch_size: 1000 } };
    if (serves) {
        const spm = input.prometheusUrl;
        if (spm !== undefined) {
            config.extensions.jaeger_storage.metric_backends = {
                [metricsStorageName]: {
                    prometheus: {
                        endpoint: spm,
                        metric_namespace: spanMetricsPromNamespace,
                        latency_unit: "ms",
                        normalize_calls: true,
                        normalize_duration: true,
                    },
                },
            };
        }
        config.extensions.jaeger_query = {
            storage: spm === undefined ? { traces: storageName } : { traces: storageName, metrics: metricsStorageName },
            base_path: input.basePath ?? "/",
            // On by default in v2: every query would be traced to localhost:4317, into this Jaeger's own
            // storage (a "jaeger" service in every view) or, in a query-only pod, nowhere (retries, a
            // 5 s stall at shutdown).
            enable_tracing: false,
            http: { endpoint: `${listen.host}:${listen.queryHttpPort}` },
            grpc: { endpoint: `${listen.host}:${listen.queryGrpcPort}` },
        };
    }
    return config;
}

export function toJaegerYaml(config: JaegerConfig): string {
    return toGoYaml(config);
}
