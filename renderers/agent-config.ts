import type { PiiConfig } from "../config/schema";
import type {
    CollectorConfig,
    ListenAddresses,
    LoadBalancingResolver,
    OtlpGrpcExporterConfig,
} from "./collector-types";
import { ottlAttribute, ottlString } from "./escape";
import { memoryLimiter, telemetry } from "./collector-common";
import { redactionConfig, scrubGroups, unmaskedKeys } from "./pii";

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
    /** Of the export to the gateway; the collector's own default is gzip. */
    exportCompression: NonNullable<OtlpGrpcExporterConfig["compression"]>;
}

/**
 * The attribute names under which the language agents record a captured header: HTTP semantic
 * conventions (`http.request.header.<name>`: Java, .NET, Node.js), the Python agent's variant with
 * `_` for `-`, and the Java agent's messaging header capture (`messaging.header.<name with _>`).
 */
export function headerAttributeKeys(header: string): string[] {
    const underscored = header.replace(/-/g, "_");
    const keys = [
        `http.request.header.${header}`,
        `http.request.header.${underscored}`,
        `messaging.header.${underscored}`,
    ];
    return [...new Set(keys)];
}

/**
 * OTTL that sets `target` from the first captured header value, whichever form the agent used (a
 * list from most agents, a plain string from .NET when there is one value). Two statements, not
 * two per form: each statement costs on every span. Only where a header was captured: `set` with
 * nothing to set writes an empty attribute since collector 0.161 (OTTL's allowNil).
 */
export function copyHeaderStatements(header: string, target: string): string[] {
    const to = ottlAttribute(target);
    const from = headerAttributeKeys(header).map((k) => ottlAttribute(k));
    const captured = from.map((f) => `${f} != nil`).join(" or ");
    return [
        `set(${to}, Coalesce([${from.join(", ")}])) where ${to} == nil and (${captured})`,
        `set(${to}, ${to}[0]) where IsList(${to})`,
    ];
}

/** Attributes holding the request path, old and new semantic conventions. */
export const urlPathAttributes = ["url.path", "http.target", "http.route"] as const;

/**
 * OTTL that takes the order id from the request path when no header carried it: the Node.js and Go
 * agents cannot capture headers from configuration. `pattern` names its capture group `id`.
 */
export function orderIdFromPathStatements(pattern: string, target: string): string[] {
    const to = ottlAttribute(target);
    const path = `Coalesce([${urlPathAttributes.map((k) => ottlAttribute(k)).join(", ")}])`;
    return [
        `set(${to}, ExtractPatterns(${path}, ${ottlString(pattern)})["id"]) where ${to} == nil and IsMatch(${path}, ${ottlString(pattern)})`,
    ];
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
    const keepKeys = unmaskedKeys({
        orderIdKeys: headerAttributeKeys(input.orderIdHeader),
        userIdKeys: headerAttributeKeys(input.userIdHeader),
    });
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
            "redaction/pii": redactionConfig(pii, keepKeys),
            "transform/scrub_pii": { error_mode: "ignore", trace_statements: scrubGroups(pii) },
            "transform/order_ids": {
                error_mode: "ignore",
                trace_statements: [
                    {
                        context: "span",
                        statements: [
                            ...copyHeaderStatements(input.orderIdHeader, "order.id"),
                            ...(input.orderIdPathPattern === undefined
                                ? []
                                : orderIdFromPathStatements(input.orderIdPathPattern, "order.id")),
                            ...copyHeaderStatements(input.userIdHeader, "user.id"),
                        ],
                    },
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
                        compression: input.exportCompression,
                        timeout: "5s",
                        retry_on_failure: {
                            enabled: true,
                            initial_interval: "1s",
                            max_interval: "10s",
                            max_elapsed_time: "120s",
                        },
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
