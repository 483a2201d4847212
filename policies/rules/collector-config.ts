import { parse } from "yaml";
import { isKind, obj, type Json, type PolicyInput } from "../resource-view";

/** The YAML configuration a ConfigMap carries under config.yaml, parsed; null when it has none. */
export function configOf(r: PolicyInput): Json | null {
    if (!isKind(r, "ConfigMap")) return null;
    const text = obj(r.props.data)["config.yaml"];
    if (typeof text !== "string") return null;
    try {
        return obj(parse(text));
    } catch {
        return null;
    }
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
