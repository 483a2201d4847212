import { z } from "zod";
import { viewIndexesOverlap, viewIndexPrefix } from "./views";

/**
 * The stack configuration contract (`tracing:*` keys). Every field carries the sentence that
 * describes what is allowed, so an error can say `tracing:KEY must be <allowed>, got <value>`.
 */

/** A string matching `re`; wrong type and mismatch both answer with `allowed`, what the key takes. */
const pattern = (re: RegExp, allowed: string) => z.string({ error: allowed }).regex(re, { error: allowed });

const dnsLabel = pattern(
    /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    "a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)",
);

const intRange = (min: number, max: number) =>
    z
        .int({ error: `an integer from ${min} to ${max}` })
        .min(min, { error: `an integer from ${min} to ${max}` })
        .max(max, {
            error: `an integer from ${min} to ${max}`,
        });

const numberRange = (min: number, max: number) =>
    z
        .number({ error: `a number from ${min} to ${max}` })
        .min(min, { error: `a number from ${min} to ${max}` })
        .max(max, {
            error: `a number from ${min} to ${max}`,
        });

const bool = z.boolean({ error: "true or false" });

/** HTTP header names as agents capture them: lower-case tokens. */
const headerName = pattern(/^[a-z0-9][a-z0-9-]*$/, "a lower-case HTTP header name such as x-order-id");

/**
 * Masks run in the collector, which uses Go's RE2: no look-around and no back-references.
 * The JavaScript compile check catches syntax errors; the RE2 check catches what Go would reject.
 */
const re2Pattern = z
    .string({ error: "a regular expression" })
    .min(1, { error: "a non-empty regular expression" })
    .refine(
        (p) => {
            try {
                new RegExp(p);
                return true;
            } catch {
                return false;
            }
        },
        { error: "a valid regular expression" },
    )
    .refine((p) => !/\(\?<?[=!]|\\[1-9]/.test(p), {
        error: "an RE2 regular expression (no look-around or back-references: the collector is written in Go)",
    });

/** A pattern with an RE2 named group `id`; JavaScript spells `(?P<id>` as `(?<id>`, so it is checked in that form. */
const orderIdPathPattern = z
    .string({ error: "an RE2 pattern with a capture group named id" })
    .refine((p) => p.includes("(?P<id>"), {
        error: "an RE2 pattern with a capture group named id, such as /orders/(?P<id>[0-9A-Za-z-]+)",
    })
    .refine(
        (p) => {
            try {
                new RegExp(p.replace(/\(\?P</g, "(?<"));
                return true;
            } catch {
                return false;
            }
        },
        { error: "a valid regular expression" },
    );

// YAML turns `cpu: 1` into a number; Kubernetes reads both forms.
const quantity = z.preprocess(
    (v) => (typeof v === "number" ? String(v) : v),
    pattern(/^[0-9]+(\.[0-9]+)?(m|Mi|Gi|Ki)?$/, "a Kubernetes quantity such as 500m, 256Mi or 1Gi"),
);

export const workloadLanguages = ["java", "nodejs", "python", "dotnet", "go"] as const;

const workload = z
    .strictObject({
        name: dnsLabel,
        namespace: dnsLabel,
        language: z.enum(workloadLanguages, { error: `one of ${workloadLanguages.join(", ")}` }),
        containers: z.array(dnsLabel).min(1, { error: "a non-empty list of container names" }).optional(),
        /** Go auto-instrumentation is eBPF-based and must be told which executable to attach to. */
        goTargetExecutable: z
            .string()
            .startsWith("/", { error: "an absolute path to the Go executable in the container" })
            .optional(),
        /**
         * Roll the Deployment when the Instrumentation's settings change (the Operator injects only at pod
         * start); off, the app gets them at its next restart of its own.
         */
        restartOnChange: bool.default(false),
    })
    .refine((w) => w.language !== "go" || w.goTargetExecutable !== undefined, {
        error: "the absolute path of the Go executable (required for language go: the Operator's eBPF agent attaches to it)",
        path: ["goTargetExecutable"],
    });

/** Separators people and encoders put between the digits of a number: space, ( ) + -, %20 %28 %29. */
const digitSeparator = "(?:[ ()+-]|%20|%2[89])";
/** Between a card's digit groups: space, dash, and a space form-encoded (+, %20). */
const cardSeparator = "(?:[ +-]|%20)";

/**
 * The masks applied when `tracing:pii.masks` is not set, in the order they apply (a URL's credentials
 * before the e-mail-like `password@host` inside them). `clues` says what every match contains; see
 * the schema below. The shapes each one catches and leaves alone are in the README ("Personal data").
 */
export const defaultPiiMasks = [
    // user:password@ in a URL: the user name may be a person's, the password is a secret.
    { name: "url-credentials", pattern: "//[^/\\s:@]+:[^/\\s@]*@", clues: { text: ["@"] } },
    // URL-encoded forms too (%40): HTTP agents record query strings as sent.
    {
        name: "email",
        pattern: "[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9.-]+\\.[A-Za-z]{2,}",
        clues: { text: ["@", "%40"] },
    },
    // International with + (or %2B), 10 to 15 digits; Russian domestic: 7 or 8 and ten digits, as a whole number.
    {
        name: "phone",
        pattern: `(?:\\+|%2B)[0-9](?:${digitSeparator}{0,2}[0-9]){9,14}|\\b[78](?:${digitSeparator}{0,2}[0-9]){10}\\b`,
        clues: { digits: 10 },
    },
    // Payment card: issuer digit 2-6 (Mir, Mastercard, Amex, JCB, Diners, Visa, Discover, UnionPay,
    // Maestro), 13 to 19 digits as a whole number, unbroken or grouped as cards print them (4-4-4-4,
    // 4-4-4-4-3, Amex 4-6-5, Diners 4-6-4): a UUID's digit groups (8-4-4-4-12) never fit.
    {
        name: "card",
        pattern: `\\b[2-6][0-9]{12,18}\\b|\\b[2-6][0-9]{3}${cardSeparator}(?:[0-9]{4}${cardSeparator}[0-9]{4}${cardSeparator}[0-9]{1,4}(?:${cardSeparator}[0-9]{1,3})?|[0-9]{6}${cardSeparator}[0-9]{4,5})\\b`,
        clues: { digits: 13 },
    },
] as const;

export const defaultPiiDeleteKeys = [
    "user.email",
    "user.full_name",
    "user.phone",
    "enduser.email",
    "customer.email",
    "customer.phone",
    "customer.name",
    "http.request.header.authorization",
    "http.request.header.cookie",
    "http.response.header.set-cookie",
] as const;

export const clientAddressModes = ["truncate", "drop", "keep"] as const;

const maskClues = z
    .strictObject({
        /** Every match contains one of these strings, */
        text: z
            .array(z.string({ error: "a non-empty string" }).min(1, { error: "a non-empty string" }))
            .min(1, { error: "a non-empty list of strings" })
            .optional(),
        /** or at least this many ASCII digits. */
        digits: intRange(1, 64).optional(),
    })
    .refine((c) => c.text !== undefined || c.digits !== undefined, {
        error: "text (strings every match contains) or digits (how many digits every match has at least), or both",
    });

const pii = z.strictObject({
    deleteKeys: z
        .array(z.string({ error: "an attribute key" }).min(1, { error: "a non-empty attribute key" }))
        .min(1, {
            error: "a non-empty list of attribute keys (the collector's attributes processor needs at least one action)",
        })
        .default([...defaultPiiDeleteKeys]),
    masks: z
        .array(
            z.strictObject({
                name: dnsLabel,
                pattern: re2Pattern,
                /**
                 * What every match of `pattern` contains. When every mask has clues, a value holding none of them
                 * is not scanned at all (the agent's main saving); a mask without clues makes every value scanned.
                 */
                clues: maskClues.optional(),
            }),
        )
        .min(1, { error: "a non-empty list of masks (personal data must be scrubbed)" })
        .refine((masks) => new Set(masks.map((m) => m.name)).size === masks.length, {
            error: "masks with distinct names",
        })
        .default(
            defaultPiiMasks.map((m) => ({
                name: m.name,
                pattern: m.pattern,
                clues: "text" in m.clues ? { text: [...m.clues.text] } : { digits: m.clues.digits },
            })),
        ),
    /** What the redaction processor records about what it removed: `silent` keeps even that out of storage. */
    summary: z.enum(["silent", "info", "debug"], { error: "one of silent, info, debug" }).default("info"),
    /**
     * The customer's network address on server spans (client.address, http.client_ip, the peer address,
     * forwarded-for headers): `truncate` keeps the network (IPv4 /24, IPv6 /48), `drop` removes it,
     * `keep` stores it as sent. Peer addresses of client spans (databases, RabbitMQ) always stay.
     */
    clientAddress: z.enum(clientAddressModes, { error: `one of ${clientAddressModes.join(", ")}` }).default("truncate"),
});

const sampling = z.strictObject({
    /** Share of ordinary (fast, successful) traces the gateway keeps. */
    percent: numberRange(0, 100).default(100),
    keepErrors: bool.default(true),
    slowTraceMs: intRange(1, 600000).default(2000),
    /**
     * Head sampling in the SDKs. Anything dropped here never reaches tail sampling, so errors in it are
     * lost too: keep 100 unless the volume cannot be carried to the gateway.
     */
    headPercent: numberRange(0, 100).default(100),
    decisionWaitSeconds: intRange(1, 120).default(10),
});

export const exportCompressions = ["none", "snappy", "zstd", "gzip"] as const;

/**
 * The agent's container memory bounds. memory_limiter holds the heap, not the binary and the runtime
 * around it: in a burst into a stalled gateway the real agent peaked at 144 MiB RSS in a 128 MiB
 * limit (an OOM kill in a pod), 179 of 192 and 226 of 256 (test/e2e/memory-limit.test.ts).
 */
export const agentMemoryMiB = { min: 256, max: 8192 } as const;

const agent = z.strictObject({
    cpu: quantity.default("200m"),
    memoryMiB: intRange(agentMemoryMiB.min, agentMemoryMiB.max).default(512),
    /**
     * Compression of the agent's export to the gateway, inside the cluster. gzip (the collector's own
     * default) was a sixth of the agent's CPU in its profile (docs/performance.md) for bandwidth a
     * cluster network does not miss; zstd or snappy where nodes talk across paid links.
     */
    exportCompression: z.enum(exportCompressions, { error: `one of ${exportCompressions.join(", ")}` }).default("none"),
});

const gateway = z.strictObject({
    replicas: intRange(1, 20).default(1),
    cpu: quantity.default("500m"),
    memoryMiB: intRange(256, 32768).default(1024),
    queueStorageGi: intRange(1, 100).default(2),
    /** Until Jaeger is deployed by this program an external OTLP/gRPC endpoint can be named. */
    exportEndpoint: pattern(/^[a-z0-9.-]+:[0-9]{1,5}$/, "host:port of an OTLP/gRPC endpoint").optional(),
});

const collector = z.strictObject({
    agent: agent.default(agent.parse({})),
    gateway: gateway.default(gateway.parse({})),
});

const tls = z
    .strictObject({
        /** Install cert-manager with this program (off when the cluster already runs it). */
        installCertManager: bool.default(true),
        /** Use this existing ClusterIssuer (e.g. the corporate CA) instead of the internal CA chain. */
        clusterIssuer: dnsLabel.optional(),
    })
    // An existing ClusterIssuer belongs to a cert-manager that already runs: installing a second one
    // fails on the CRDs' ownership, and a fresh one has no such issuer, so certificates never issue.
    .refine((t) => !(t.installCertManager && t.clusterIssuer !== undefined), {
        error: "unset while tracing:tls.installCertManager is true (an existing ClusterIssuer lives in the cert-manager already running, and installing a second one fails on its CRDs): set tracing:tls.installCertManager to false, or drop clusterIssuer to use the internal CA",
        path: ["clusterIssuer"],
    });

/** Where a Helm chart comes from when not from its upstream repository: a mirror of the repository, or an OCI registry. */
const chartSource = z
    .strictObject(
        {
            repo: pattern(/^https:\/\/[^\s/]+(\/[^\s]*)?$/, "an https:// Helm repository URL").optional(),
            oci: pattern(
                /^oci:\/\/[^\s/]+\/[^\s]+$/,
                "an OCI chart reference such as oci://registry.corp.internal/charts/cert-manager",
            ).optional(),
        },
        { error: "an object with repo (a Helm repository mirror) or oci (an OCI chart reference)" },
    )
    .refine((c) => (c.repo === undefined) !== (c.oci === undefined), { error: "exactly one of repo and oci" });

const charts = z.strictObject({
    certManager: chartSource.optional(),
    otelOperator: chartSource.optional(),
});

const operator = z.strictObject({
    /** Install the OpenTelemetry Operator chart (off when the cluster already runs the Operator and its webhook). */
    install: bool.default(true),
    /**
     * Fail makes pod creation in instrumented namespaces wait for the Operator's webhook; Ignore (the
     * upstream default) lets pods start uninstrumented when the webhook is down.
     */
    webhookFailurePolicy: z.enum(["Fail", "Ignore"], { error: "Fail or Ignore" }).default("Ignore"),
});

/** Kubernetes label keys and values, as selectors match them. */
const labelMap = z.record(
    pattern(
        /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
        "a Kubernetes label key such as release",
    ),
    pattern(
        /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/,
        "a Kubernetes label value (at most 63 letters, digits, '-', '_' or '.')",
    ),
    { error: "a map of Kubernetes labels such as { release: kube-prometheus-stack }" },
);

const monitoring = z
    .strictObject({
        /**
         * The namespace of the Prometheus that scrapes the platform: the only peer our metrics ports
         * answer. Without it nothing may scrape them.
         */
        prometheusNamespace: dnsLabel.optional(),
        /** Render PodMonitors and a PrometheusRule (the prometheus-operator CRDs, as kube-prometheus-stack installs them, must exist). */
        prometheusOperator: bool.default(false),
        /** Labels your Prometheus selects monitors and rules by (kube-prometheus-stack: release: <its release name>). */
        selectorLabels: labelMap.default({}),
        /** Prometheus' HTTP API, for Jaeger's Monitor tab (SPM); the tab is off without it. */
        prometheusUrl: pattern(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, "an http:// or https:// URL").optional(),
        /** Messages published and not consumed for this long raise MessagesPublishedNotConsumed. */
        unconsumedAfterMinutes: intRange(1, 1440).default(10),
        /** The share of failed server and consumer spans of one operation that raises OrderFlowErrors. */
        errorRatio: numberRange(0.001, 1).default(0.05),
        /** Provision the Grafana dashboard as a ConfigMap for Grafana's dashboard sidecar (label grafana_dashboard: "1"). */
        grafanaDashboard: bool.default(false),
        /** The namespace the sidecar watches; the platform's namespace when unset. */
        grafanaDashboardNamespace: dnsLabel.optional(),
        /**
         * Provision a Jaeger data source per view for Grafana's datasource sidecar (label
         * grafana_datasource: "1"), each in its view's organisation; Grafana runs in
         * grafanaDashboardNamespace, the only namespace let through to the query services.
         */
        grafanaDatasources: bool.default(false),
        /** The Grafana organisation of the all view's data source (DevOps, Support); 1 is Grafana's Main Org. */
        grafanaOrgId: intRange(1, 1000000).default(1),
    })
    .refine((m) => m.prometheusUrl === undefined || m.prometheusNamespace !== undefined, {
        error: "prometheusNamespace set when prometheusUrl is (Jaeger's Monitor tab queries that Prometheus: the NetworkPolicies let Jaeger reach only its namespace)",
        path: ["prometheusNamespace"],
    })
    .refine((m) => !m.grafanaDatasources || m.grafanaDashboardNamespace !== undefined, {
        error: "Grafana's namespace, set when grafanaDatasources is true (its data sources query Jaeger directly: the NetworkPolicies let only that namespace reach the query services)",
        path: ["grafanaDashboardNamespace"],
    })
    .refine((m) => !m.prometheusOperator || m.prometheusNamespace !== undefined, {
        error: "prometheusNamespace set when prometheusOperator is true (the namespace of the Prometheus that scrapes the platform: the NetworkPolicies let only it in)",
        path: ["prometheusNamespace"],
    });

const cidr = pattern(
    /^(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}\/([0-9]|[12][0-9]|3[0-2])$/,
    "an IPv4 CIDR such as 10.8.0.0/16",
);
const cidrList = z
    .array(cidr, { error: "a non-empty list of IPv4 CIDRs" })
    .min(1, { error: "a non-empty list of IPv4 CIDRs" });

const hostname = pattern(
    /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    "a fully qualified host name such as tracing.corp.internal",
);

const httpsUrl = pattern(/^https:\/\/[^\s/]+(\/[^\s]*)?$/, "an https:// URL");

const indexSettings = {
    indexPrefix: dnsLabel.default("jaeger"),
    /** Primary shards of each daily index; the upstream default of 5 is far too many for a small cluster. */
    shards: intRange(1, 20).default(1),
    replicas: intRange(0, 5).default(0),
};

const elasticsearchInCluster = z
    .strictObject({
        mode: z.literal("in-cluster"),
        nodes: intRange(1, 9).default(1),
        storageGi: intRange(1, 10000).default(20),
        storageClass: dnsLabel.optional(),
        cpu: quantity.default("1"),
        memoryMiB: intRange(1024, 65536).default(2048),
        ...indexSettings,
    })
    .refine((es) => es.nodes !== 2, {
        error: "1 or at least 3 (two master-eligible nodes cannot elect a master when one is down)",
        path: ["nodes"],
    })
    .refine((es) => es.replicas < es.nodes, {
        error: "less than the number of nodes (a replica never shares a node with its primary)",
        path: ["replicas"],
    });

const elasticsearchExternal = z.strictObject({
    mode: z.literal("external"),
    url: httpsUrl,
    /** Existing Secret in the platform namespace with keys `username` and `password` (e.g. synced from Vault). */
    credentialsSecret: dnsLabel,
    /** Existing Secret with key `ca.crt` when the cluster's certificate is not publicly trusted. */
    caSecret: dnsLabel.optional(),
    /** Where the external cluster is, for the egress NetworkPolicy. */
    egressRanges: cidrList,
    ...indexSettings,
});

const elasticsearch = z.discriminatedUnion("mode", [elasticsearchInCluster, elasticsearchExternal], {
    error: "an object whose mode is in-cluster or external",
});

const jaeger = z.strictObject({
    /** `combined`: one Deployment serves collector and query (dev); `split`: separate Deployments (prod). */
    roles: z.enum(["combined", "split"], { error: "combined or split" }).default("combined"),
    collectorReplicas: intRange(1, 20).default(1),
    queryReplicas: intRange(1, 20).default(1),
    cpu: quantity.default("500m"),
    memoryMiB: intRange(128, 16384).default(512),
});

/** Host names no public CA signs for (RFC 6762, 8375, ICANN's .internal), so the IdP needs our CA. */
const privateSuffixes = [".internal", ".local", ".lan", ".corp", ".home.arpa", ".intranet", ".private"];
const privateDomain = (url: string): boolean => {
    try {
        const host = new URL(url).hostname;
        return privateSuffixes.some((suffix) => host.endsWith(suffix)) || /^[0-9.]+$/.test(host);
    } catch {
        return false;
    }
};

const sso = z
    .strictObject(
        {
            issuerUrl: httpsUrl,
            clientId: z.string({ error: "a non-empty OIDC client id" }).min(1, { error: "a non-empty OIDC client id" }),
            /** Set with `pulumi config set --secret --path tracing:sso.clientSecret ...`. */
            clientSecret: z
                .string({ error: "a non-empty client secret" })
                .min(1, { error: "a non-empty client secret" })
                .optional(),
            /** Or an existing Secret (e.g. synced from Vault) in the platform namespace with key `client-secret`. */
            existingSecret: dnsLabel.optional(),
            allowedGroups: z
                .array(z.string().min(1))
                .min(1, { error: "a non-empty list of groups (the roles allowed in)" })
                .default(["tracing-developers", "tracing-support", "tracing-devops"]),
            emailDomains: z
                .array(pattern(/^[a-z0-9.-]+\.[a-z]{2,}$/, "an e-mail domain such as jewellery.example (not *)"))
                .min(1, { error: "a non-empty list of e-mail domains" }),
            groupsClaim: z.string().min(1).default("groups"),
            scope: z.string().min(1).default("openid email profile groups"),
            cookieSameSite: z.enum(["lax", "strict"], { error: "lax or strict" }).default("lax"),
            cookieExpire: pattern(/^[0-9]+(h|m)$/, "a duration in hours or minutes such as 8h").default("8h"),
            replicas: intRange(1, 10).default(1),
            /** Where the identity provider is, for the egress NetworkPolicy. */
            providerRanges: cidrList,
            /**
             * The CA that signed the IdP's certificate, from a ConfigMap in the platform namespace (e.g. the
             * corporate CA bundle trust-manager distributes): oauth2-proxy's image trusts public roots only.
             */
            providerCa: z
                .strictObject(
                    {
                        configMap: dnsLabel,
                        key: pattern(/^[-._a-zA-Z0-9]+$/, "a ConfigMap key such as ca.crt").default("ca.crt"),
                    },
                    { error: "an object { configMap, key } naming the ConfigMap with the IdP's CA bundle" },
                )
                .optional(),
        },
        {
            error: "an object with issuerUrl, clientId, clientSecret or existingSecret, emailDomains and providerRanges (SSO cannot be turned off)",
        },
    )
    .refine((s) => (s.clientSecret === undefined) !== (s.existingSecret === undefined), {
        error: "set exactly one of clientSecret (a Pulumi secret) and existingSecret (an existing Secret)",
        path: ["clientSecret"],
    })
    .refine((s) => s.providerCa !== undefined || !privateDomain(s.issuerUrl), {
        error: "the ConfigMap with the CA that signed the IdP's certificate ({ configMap, key }): the issuer is under a private domain, which no public CA signs, and oauth2-proxy trusts public roots only",
        path: ["providerCa"],
    });

/** The controllers whose VPN-only enforcement the program renders (custom: an annotation you name). */
export const ingressControllers = ["traefik", "haproxy", "ingress-nginx", "custom"] as const;
export const gatewayControllers = ["envoy-gateway", "traefik", "custom"] as const;
export type IngressController = (typeof ingressControllers)[number];
export type GatewayController = (typeof gatewayControllers)[number];

const exposure = z
    .strictObject(
        {
            /** `ingress`: an Ingress on an internal class; `gateway-api`: an HTTPRoute on an existing internal Gateway. */
            mode: z.enum(["ingress", "gateway-api"], { error: "ingress or gateway-api" }).default("ingress"),
            host: hostname,
            ingressClassName: dnsLabel.default("traefik-internal"),
            /**
             * The controller behind the class or Gateway: what enforces the VPN-only rule is rendered in its own
             * form (a Traefik Middleware, an Envoy Gateway SecurityPolicy, HAProxy's or ingress-nginx's
             * annotation). `custom` names the annotation yours reads (sourceRangeAnnotation). Default: Traefik
             * for an Ingress, Envoy Gateway for a Gateway.
             */
            controller: z
                .enum([...new Set([...ingressControllers, ...gatewayControllers])] as [string, ...string[]], {
                    error: `one of ${[...new Set([...ingressControllers, ...gatewayControllers])].join(", ")}`,
                })
                .optional(),
            /** The VPN's address ranges: the only clients the UI answers. */
            sourceRanges: cidrList,
            /** With controller custom: the annotation it reads source ranges from. */
            sourceRangeAnnotation: z
                .string({ error: "an annotation name" })
                .min(1, { error: "an annotation name" })
                .optional(),
            /** Addresses of the ingress controller / gateway pods: the only proxies oauth2-proxy trusts for X-Forwarded-*. */
            proxyRanges: cidrList,
            /**
             * Let `pulumi up` wait for the Ingress to get an address in status.loadBalancer (up to 10 minutes);
             * off by default, as many internal controllers never publish one.
             */
            awaitAddress: bool.default(false),
            /** Namespace of the ingress controller or Gateway, allowed through the NetworkPolicy to oauth2-proxy. */
            controllerNamespace: dnsLabel.default("ingress-internal"),
            gateway: z.strictObject({ name: dnsLabel, namespace: dnsLabel }).optional(),
        },
        { error: "an object with host, sourceRanges (the VPN) and proxyRanges (the ingress controller)" },
    )
    .refine((e) => e.mode !== "gateway-api" || e.gateway !== undefined, {
        error: "the Gateway to attach to ({ name, namespace }; required in gateway-api mode)",
        path: ["gateway"],
    })
    .refine(
        (e) =>
            e.controller === undefined ||
            (e.mode === "ingress"
                ? (ingressControllers as readonly string[])
                : (gatewayControllers as readonly string[])
            ).includes(e.controller),
        {
            error: `a controller that enforces source ranges in this mode (ingress: ${ingressControllers.join(", ")}; gateway-api: ${gatewayControllers.join(", ")})`,
            path: ["controller"],
        },
    )
    .refine((e) => (e.controller === "custom") === (e.sourceRangeAnnotation !== undefined), {
        error: "set exactly when controller is custom: the annotation your controller reads source ranges from (for a known controller the program renders its own enforcement)",
        path: ["sourceRangeAnnotation"],
    })
    .transform((e) => ({
        ...e,
        controller: (e.controller ?? (e.mode === "ingress" ? "traefik" : "envoy-gateway")) as
            IngressController | GatewayController,
    }));

const network = z.strictObject(
    {
        /**
         * Where the Kubernetes API server answers (its endpoints, as `kubectl get endpointslices -n default
         * -l kubernetes.io/service-name=kubernetes` lists them), for the agent's egress (k8s_attributes, the
         * k8s resolver). No default: anything broad would let the agent send data anywhere on 443.
         */
        apiServerRanges: cidrList.refine((rs) => rs.every((r) => Number(r.split("/")[1]) >= 8), {
            error: "the API server's own addresses (a /0 or any prefix shorter than /8 lets the agent reach almost any host on 443 and 6443)",
        }),
        dnsNamespace: dnsLabel.default("kube-system"),
    },
    { error: "an object with apiServerRanges (the API server's addresses, for the agent's egress)" },
);

/**
 * A team view: the spans of its services only, in indices of its own, read by a Jaeger of its own
 * behind an oauth2-proxy that admits its groups only (README, "Team views"). The all view, at the UI's
 * root, holds every span and admits tracing:sso.allowedGroups.
 */
const view = z
    .strictObject(
        {
            // Short: it names the view's Deployments, Services and users (jaeger-<name>-query).
            name: pattern(
                /^[a-z]([-a-z0-9]{0,18}[a-z0-9])?$/,
                "a DNS label of at most 20 characters starting with a letter, such as shop",
            ).refine((n) => n !== "all", {
                error: "a name other than all (the all view is the UI's root, admitting tracing:sso.allowedGroups)",
            }),
            /** The IdP groups this view admits. */
            groups: z
                .array(z.string({ error: "a group name" }).min(1, { error: "a non-empty group name" }), {
                    error: "a non-empty list of IdP groups",
                })
                .min(1, { error: "a non-empty list of IdP groups (the people this view admits)" }),
            /** Spans of workloads in these namespaces (the resource's k8s.namespace.name). */
            namespaces: z.array(dnsLabel, { error: "a list of namespaces" }).default([]),
            /** Spans of these services (the resource's service.name), wherever they run. */
            services: z
                .array(z.string({ error: "a service name" }).min(1, { error: "a non-empty service name" }), {
                    error: "a list of service names",
                })
                .default([]),
            /** The Grafana organisation this view's data source is provisioned in (tracing:monitoring.grafanaDatasources). */
            grafanaOrgId: intRange(1, 1000000).optional(),
        },
        { error: "an object with name, groups and namespaces or services" },
    )
    .refine((v) => v.namespaces.length + v.services.length > 0, {
        error: "a non-empty list of namespaces or services (a view that selects nothing would hold no span)",
        path: ["namespaces"],
    });

/** The `tracing:*` keys, each with its default. */
export const stackConfigSchema = z
    .strictObject({
        namespace: dnsLabel.default("tracing"),
        /**
         * Create the platform namespace (true), or take one that exists (false): Secrets that must be in
         * place before the first `pulumi up` (sso.existingSecret, external Elasticsearch credentials) can
         * only be in a namespace that exists before it. Pod Security labels are applied either way.
         */
        createNamespace: bool.default(true),
        /**
         * Pulumi refuses to delete or replace the StatefulSets that hold traces and queued spans
         * (resource option `protect`): set false before a deliberate `pulumi destroy`.
         */
        protectData: bool.default(true),
        /**
         * A registry mirror every image we deploy is pulled through: `<mirror>/<repository path>:<tag>`
         * (the upstream registry host dropped), as pull-through caches lay them out.
         */
        imageRegistry: pattern(
            /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9._-]+)*$/,
            "a registry host with an optional path, such as registry.corp.internal/mirror",
        ).optional(),
        /** Chart sources for clusters that cannot reach the public chart repositories. */
        charts: charts.default({}),
        retentionDays: intRange(1, 90).default(7),
        sampling: sampling.default(sampling.parse({})),
        workloads: z
            .array(workload)
            .default([])
            .refine((ws) => new Set(ws.map((w) => `${w.namespace}/${w.name}`)).size === ws.length, {
                error: "a list without duplicate namespace/name pairs",
            }),
        orderIdHeader: headerName.default("x-order-id"),
        orderIdPathPattern: orderIdPathPattern.default("/orders/(?P<id>[0-9A-Za-z-]+)"),
        userIdHeader: headerName.default("x-user-id"),
        pii: pii.default(pii.parse({})),
        collector: collector.default(collector.parse({})),
        tls: tls.default(tls.parse({})),
        operator: operator.default(operator.parse({})),
        elasticsearch: elasticsearch.default(elasticsearchInCluster.parse({ mode: "in-cluster" })),
        jaeger: jaeger.default(jaeger.parse({})),
        monitoring: monitoring.default(monitoring.parse({})),
        sso,
        exposure,
        network,
        views: z
            .array(view, { error: "a list of team views" })
            .default([])
            .refine((vs) => new Set(vs.map((v) => v.name)).size === vs.length, {
                error: "a list of views with distinct names",
            }),
    })
    .superRefine((c, ctx) => {
        c.views.forEach((v, i) => {
            // Two views whose index patterns overlap would let one view's query read the other's spans.
            const others = [undefined, ...c.views.filter((o) => o !== v).map((o) => o.name)];
            const at = others.findIndex((o) => viewIndexesOverlap(c.elasticsearch.indexPrefix, v.name, o));
            const other = others[at];
            if (at >= 0)
                ctx.addIssue({
                    code: "custom",
                    path: ["views", i, "name"],
                    message: `a name whose indices no other view's pattern covers, got ${v.name} (${viewIndexPrefix(c.elasticsearch.indexPrefix, v.name)}-jaeger-* and the ${other ?? "all"} view's indices overlap): rename it`,
                });
            if (c.monitoring.grafanaDatasources && v.grafanaOrgId === undefined)
                ctx.addIssue({
                    code: "custom",
                    path: ["views", i, "grafanaOrgId"],
                    message: `the Grafana organisation id of view ${v.name}, set when tracing:monitoring.grafanaDatasources is true (its data source goes into that organisation; Grafana does not create organisations)`,
                });
        });
    })
    .superRefine((c, ctx) => {
        if (!c.createNamespace) return;
        // A Secret the user provides cannot be in a namespace this program has yet to create.
        const provided: [string[], string | undefined][] = [
            [["sso", "existingSecret"], c.sso.existingSecret],
            [
                ["elasticsearch", "credentialsSecret"],
                c.elasticsearch.mode === "external" ? c.elasticsearch.credentialsSecret : undefined,
            ],
            [["elasticsearch", "caSecret"], c.elasticsearch.mode === "external" ? c.elasticsearch.caSecret : undefined],
        ];
        for (const [path, secret] of provided) {
            if (secret === undefined) continue;
            ctx.addIssue({
                code: "custom",
                path,
                message: `a Secret in a namespace that exists before the first pulumi up, but tracing:createNamespace is true (this program creates namespace ${c.namespace}): set tracing:createNamespace to false and create the namespace and ${secret} first (README, "First deploy")${path[0] === "sso" ? ", or use tracing:sso.clientSecret" : ""}`,
            });
        }
    });

export type StackConfig = z.infer<typeof stackConfigSchema>;
export type ViewConfig = StackConfig["views"][number];
export type Workload = StackConfig["workloads"][number];
export type WorkloadLanguage = (typeof workloadLanguages)[number];
export type PiiConfig = StackConfig["pii"];
export type SamplingConfig = StackConfig["sampling"];
export type SsoConfig = StackConfig["sso"];
export type ExposureConfig = StackConfig["exposure"];
export type MonitoringConfig = StackConfig["monitoring"];
export type JaegerStackConfig = StackConfig["jaeger"];
export type GatewayConfig = StackConfig["collector"]["gateway"];
export type AgentConfig = StackConfig["collector"]["agent"];
export type InClusterElasticsearchConfig = Extract<StackConfig["elasticsearch"], { mode: "in-cluster" }>;

export const knownKeys = Object.keys(stackConfigSchema.shape) as (keyof StackConfig)[];
