import { containers, isKind, list, metadataName, obj, podSpec, quantityGi, strings } from "../resource-view";
import { at, ResourceRule, StackRule, Violation } from "../rule";
import { configOf, jaegerBackends } from "./collector-config";

const isIndexCleaner = (image: unknown): boolean => /jaeger-es-index-cleaner/.test(String(image));

export const retentionWithinLimits: StackRule = {
    kind: "stack",
    name: "retention-within-limits",
    description: "Whenever Jaeger stores into Elasticsearch, an index cleaner enforces a retention of 1 to maxRetentionDays days.",
    enforcementLevel: "mandatory",
    config: ["maxRetentionDays"],
    validateStack(resources, config) {
        const usesElasticsearch = resources.some((r) => {
            const c = configOf(r);
            return c !== null && Object.values(jaegerBackends(c)).some((b) => obj(b).elasticsearch !== undefined);
        });
        if (!usesElasticsearch) return [];
        const cleaners = resources.filter((r) => isKind(r, "CronJob") && containers(podSpec(r) ?? {}).some((c) => isIndexCleaner(c.image)));
        if (cleaners.length === 0) {
            return [{ message: "Jaeger writes to Elasticsearch but no jaeger-es-index-cleaner CronJob deletes old indices. Keep the index cleaner (it follows tracing:retentionDays)." }];
        }
        const out: Violation[] = [];
        for (const cron of cleaners) {
            const container = containers(podSpec(cron) ?? {}).find((c) => isIndexCleaner(c.image)) ?? {};
            const days = Number(strings(container.args)[0]);
            if (!Number.isInteger(days) || days < 1 || days > config.maxRetentionDays) {
                out.push(at(cron, `${metadataName(cron)} keeps ${String(strings(container.args)[0])} days of traces; the limit is 1 to ${config.maxRetentionDays}. Lower tracing:retentionDays.`));
            }
        }
        return out;
    },
};

export const storageWithinLimits: ResourceRule = {
    kind: "resource",
    name: "storage-within-limits",
    description: "Each volume claim stays within maxStorageGi: Elasticsearch storage costs money.",
    enforcementLevel: "mandatory",
    config: ["maxStorageGi"],
    validateResource(r, config) {
        const claims = isKind(r, "StatefulSet")
            ? list(obj(r.props.spec).volumeClaimTemplates)
            : isKind(r, "PersistentVolumeClaim")
              ? [r.props]
              : [];
        const out: string[] = [];
        for (const claim of claims) {
            const size = obj(obj(obj(claim.spec).resources).requests).storage;
            const gi = quantityGi(size);
            if (gi === null || gi > config.maxStorageGi) {
                out.push(`${metadataName(r)} claims ${String(size)} per volume (${String(obj(claim.metadata).name ?? "")}); the limit is ${config.maxStorageGi}Gi. Lower the size (e.g. tracing:elasticsearch.storageGi) or shorten retention.`);
            }
        }
        return out;
    },
};

export const memoryStoreCapped: ResourceRule = {
    kind: "resource",
    name: "memory-store-capped",
    description: "An in-memory trace store has a trace cap.",
    enforcementLevel: "mandatory",
    validateResource(r) {
        const c = configOf(r);
        if (c === null) return [];
        return Object.entries(jaegerBackends(c))
            .filter(([, b]) => obj(b).memory !== undefined && !(Number(obj(obj(b).memory).max_traces) > 0))
            .map(([name]) => `Jaeger backend ${name} in ${metadataName(r)} keeps traces in memory without a cap. Set memory.max_traces.`);
    },
};
