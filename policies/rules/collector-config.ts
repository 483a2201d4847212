import { parse } from "yaml";
import { isKind, obj, type Json, type PolicyInput } from "../resource-view";

/** The YAML configuration a ConfigMap carries under config.yaml, parsed; null when it has none. */
export function configOf(r: PolicyInput): Json | null {
    if (!isKind(r, "ConfigMap")) return null;
    const text = obj(r.props.data)["config.yaml"];
    if (typeof text !== "string") return null;
    return parsedOnce(text);
}

/**
 * Five rules read each collector and Jaeger config, and parsing YAML is nearly all of what the pack
 * spends on a stack, so each text is parsed once. The result is frozen: rules share it.
 */
const parsed = new Map<string, Json | null>();
const parsedKept = 64;

function parsedOnce(text: string): Json | null {
    const hit = parsed.get(text);
    if (hit !== undefined) return hit;
    let config: Json | null;
    try {
        config = deepFreeze(obj(parse(text)));
    } catch {
        config = null;
    }
    if (parsed.size >= parsedKept) parsed.clear();
    parsed.set(text, config);
    return config;
}

function deepFreeze<T>(value: T): T {
    if (value !== null && typeof value === "object") {
        for (const inner of Object.values(value)) deepFreeze(inner);
        Object.freeze(value);
    }
    return value;
}

/** Jaeger storage backends of a Jaeger v2 config. */
export const jaegerBackends = (config: Json): Json => obj(obj(obj(config.extensions).jaeger_storage).backends);

/** A first-hop collector: receives OTLP from apps and hands spans on through load_balancing. */
export function isAgentConfig(r: PolicyInput, config: Json): boolean {
    const exporters = Object.keys(obj(config.exporters));
    const meta = obj(r.props.metadata);
    return (
        exporters.some((e) => e.split("/")[0] === "load_balancing") ||
        obj(meta.labels)["app.kubernetes.io/component"] === "collector-agent" ||
        meta.name === "otel-agent"
    );
}
