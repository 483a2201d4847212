import type { PiiConfig } from "../stacks/schema";
import type { CollectorConfig, ListenAddresses, LoadBalancingResolver } from "./collector-types";
import { escapeCollectorDollars, ottlAttribute, ottlString } from "./escape";
import { memoryLimiter, telemetry } from "./collector-common";

export interface AgentConfigInput {
    listen: ListenAddresses;
    /** Container memory limit; memory_limiter and GOMEMLIMIT are derived from it. */
    memoryLimitMiB: number;
    orderIdHeader: string;
    /** RE2 pattern with a capture group named `id` that finds the order id in a request path. */
    orderIdPathPattern?: string;
    userIdHeader: string;
    pii: PiiConfig;
    /** How the load_balancing exporter finds the gateway replicas. */
    gatewayResolver: LoadBalancingResolver;
    /** Off only where there is no Kubernetes API (local end-to-end runs). */
    kubernetesMetadata: boolean;
}

/** Attributes whose text is scrubbed of personal data substring by substring, besides the span name. */
export const scrubbedTextAttributes = [
    "db.statement",
    "db.query.text",
    "url.full",
    "url.path",
    "url.query",
    "http.url",
    "http.target",
    "messaging.destination.name",
] as const;

/**
 * The attribute names under which the language agents record a captured header: HTTP semantic
 * conventions (`http.request.header.<name>`: Java, .NET, Node.js), the Python agent's variant with
 * `_` for `-`, and the Java agent's messaging header capture (`messaging.header.<name with _>`).
 */
export function headerAttributeKeys(header: string): string[] {
    const underscored = header.replace(/-/g, "_");
    const keys = [`http.request.header.${header}`, `http.request.header.${underscored}`, `messaging.header.${underscored}`];
    return [...new Set(keys)];
}

/**
 * OTTL that sets `target` from the first captured header value, whichever form the agent used (a
 * list from most agents, a plain string from .NET when there is one value).
 */
export function copyHeaderStatements(header: string, target: string): string[] {
    const to = ottlAttribute(target);
    return headerAttributeKeys(header).flatMap((key) => {
        const from = ottlAttribute(key);
        return [
            `set(${to}, ${from}[0]) where ${to} == nil and IsList(${from})`,
            `set(${to}, ${from}) where ${to} == nil and IsString(${from})`,
        ];
    });
}

/** Attributes holding the request path, old and new semantic conventions. */
export const urlPathAttributes = ["url.path", "http.target", "http.route"] as const;

/**
 * OTTL that takes the order id from the request path when no header carried it: the Node.js and Go
 * agents cannot capture headers from configuration. `pattern` names its capture group `id`.
 */
export function orderIdFromPathStatements(pattern: string, target: string): string[] {
    const to = ottlAttribute(target);
    return urlPathAttributes.map((key) => {
        const from = ottlAttribute(key);
        return `set(${to}, ExtractPatterns(${from}, ${ottlString(pattern)})["id"]) where ${to} == nil and IsString(${from}) and IsMatch(${from}, ${ottlString(pattern)})`;
    });
}

/** OTTL that masks every configured pattern in the span name and the free-text attributes. */
export function scrubStatements(pii: PiiConfig): string[] {
    return pii.masks.flatMap(({ pattern }) => [
        `replace_pattern(span.name, ${ottlString(pattern)}, "****")`,
        ...scrubbedTextAttributes.map((key) => `replace_pattern(${ottlAttribute(key)}, ${ottlString(pattern)}, "****")`),
    ]);
}

/**
 * Pipeline order matters: limit memory first, enrich while the pod's IP is still the peer, name the
 * ids before scrubbing (an order id in a path can look like a phone number), then scrub.
 */
export const agentProcessorOrder = [
    "memory_limiter",
    "k8s_attributes",
    "transform/order_ids",
    "attributes/drop_pii",
    "redaction/pii",
    "transform/scrub_pii",
    "batch",
] as const;

export function renderAgentConfig(input: AgentConfigInput): CollectorConfig {
    const { listen, pii } = input;
    const idKeys = [input.orderIdHeader].flatMap(headerAttributeKeys);
    return {
        receivers: {
            otlp: {
                protocols: {
                    grpc: { endpoint: `${listen.host}:${listen.otlpGrpcPort}` },
                    http: { endpoint: `${listen.host}:${listen.otlpHttpPort}` },
                },
            },
        },
        processors: {
            memory_limiter: memoryLimiter(input.memoryLimitMiB),
            k8s_attributes: {
                auth_type: "serviceAccount",
                passthrough: !input.kubernetesMetadata,
                filter: { node_from_env_var: "K8S_NODE_NAME" },
                extract: {
                    metadata: [
                        "k8s.namespace.name",
                        "k8s.pod.name",
                        "k8s.pod.uid",
                        "k8s.deployment.name",
                        "k8s.node.name",
                        "k8s.container.name",
                    ],
                },
                pod_association: [
                    { sources: [{ from: "resource_attribute", name: "k8s.pod.ip" }] },
                    { sources: [{ from: "resource_attribute", name: "k8s.pod.uid" }] },
                    { sources: [{ from: "connection" }] },
                ],
            },
            "attributes/drop_pii": {
                actions: pii.deleteKeys.map((key) => ({ key, action: "delete" as const })),
            },
            "redaction/pii": {
                allow_all_keys: true,
                // Captured headers arrive as lists, which are only scanned with this on.
                redact_all_types: true,
                blocked_values: pii.masks.map((m) => escapeCollectorDollars(m.pattern)),
                // The order id must stay searchable even when it looks like a phone number, and a service
                // name is never personal data (a long number in one was masked as a card number).
                ignored_keys: ["order.id", "service.name", ...idKeys],
                summary: pii.summary,
            },
            "transform/scrub_pii": {
                error_mode: "ignore",
                trace_statements: scrubStatements(pii),
            },
            "transform/order_ids": {
                error_mode: "ignore",
                trace_statements: [
                    ...copyHeaderStatements(input.orderIdHeader, "order.id"),
                    ...(input.orderIdPathPattern === undefined ? [] : orderIdFromPathStatements(input.orderIdPathPattern, "order.id")),
                    ...copyHeaderStatements(input.userIdHeader, "user.id"),
                ],
            },
            batch: { timeout: "200ms", send_batch_size: 1024, send_batch_max_size: 2048 },
        },
        exporters: {
            load_balancing: {
                routing_key: "traceID",
                protocol: {
                    otlp: {
                        tls: { insecure: true },
                        timeout: "5s",
                        retry_on_failure: { enabled: true, initial_interval: "1s", max_interval: "10s", max_elapsed_time: "120s" },
                        sending_queue: { enabled: true, num_consumers: 4, queue_size: 2000 },
                    },
                },
                resolver: input.gatewayResolver,
            },
        },
        extensions: {
            health_check: { endpoint: `${listen.host}:${listen.healthPort}` },
        },
        service: {
            extensions: ["health_check"],
            pipelines: {
                traces: {
                    receivers: ["otlp"],
                    processors: [...agentProcessorOrder],
                    exporters: ["load_balancing"],
                },
            },
            telemetry: telemetry(listen),
        },
    };
}
