import type { SamplingConfig } from "../stacks/schema";
import type { CollectorConfig, ListenAddresses, TailSamplingPolicy } from "./collector-types";
import { memoryLimiter, telemetry } from "./collector-common";

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
}

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

export const gatewayProcessorOrder = ["memory_limiter", "tail_sampling", "batch"] as const;

/** Tail-sampling policies, OR-ed by the processor: a trace is kept when any of them says so. */
export function samplingPolicies(sampling: SamplingConfig): TailSamplingPolicy[] {
    const policies: TailSamplingPolicy[] = [];
    if (sampling.keepErrors) policies.push({ name: "keep-errors", type: "status_code", status_code: { status_codes: ["ERROR"] } });
    policies.push({ name: "keep-slow", type: "latency", latency: { threshold_ms: sampling.slowTraceMs } });
    policies.push({ name: "keep-share", type: "probabilistic", probabilistic: { sampling_percentage: sampling.percent } });
    return policies;
}

export function renderGatewayConfig(input: GatewayConfigInput): CollectorConfig {
    const { listen } = input;
    const persistent = input.queueDirectory !== undefined;
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
        },
        exporters: {
            "otlp_grpc/jaeger": {
                endpoint: input.exportEndpoint,
                tls: input.exportCaFile === undefined ? { insecure: true } : { insecure: false, ca_file: input.exportCaFile },
                timeout: "10s",
                // Never give up on a batch while the queue has room: Jaeger outages are ridden out on disk.
                retry_on_failure: { enabled: true, initial_interval: "1s", max_interval: "30s", max_elapsed_time: "0s" },
                // Measured in bytes, so a full queue is a known share of the volume (in batches it is not: a
                // batch holds up to send_batch_max_size spans of any size).
                sending_queue: { enabled: true, num_consumers: 4, sizer: "bytes", queue_size: input.queueBytes, ...(persistent ? { storage: "file_storage/queue" } : {}) },
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
                traces: { receivers: ["otlp"], processors: [...gatewayProcessorOrder], exporters: ["otlp_grpc/jaeger"] },
            },
            telemetry: telemetry(listen),
        },
    };
}
