import { stringify } from "yaml";

/**
 * YAML for Go programs. The collector and Jaeger read YAML 1.1, where an unquoted 2006-01-02 is a
 * timestamp and on/yes are booleans; emitting in 1.1 style quotes every such string.
 */
export function toGoYaml(value: unknown): string {
    return stringify(value, { version: "1.1", lineWidth: 0 });
}
