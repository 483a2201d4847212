import { parseStackConfig } from "../config/config";
import { storageBudget } from "../config/storage-budget";
import { requiredConfig } from "./support/minimal-config";

/** A stack of the required keys plus these, as Pulumi hands them (objects as JSON). */
const stack = (raw: Record<string, unknown>) =>
    parseStackConfig({
        ...requiredConfig,
        ...Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, JSON.stringify(v)])),
    });

const workloads = [
    { name: "shop-api", namespace: "shop", language: "nodejs" },
    { name: "crm-api", namespace: "crm", language: "java" },
];
const views = [
    { name: "shop", groups: ["tracing-team-shop"], namespaces: ["shop"] },
    { name: "crm", groups: ["tracing-team-crm"], namespaces: ["crm"] },
];

describe("the storage budget stack output", () => {
    it("counts the shards kept and the disk per day for an in-cluster Elasticsearch", () => {
        const config = stack({
            "tracing:retentionDays": 10,
            "tracing:workloads": workloads,
            "tracing:elasticsearch": { mode: "in-cluster", nodes: 3, storageGi: 100, shards: 2, replicas: 1 },
        });
        expect(storageBudget(config)).toEqual({
            retentionDays: 10,
            elasticsearch: "in-cluster",
            nodes: 3,
            pvcGiPerNode: 100,
            pvcGiTotal: 300,
            // 2 shards × 2 copies, a span and a service index a day, 10 days.
            shardsPerDailyIndex: 4,
            shardsKept: 80,
            // 300 GiB × 0.85 / 10 days / 2 copies.
            giPerDayOfRetention: 12.7,
            copiesPerSpan: 1,
            giOfSpansPerDay: 12.7,
        });
    });

    it("gives each view its own daily indices and halves the days of spans the disk holds when every span is stored twice", () => {
        const config = stack({
            "tracing:retentionDays": 10,
            "tracing:workloads": workloads,
            "tracing:views": views,
            "tracing:elasticsearch": { mode: "in-cluster", nodes: 3, storageGi: 100, shards: 2, replicas: 1 },
        });
        expect(storageBudget(config)).toMatchObject({
            shardsKept: 240,
            giPerDayOfRetention: 12.7,
            copiesPerSpan: 2,
            giOfSpansPerDay: 6.3,
        });
    });

    it("leaves the disk to an external cluster and still counts its shards", () => {
        const config = stack({
            "tracing:retentionDays": 7,
            "tracing:views": views,
            "tracing:elasticsearch": {
                mode: "external",
                url: "https://es.data.example.internal:9200",
                credentialsSecret: "es-credentials",
                egressRanges: ["10.30.0.0/24"],
                shards: 1,
                replicas: 1,
            },
        });
        expect(storageBudget(config)).toEqual({
            retentionDays: 7,
            elasticsearch: "external",
            shardsPerDailyIndex: 2,
            shardsKept: 7 * 2 * 3 * 2,
            copiesPerSpan: 2,
        });
    });
});
