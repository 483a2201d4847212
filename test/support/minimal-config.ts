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

export const requiredConfig: Record<string, string> = {
    // existingSecret can only be in a namespace that exists before the first deploy.
    "tracing:createNamespace": "false",
    "tracing:sso": JSON.stringify(ssoConfig),
    "tracing:exposure": JSON.stringify(exposureConfig),
};
