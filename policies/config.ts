/**
 * The policy pack's settings. Each policy declares the settings it reads; `pulumi preview
 * --policy-pack-config FILE` and `npm run check -- --policy-config FILE` take the same file:
 * `{ "<policy name>": { "<setting>": value } }`.
 */
export interface PackConfig {
    maxRetentionDays: number;
    allowedIngressClasses: string[];
    allowedSourceRanges: string[];
    maxStorageGi: number;
}

export const defaultConfig: PackConfig = {
    maxRetentionDays: 30,
    allowedIngressClasses: ["nginx-internal", "internal", "traefik-internal"],
    // Private and carrier-grade NAT ranges only: the UI must never answer the Internet.
    allowedSourceRanges: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"],
    maxStorageGi: 500,
};

export type ConfigKey = keyof PackConfig;

/** JSON schema of each setting, as @pulumi/policy's configSchema wants it. */
export const configSchemaProperties: Record<ConfigKey, { type: "integer" | "array"; default: unknown; minimum?: number; items?: { type: "string" } }> = {
    maxRetentionDays: { type: "integer", minimum: 1, default: defaultConfig.maxRetentionDays },
    allowedIngressClasses: { type: "array", items: { type: "string" }, default: defaultConfig.allowedIngressClasses },
    allowedSourceRanges: { type: "array", items: { type: "string" }, default: defaultConfig.allowedSourceRanges },
    maxStorageGi: { type: "integer", minimum: 1, default: defaultConfig.maxStorageGi },
};

/** Per-policy overrides, as in a policy pack config file. */
export type PolicyOverrides = Record<string, Partial<PackConfig> | string>;

export function configFor(policy: string, overrides: PolicyOverrides): PackConfig {
    const own = overrides[policy];
    return { ...defaultConfig, ...(typeof own === "object" ? own : {}) };
}
