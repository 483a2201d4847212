import type { WorkloadLanguage } from "../stacks/schema";
import pinned from "../versions.json";

/**
 * Every image and chart this program deploys, pinned in `versions.json` (the one source of truth:
 * `scripts/install-tools.sh` builds the test binaries from the same file).
 */
export const versions = pinned;

const image = (ref: { image: string; version: string }, tagPrefix = ""): string => `${ref.image}:${tagPrefix}${ref.version}`;

export const images = {
    collector: image(pinned.collector),
    jaeger: image(pinned.jaeger),
    esIndexCleaner: image(pinned.esIndexCleaner),
    oauth2Proxy: image(pinned.oauth2Proxy, "v"),
    elasticsearch: image(pinned.elasticsearch),
} as const;

/** The language agents the Operator injects, per workload language. */
export const agentImages: Record<WorkloadLanguage, string> = {
    java: image(pinned.autoInstrumentation.java),
    nodejs: image(pinned.autoInstrumentation.nodejs),
    python: image(pinned.autoInstrumentation.python),
    dotnet: image(pinned.autoInstrumentation.dotnet),
    go: image(pinned.autoInstrumentation.go),
};
