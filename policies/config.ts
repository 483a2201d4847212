/**
 * The policy pack's settings. Each policy declares the settings it reads (they become its
 * configSchema); `pulumi preview --policy-pack-config FILE` and `npm run check -- --policy-config
 * FILE` take the same file: `{ "<policy name>": { "<setting>": value, "enforcementLevel"?: level } }`,
 * `{ "<policy name>": "<level>" }`, and `{ "all": "<level>" }` for every policy.
 */
export interface PackConfig {
    maxRetentionDays: number;
    allowedIngressClasses: string[];
    allowedSourceRanges: string[];
    /** Annotations a controller of yours enforces source ranges from, besides the ones the pack knows. */
    sourceRangeAnnotations: string[];
    maxStorageGi: number;
    /** Namespaces of the ingress controllers (or Gateways) that may reach the SSO proxy. */
    ingressControllerNamespaces: string[];
}

export const defaultConfig: PackConfig = {
    maxRetentionDays: 30,
    allowedIngressClasses: ["nginx-internal", "internal", "traefik-internal"],
    // Private and carrier-grade NAT ranges only: the UI must never answer the Internet.
    allowedSourceRanges: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"],
    sourceRangeAnnotations: [],
    maxStorageGi: 500,
    ingressControllerNamespaces: ["ingress-internal"],
};

export type ConfigKey = keyof PackConfig;

/** An IPv4 CIDR, as JSON schema (and so the Pulumi CLI) checks it. */
const cidrPattern = "^([0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}$";

interface SettingSchema {
    type: "integer" | "array";
    description: string;
    default: unknown;
    minimum?: number;
    items?: { type: "string"; pattern?: string };
}

/** JSON schema of each setting, as @pulumi/policy's configSchema wants it. */
export const configSchemaProperties: Record<ConfigKey, SettingSchema> = {
    maxRetentionDays: {
        type: "integer",
        minimum: 1,
        default: defaultConfig.maxRetentionDays,
        description: "Most days of traces the index cleaner may keep.",
    },
    allowedIngressClasses: {
        type: "array",
        items: { type: "string" },
        default: defaultConfig.allowedIngressClasses,
        description: "Ingress classes that are internal (never reachable from the Internet).",
    },
    allowedSourceRanges: {
        type: "array",
        items: { type: "string", pattern: cidrPattern },
        default: defaultConfig.allowedSourceRanges,
        description: "IPv4 CIDRs every source-range allowlist must stay inside.",
    },
    sourceRangeAnnotations: {
        type: "array",
        items: { type: "string" },
        default: defaultConfig.sourceRangeAnnotations,
        description:
            "Annotations your own ingress controller enforces source ranges from (HAProxy's and ingress-nginx's are known).",
    },
    maxStorageGi: {
        type: "integer",
        minimum: 1,
        default: defaultConfig.maxStorageGi,
        description: "Largest volume claim, in GiB, per claim (not summed).",
    },
    ingressControllerNamespaces: {
        type: "array",
        items: { type: "string" },
        default: defaultConfig.ingressControllerNamespaces,
        description:
            "Namespaces of the ingress controllers or Gateways in front of the UI: the only sources the SSO proxy's NetworkPolicy may admit (tracing:exposure.controllerNamespace).",
    },
};

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
const levels: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** A policy pack config file, as parsed JSON. */
export type PolicyOverrides = Record<string, unknown>;

/** What a policy runs with once defaults, `all` and its own entry are applied. */
export interface PolicySettings {
    enforcementLevel: EnforcementLevel;
    config: PackConfig;
}

/** The policy metadata the config is reconciled against (the rules, or the pack's policies). */
export interface PolicyMeta {
    name: string;
    enforcementLevel: "advisory" | "mandatory";
    config?: ConfigKey[];
}

export class PolicyConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(`invalid policy config:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function settingProblem(key: ConfigKey, value: unknown): string | null {
    const schema = configSchemaProperties[key];
    if (schema.type === "integer") {
        if (typeof value !== "number" || !Number.isInteger(value))
            return `must be an integer, got ${JSON.stringify(value)}`;
        if (schema.minimum !== undefined && value < schema.minimum)
            return `must be at least ${schema.minimum}, got ${value}`;
        return null;
    }
    if (!Array.isArray(value)) return `must be an array of strings, got ${JSON.stringify(value)}`;
    for (const item of value) {
        if (typeof item !== "string") return `must be an array of strings, got the item ${JSON.stringify(item)}`;
        if (schema.items?.pattern !== undefined && !new RegExp(schema.items.pattern).test(item))
            return `items must be IPv4 CIDRs like 10.0.0.0/8, got ${JSON.stringify(item)}`;
    }
    return null;
}

/**
 * Reconciles a policy pack config file with the policies the way the Pulumi CLI does (schema
 * defaults, then `all`, then each policy's own entry; settings checked against the schema). Unlike
 * the CLI, which ignores them, an unknown policy name or a setting the policy does not declare is an
 * error here: a typo must not silently leave a default in force.
 */
export function reconcile(overrides: unknown, policies: PolicyMeta[]): Map<string, PolicySettings> {
    const problems: string[] = [];
    const out = new Map<string, PolicySettings>(
        policies.map((p) => [p.name, { enforcementLevel: p.enforcementLevel, config: { ...defaultConfig } }]),
    );
    if (!isObject(overrides)) throw new PolicyConfigError(["the file must hold a JSON object keyed by policy name"]);
    const names = policies.map((p) => p.name);
    const levelOf = (where: string, v: unknown): EnforcementLevel | undefined => {
        if (levels.includes(v as EnforcementLevel)) return v as EnforcementLevel;
        problems.push(`${where}: ${JSON.stringify(v)} is not an enforcement level (${levels.join(", ")})`);
        return undefined;
    };

    const all = overrides.all;
    if (all !== undefined) {
        if (isObject(all) && Object.keys(all).some((k) => k !== "enforcementLevel"))
            problems.push("all: takes only an enforcement level");
        const level = levelOf("all", isObject(all) ? all.enforcementLevel : all);
        if (level !== undefined) for (const s of out.values()) s.enforcementLevel = level;
    }

    for (const [name, entry] of Object.entries(overrides)) {
        if (name === "all") continue;
        const policy = policies.find((p) => p.name === name);
        const settings = out.get(name);
        if (policy === undefined || settings === undefined) {
            problems.push(`${name}: no such policy in the pack (policies: ${names.join(", ")})`);
            continue;
        }
        if (typeof entry === "string") {
            const level = levelOf(name, entry);
            if (level !== undefined) settings.enforcementLevel = level;
            continue;
        }
        if (!isObject(entry)) {
            problems.push(`${name}: must be an enforcement level or an object of settings`);
            continue;
        }
        for (const [key, value] of Object.entries(entry)) {
            if (key === "enforcementLevel") {
                const level = levelOf(`${name}.enforcementLevel`, value);
                if (level !== undefined) settings.enforcementLevel = level;
                continue;
            }
            const declared = policy.config ?? [];
            if (!declared.includes(key as ConfigKey)) {
                problems.push(
                    `${name}.${key}: not a setting of this policy (${declared.length === 0 ? "it has none" : `its settings: ${declared.join(", ")}`})`,
                );
                continue;
            }
            const problem = settingProblem(key as ConfigKey, value);
            if (problem !== null) problems.push(`${name}.${key}: ${problem}`);
            else (settings.config as unknown as Record<string, unknown>)[key] = value;
        }
    }
    if (problems.length > 0) throw new PolicyConfigError(problems);
    return out;
}
