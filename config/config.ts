import { z } from "zod";
import { knownKeys, StackConfig, stackConfigSchema } from "./schema";

export const configNamespace = "tracing";

/** A configuration problem; `problems` holds one sentence per bad key, each naming the key. */
export class ConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(`invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

/**
 * Pulumi hands every config value over as a string; objects, lists, numbers and booleans are JSON.
 * A value that is not JSON stays a string, so the schema reports it as the wrong type with the text
 * the user typed.
 */
function decode(raw: string): unknown {
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

function describe(value: unknown): string {
    if (value === undefined) return "nothing";
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function keyPath(path: readonly PropertyKey[]): string {
    let out = `${configNamespace}:${String(path[0])}`;
    for (const part of path.slice(1)) out += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
    return out;
}

function valueAt(root: Record<string, unknown>, path: readonly PropertyKey[]): unknown {
    let node: unknown = root;
    for (const part of path) {
        if (node === null || typeof node !== "object") return undefined;
        node = (node as Record<PropertyKey, unknown>)[part];
    }
    return node;
}

function explain(issue: z.core.$ZodIssue, input: Record<string, unknown>): string {
    if (issue.code === "unrecognized_keys") {
        const where = issue.path.length === 0 ? null : keyPath(issue.path);
        return issue.keys
            .map((k) =>
                where === null
                    ? `${configNamespace}:${k} is not a known key (known keys: ${knownKeys.join(", ")})`
                    : `${where}.${k} is not a known setting of ${where}`,
            )
            .join("; ");
    }
    const key = keyPath(issue.path);
    return `${key} must be ${issue.message}, got ${describe(valueAt(input, issue.path))}`;
}

/**
 * Parses the `tracing:*` keys of a stack (full keys as Pulumi stores them, e.g. `tracing:retentionDays`)
 * into the typed configuration, or throws a ConfigError naming every bad key. Keys of other
 * namespaces (`kubernetes:context`, ...) are not ours and are left alone.
 */
export function parseStackConfig(raw: Record<string, string>): StackConfig {
    const input: Record<string, unknown> = {};
    for (const [fullKey, value] of Object.entries(raw)) {
        const [ns, ...rest] = fullKey.split(":");
        if (ns !== configNamespace) continue;
        input[rest.join(":")] = decode(value);
    }
    const result = stackConfigSchema.safeParse(input);
    if (!result.success) throw new ConfigError(result.error.issues.map((i) => explain(i, input)));
    return result.data;
}
