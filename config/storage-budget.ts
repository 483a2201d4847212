import type { StackConfig } from "./schema";

/** Jaeger writes a span and a service index per day (dependencies and sampling only when used). */
const dailyIndices = 2;

/**
 * How many times a span is stored: once in the all view's indices, once more in each team view that
 * selects its service (by namespace or name); the most of any configured workload.
 */
export function copiesPerSpan(config: Pick<StackConfig, "views" | "workloads">): number {
    const copies = config.workloads.map(
        (w) => 1 + config.views.filter((v) => v.namespaces.includes(w.namespace) || v.services.includes(w.name)).length,
    );
    return Math.max(config.views.length > 0 ? 2 : 1, ...copies);
}

/** What the retention and index settings commit Elasticsearch to, shown as a stack output. */
export function storageBudget(config: StackConfig) {
    const es = config.elasticsearch;
    // Every view (the all view and each team view) writes daily indices of its own.
    const indexSets = 1 + config.views.length;
    const shardsKept = config.retentionDays * dailyIndices * indexSets * es.shards * (1 + es.replicas);
    const copies = copiesPerSpan(config);
    if (es.mode === "external") {
        return {
            retentionDays: config.retentionDays,
            elasticsearch: "external",
            shardsPerDailyIndex: es.shards * (1 + es.replicas),
            shardsKept,
            copiesPerSpan: copies,
        };
    }
    // The disk each day of traces may use, with Elasticsearch's 85 % low watermark kept free.
    const giPerDay = (es.storageGi * es.nodes * 0.85) / config.retentionDays / (1 + es.replicas);
    return {
        retentionDays: config.retentionDays,
        elasticsearch: "in-cluster",
        nodes: es.nodes,
        pvcGiPerNode: es.storageGi,
        pvcGiTotal: es.storageGi * es.nodes,
        shardsPerDailyIndex: es.shards * (1 + es.replicas),
        shardsKept,
        giPerDayOfRetention: tenths(giPerDay),
        copiesPerSpan: copies,
        /** The same, in spans as received: each is stored once per view that holds it. */
        giOfSpansPerDay: tenths(giPerDay / copies),
    };
}

const tenths = (x: number): number => Math.floor(x * 10) / 10;
