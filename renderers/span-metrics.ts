import type { StatementGroup } from "./collector-types";
import { ottlAttribute } from "./escape";

/**
 * RED metrics (rate, errors, duration) computed by the gateway's spanmetrics connector from every
 * span, before tail sampling drops most of them: the order numbers of the seeds (processing time,
 * lost and stuck orders) cannot come from a 10 % sample.
 */

/** The connector's metric namespace; Prometheus names become traces_span_metrics_*. */
export const spanMetricsNamespace = "traces.span.metrics";

/** The namespace as a Prometheus name prefix (what Jaeger's Monitor tab queries under). */
export const spanMetricsPromNamespace = "traces_span_metrics";

/** How often Prometheus scrapes each platform pod (kube-prometheus-stack's default interval). */
export const scrapeInterval = "30s";

/** Prometheus metric names as the prometheus exporter writes them (dots to underscores, unit and _total suffixes). */
export const spanMetricNames = {
    calls: "traces_span_metrics_calls_total",
    durationBucket: "traces_span_metrics_duration_milliseconds_bucket",
} as const;

/**
 * Span attributes that become labels, beside the connector's own service.name, span.name, span.kind
 * and status.code. Each has few values; order.id and user.id never do and are never dimensions.
 */
export const spanMetricDimensions = [
    "http.response.status_code",
    "messaging.system",
    "messaging.destination.name",
    "messaging.rabbitmq.destination.routing_key",
] as const;

/** The Prometheus label of a span attribute. */
export const promLabel = (attribute: string): string => attribute.replace(/[^A-Za-z0-9_]/g, "_");

/**
 * Older agents (the Node.js amqplib and http instrumentations among them) still write the
 * pre-stable names. Copied to the stable names where only the old one is set, so one label answers
 * for every agent.
 */
export const legacyAttributeNames: Record<(typeof spanMetricDimensions)[number], string[]> = {
    "http.response.status_code": ["http.status_code"],
    "messaging.system": [],
    "messaging.destination.name": ["messaging.destination"],
    "messaging.rabbitmq.destination.routing_key": ["messaging.rabbitmq.routing_key"],
};

export function semconvStatements(): StatementGroup[] {
    const statements = Object.entries(legacyAttributeNames).flatMap(([stable, legacy]) =>
        legacy.map(
            (old) =>
                `set(${ottlAttribute(stable)}, ${ottlAttribute(old)}) where ${ottlAttribute(stable)} == nil and ${ottlAttribute(old)} != nil`,
        ),
    );
    return [{ context: "span", statements }];
}

/** Histogram buckets from milliseconds (a cache hit) to minutes (an order stuck in a queue). */
export const durationBucketsMs = [
    5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000, 300000,
] as const;

/** At most this many label sets per metric; beyond it the connector folds new ones into one overflow series. */
export const spanMetricsCardinalityLimit = 5000;

export interface SpanMetricsConnectorConfig {
    namespace: string;
    histogram: { unit: "ms"; explicit: { buckets: string[] } };
    dimensions: { name: string }[];
    exemplars: { enabled: boolean; max_per_data_point: number };
    metrics_flush_interval: string;
    aggregation_cardinality_limit: number;
    resource_metrics_key_attributes: string[];
}

export function renderSpanMetricsConnector(): SpanMetricsConnectorConfig {
    return {
        namespace: spanMetricsNamespace,
        histogram: { unit: "ms", explicit: { buckets: durationBucketsMs.map((ms) => `${ms}ms`) } },
        dimensions: spanMetricDimensions.map((name) => ({ name })),
        // A trace id on a bucket: a dashboard's point links to a trace (kept when sampling kept it).
        exemplars: { enabled: true, max_per_data_point: 5 },
        // The connector clears its exemplars at every flush and the prometheus exporter serves only the
        // last flush, so a flush shorter than the scrape lets a flush's exemplars vanish unscraped (the
        // trace ids of a burst followed by quiet, half the time at 15 s of 30). One flush per scrape
        // interval keeps each flush's exemplars up until a scrape has read them.
        metrics_flush_interval: scrapeInterval,
        aggregation_cardinality_limit: spanMetricsCardinalityLimit,
        // One series per service, not per pod: the pod's identity is in the resource of every span.
        resource_metrics_key_attributes: ["service.name"],
    };
}
