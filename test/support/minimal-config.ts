/** The keys without defaults (SSO and exposure cannot be defaulted away), for config variants in tests. */
export const ssoConfig = {
    issuerUrl: "https://sso.example.internal/realms/corp",
    clientId: "tracing",
    existingSecret: "tracing-sso-client",
    emailDomains: ["jewellery.example"],
    providerRanges: ["10.20.0.0/24"],
    // A private domain: the IdP's CA must be given.
    providerCa: { configMap: "corporate-ca-bundle", key: "ca.crt" },
};

export const exposureConfig = {
    host: "tracing.example.internal",
    sourceRanges: ["10.8.0.0/16"],
    proxyRanges: ["10.244.0.0/16"],
};

export const networkConfig = { apiServerRanges: ["10.0.0.0/28"] };

/** The keys a stack must set, as values in a stack file. */
export const requiredValues = {
    // existingSecret can only be in a namespace that exists before the first deploy.
    "tracing:createNamespace": false,
    "tracing:sso": ssoConfig,
    "tracing:exposure": exposureConfig,
    "tracing:network": networkConfig,
};

/** The same as Pulumi hands them to a program: strings, objects as JSON. */
export const requiredConfig: Record<string, string> = Object.fromEntries(
    Object.entries(requiredValues).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
);
