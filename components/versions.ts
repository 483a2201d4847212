import type { WorkloadLanguage } from "../config/schema";
import pinned from "../versions.json";

/**
 * Every image and chart this program deploys, pinned in `versions.json` (the one source of truth:
 * `scripts/install-tools.sh` builds the test binaries from the same file).
 */
export const versions = pinned;

const image = (ref: { image: string; version: string }, tagPrefix = ""): string =>
    `${ref.image}:${tagPrefix}${ref.version}`;

/**
 * An image pulled through a registry mirror: `<mirror>/<repository path>:<tag>`, the upstream
 * registry host dropped (`quay.io/oauth2-proxy/oauth2-proxy:v7.15.4` → `<mirror>/oauth2-proxy/oauth2-proxy:v7.15.4`;
 * Docker Hub's `otel/...` stays `otel/...`), as pull-through caches lay them out.
 */
export function mirrored(ref: string, mirror: string | undefined): string {
    if (mirror === undefined) return ref;
    const [first, ...rest] = ref.split("/");
    const hasHost = rest.length > 0 && (first.includes(".") || first.includes(":") || first === "localhost");
    return `${mirror.replace(/\/+$/, "")}/${hasHost ? rest.join("/") : ref}`;
}

export interface PlatformImages {
    collector: string;
    jaeger: string;
    esIndexCleaner: string;
    oauth2Proxy: string;
    elasticsearch: string;
    /** The language agents the Operator injects, per workload language. */
    agents: Record<WorkloadLanguage, string>;
}

/** The images of everything deployed, through `mirror` when one is configured (tracing:imageRegistry). */
export function platformImages(mirror?: string): PlatformImages {
    const at = (ref: string): string => mirrored(ref, mirror);
    const agent = pinned.autoInstrumentation;
    return {
        collector: at(image(pinned.collector)),
        jaeger: at(image(pinned.jaeger)),
        esIndexCleaner: at(image(pinned.esIndexCleaner)),
        oauth2Proxy: at(image(pinned.oauth2Proxy, "v")),
        elasticsearch: at(image(pinned.elasticsearch)),
        agents: {
            java: at(image(agent.java)),
            nodejs: at(image(agent.nodejs)),
            python: at(image(agent.python)),
            dotnet: at(image(agent.dotnet)),
            go: at(image(agent.go)),
        },
    };
}

/** The upstream images (no mirror). */
export const images = platformImages();
export const agentImages = images.agents;
