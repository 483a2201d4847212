import { z } from "zod";

/**
 * The stack configuration contract (`tracing:*` keys). Every field carries the sentence that
 * describes what is allowed, so an error can say `tracing:KEY must be <allowed>, got <value>`.
 */

const dnsLabel = z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
        error: "a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)",
    });

const intRange = (min: number, max: number) =>
    z.int({ error: `an integer from ${min} to ${max}` }).min(min, { error: `an integer from ${min} to ${max}` }).max(max, {
        error: `an integer from ${min} to ${max}`,
    });

const numberRange = (min: number, max: number) =>
    z.number({ error: `a number from ${min} to ${max}` }).min(min, { error: `a number from ${min} to ${max}` }).max(max, {
        error: `a number from ${min} to ${max}`,
    });

const bool = z.boolean({ error: "true or false" });

/** HTTP header names as agents capture them: lower-case tokens. */
const headerName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: "a lower-case HTTP header name such as x-order-id" });

/**
 * Masks run in the collector, which uses Go's RE2: no look-around and no back-references.
 * The JavaScript compile check catches syntax errors; the RE2 check catches what Go would reject.
 */
const re2Pattern = z
    .string()
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

// YAML turns `cpu: 1` into a number; Kubernetes reads both forms.
const quantity = z.preprocess((v) => (typeof v === "number" ? String(v) : v), z.string().regex(/^[0-9]+(\.[0-9]+)?(m|Mi|Gi|Ki)?$/, { error: "a Kubernetes quantity such as 500m, 256Mi or 1Gi" }));

export const workloadLanguages = ["java", "nodejs", "python", "dotnet", "go"] as const;

const workload = z
    .strictObject({
        name: dnsLabel,
        namespace: dnsLabel,
        language: z.enum(workloadLanguages, { error: `one of ${workloadLanguages.join(", ")}` }),
        containers: z.array(dnsLabel).min(1, { error: "a non-empty list of container names" }).optional(),
        /** Go auto-instrumentation is eBPF-based and must be told which executable to attach to. */
        goTargetExecutable: z.string().startsWith("/", { error: "an absolute path to the Go executable in the container" }).optional(),
    })
    .refine((w) => w.language !== "go" || w.goTargetExecutable !== undefined, {
        error: "the absolute path of the Go executable (required for language go: the Operator's eBPF agent attaches to it)",
        path: ["goTargetExecutable"],
    });

export const defaultPiiMasks = [
    { name: "email", pattern: "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}" },
    { name: "phone", pattern: "\\+?[0-9][0-9 ()-]{8,}[0-9]" },
    { name: "card", pattern: "\\b(?:[0-9][ -]?){12,18}[0-9]\\b" },
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

const pii = z.strictObject({
    deleteKeys: z.array(z.string().min(1)).default([...defaultPiiDeleteKeys]),
    masks: z
        .array(z.strictObject({ name: dnsLabel, pattern: re2Pattern }))
        .min(1, { error: "a non-empty list of masks (personal data must be scrubbed)" })
        .default(defaultPiiMasks.map((m) => ({ ...m }))),
    /** What the redaction processor records about what it removed: `silent` keeps even that out of storage. */
    summary: z.enum(["silent", "info", "debug"], { error: "one of silent, info, debug" }).default("info"),
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

const agent = z.strictObject({
    cpu: quantity.default("200m"),
    memoryMiB: intRange(128, 8192).default(512),
});

const gateway = z.strictObject({
    replicas: intRange(1, 20).default(1),
    cpu: quantity.default("500m"),
    memoryMiB: intRange(256, 32768).default(1024),
    queueStorageGi: intRange(1, 100).default(2),
    /** Until Jaeger is deployed by this program an external OTLP/gRPC endpoint can be named. */
    exportEndpoint: z
        .string()
        .regex(/^[a-z0-9.-]+:[0-9]{1,5}$/, { error: "host:port of an OTLP/gRPC endpoint" })
        .optional(),
});

const collector = z.strictObject({
    agent: agent.default(agent.parse({})),
    gateway: gateway.default(gateway.parse({})),
});

const tls = z.strictObject({
    /** Install cert-manager with this program (off when the cluster already runs it). */
    installCertManager: bool.default(true),
    /** Use this existing ClusterIssuer (e.g. the corporate CA) instead of the internal CA chain. */
    clusterIssuer: dnsLabel.optional(),
});

const operator = z.strictObject({
    /**
     * Fail makes pod creation in instrumented namespaces wait for the Operator's webhook; Ignore (the
     * upstream default) lets pods start uninstrumented when the webhook is down.
     */
    webhookFailurePolicy: z.enum(["Fail", "Ignore"], { error: "Fail or Ignore" }).default("Ignore"),
});

/** The `tracing:*` keys, each with its default. */
export const stackConfigSchema = z.strictObject({
    namespace: dnsLabel.default("tracing"),
    retentionDays: intRange(1, 90).default(7),
    sampling: sampling.default(sampling.parse({})),
    workloads: z
        .array(workload)
        .default([])
        .refine((ws) => new Set(ws.map((w) => `${w.namespace}/${w.name}`)).size === ws.length, {
            error: "a list without duplicate namespace/name pairs",
        }),
    orderIdHeader: headerName.default("x-order-id"),
    userIdHeader: headerName.default("x-user-id"),
    pii: pii.default(pii.parse({})),
    collector: collector.default(collector.parse({})),
    tls: tls.default(tls.parse({})),
    operator: operator.default(operator.parse({})),
});

export type StackConfig = z.infer<typeof stackConfigSchema>;
export type Workload = StackConfig["workloads"][number];
export type WorkloadLanguage = (typeof workloadLanguages)[number];
export type PiiConfig = StackConfig["pii"];
export type SamplingConfig = StackConfig["sampling"];

export const knownKeys = Object.keys(stackConfigSchema.shape) as (keyof StackConfig)[];
