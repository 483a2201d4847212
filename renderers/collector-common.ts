import type { CollectorConfig, ListenAddresses, MemoryLimiterConfig } from "./collector-types";
import { toGoYaml } from "./yaml";

/**
 * memory_limiter at 80 % of the container limit with a 20 % spike allowance, so the collector refuses
 * data before the kernel kills it. GOMEMLIMIT (see goMemLimit) sits at the same 80 %.
 */
export function memoryLimiter(containerLimitMiB: number): MemoryLimiterConfig {
    const limit = Math.floor(containerLimitMiB * 0.8);
    return { check_interval: "1s", limit_mib: limit, spike_limit_mib: Math.floor(limit * 0.25) };
}

/** The Go runtime's soft limit, in the form GOMEMLIMIT takes. */
export function goMemLimit(containerLimitMiB: number): string {
    return `${Math.floor(containerLimitMiB * 0.8)}MiB`;
}

export function telemetry(listen: ListenAddresses): CollectorConfig["service"]["telemetry"] {
    return {
        logs: { level: "info", encoding: "json" },
        metrics: {
            level: "normal",
            readers: [{ pull: { exporter: { prometheus: { host: listen.host, port: listen.metricsPort } } } }],
        },
    };
}

export function toCollectorYaml(config: CollectorConfig): string {
    return toGoYaml(config);
}
