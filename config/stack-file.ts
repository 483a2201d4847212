import { readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";

/** Where the Pulumi CLI looks for a stack's settings unless `--config-file` names another file. */
export const stackFilePath = (projectDir: string, stack: string): string => join(projectDir, `Pulumi.${stack}.yaml`);

/**
 * Reads `Pulumi.<stack>.yaml` into the flat string map Pulumi hands a program: scalars as text,
 * objects and lists as JSON. Encrypted (`secure:`) values cannot be decrypted without the CLI, so
 * they become a recognisable placeholder.
 */
export function readStackFile(projectDir: string, stack: string): Record<string, string> {
    return readStackFileAt(stackFilePath(projectDir, stack));
}

/** A stack file at any path, as `pulumi --config-file` takes one. */
export function readStackFileAt(file: string): Record<string, string> {
    const doc: unknown = parse(readFileSync(file, "utf8"));
    const config = doc !== null && typeof doc === "object" && "config" in doc ? doc.config : {};
    if (config === null || typeof config !== "object") return {};
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
        const plain = replaceSecrets(value, key);
        out[key] = typeof plain === "string" ? plain : JSON.stringify(plain);
    }
    return out;
}

export const secretPlaceholder = (key: string): string =>
    `placeholder-secret-for-${key.replace(/[^A-Za-z0-9]+/g, "-")}`;

function isSecure(value: unknown): value is { secure: string } {
    return value !== null && typeof value === "object" && Object.keys(value).length === 1 && "secure" in value;
}

function replaceSecrets(value: unknown, path: string): unknown {
    if (isSecure(value)) return secretPlaceholder(path);
    if (Array.isArray(value)) return value.map((v, i) => replaceSecrets(v, `${path}[${i}]`));
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSecrets(v, `${path}.${k}`)]));
    }
    return value;
}
