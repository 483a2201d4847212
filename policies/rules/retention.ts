import {
    containers,
    isKind,
    list,
    metadataName,
    obj,
    PolicyInput,
    podSpec,
    quantityGi,
    strings,
    text,
} from "../resource-view";
import { at, ResourceRule, StackRule, Violation } from "../rule";
import { configOf, jaegerBackends } from "./collector-config";

const isIndexCleaner = (image: unknown): boolean => /jaeger-es-index-cleaner/.test(String(image));
const normalizeUrl = (u: string): string => u.trim().replace(/\/+$/, "").toLowerCase();

/** An Elasticsearch backend of a Jaeger v2 config: where it writes and under which index prefix. */
interface EsBackend {
    configMap: PolicyInput;
    backend: string;
    urls: string[];
    prefix: string;
}

/** A cleaner container of a CronJob: how many days it keeps, of which cluster and prefix. */
interface Cleaner {
    cron: PolicyInput;
    days: string;
    url: string;
    prefix: string;
    suspended: boolean;
}

function esBackends(resources: PolicyInput[]): EsBackend[] {
    return resources.flatMap((r) => {
        const c = configOf(r);
        if (c === null) return [];
        return Object.entries(jaegerBackends(c)).flatMap(([backend, b]) => {
            const es = obj(b).elasticsearch;
            if (es === undefined) return [];
            return [
                {
                    configMap: r,
                    backend,
                    urls: strings(obj(es).server_urls).map(normalizeUrl),
                    prefix: text(obj(obj(es).indices).index_prefix),
                },
            ];
        });
    });
}

function cleaners(resources: PolicyInput[]): Cleaner[] {
    return resources.flatMap((r) => {
        if (!isKind(r, "CronJob")) return [];
        // One container per index prefix: the all view's and each team view's.
        return containers(podSpec(r) ?? {})
            .filter((c) => isIndexCleaner(c.image))
            .map((container) => {
                const args = strings(container.args);
                const prefixEnv = list(container.env).find((e) => e.name === "INDEX_PREFIX");
                return {
                    cron: r,
                    days: args[0] ?? "",
                    url: normalizeUrl(args[1] ?? ""),
                    prefix: text(prefixEnv?.value),
                    suspended: obj(r.props.spec).suspend === true,
                };
            });
    });
}

export const retentionWithinLimits: StackRule = {
    kind: "stack",
    name: "retention-within-limits",
    description:
        "Whenever Jaeger stores into Elasticsearch, a running index cleaner for that cluster and index prefix keeps 1 to maxRetentionDays days.",
    enforcementLevel: "mandatory",
    config: ["maxRetentionDays"],
    validateStack(resources, config) {
        const backends = esBackends(resources);
        if (backends.length === 0) return [];
        const all = cleaners(resources);
        if (all.length === 0) {
            return [
                {
                    message:
                        "Jaeger writes to Elasticsearch but no jaeger-es-index-cleaner CronJob deletes old indices. Keep the index cleaner (it follows tracing:retentionDays).",
                },
            ];
        }
        const out: Violation[] = [];
        // One message per CronJob, however many prefixes its containers clean.
        for (const cron of new Set(all.map((c) => c.cron))) {
            const mine = all.filter((c) => c.cron === cron);
            const outOfRange = mine.filter((c) => {
                const days = Number(c.days);
                return !/^[0-9]+$/.test(c.days) || days < 1 || days > config.maxRetentionDays;
            });
            if (outOfRange.length > 0) {
                const kept = [...new Set(outOfRange.map((c) => c.days))].join(", ");
                const prefixes = outOfRange.map((c) => `"${c.prefix}"`).join(", ");
                out.push(
                    at(
                        cron,
                        `${metadataName(cron)} keeps ${kept} days of traces; the limit is 1 to ${config.maxRetentionDays} (index prefix ${prefixes}). Lower tracing:retentionDays.`,
                    ),
                );
            }
            if (mine[0].suspended)
                out.push(
                    at(cron, `${metadataName(cron)} is suspended, so no index is ever deleted. Remove spec.suspend.`),
                );
        }
        for (const b of backends) {
            const covering = all.filter((c) => b.urls.includes(c.url) && c.prefix === b.prefix);
            if (covering.length === 0) {
                const cleaned = all.map((c) => `${c.url} (prefix "${c.prefix}")`).join(", ");
                out.push(
                    at(
                        b.configMap,
                        `Jaeger backend ${b.backend} in ${metadataName(b.configMap)} writes to ${b.urls.join(", ")} with index prefix "${b.prefix}", but the index cleaner only cleans ${cleaned}. Point the cleaner at Jaeger's Elasticsearch URL and INDEX_PREFIX.`,
                    ),
                );
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
                out.push(
                    `${metadataName(r)} claims ${String(size)} per volume (${text(obj(claim.metadata).name)}); the limit is ${config.maxStorageGi}Gi. Lower the size (e.g. tracing:elasticsearch.storageGi) or shorten retention.`,
                );
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
            .map(
                ([name]) =>
                    `Jaeger backend ${name} in ${metadataName(r)} keeps traces in memory without a cap. Set memory.max_traces.`,
            );
    },
};
