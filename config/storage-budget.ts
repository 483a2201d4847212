import type { StackConfig } from "./schema";

/** Jaeger writes a span and a service index per day (dependencies and sampling only when used). */
const dailyIndices = 2;

/** What the retention and index settings commit Elasticsearch to, shown as a stack output. */
export function storageBudget(config: StackConfig) {
    const es = config.elasticsearch;
    const shardsKept = config.retentionDays * dailyIndices * es.shards * (1 + es.replicas);
    if (es.mode === "external") {
        return {
            retentionDays: config.retentionDays,
            elasticsearch: "external",
            shardsPerDailyIndex: es.shards * (1 + es.replicas),
            shardsKept,
        };
    }
    return {
        retentionDays: config.retentionDays,
        elasticsearch: "in-cluster",
        nodes: es.nodes,
        pvcGiPerNode: es.storageGi,
        pvcGiTotal: es.storageGi * es.nodes,
        shardsPerDailyIndex: es.shards * (1 + es.replicas),
        shardsKept,
        /** The disk each day of traces may use, with Elasticsearch's 85 % low watermark kept free. */
        giPerDayOfRetention:
            Math.floor(((es.storageGi * es.nodes * 0.85) / config.retentionDays / (1 + es.replicas)) * 10) / 10,
    };
}
