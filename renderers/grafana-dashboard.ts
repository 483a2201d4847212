import { promLabel, spanMetricNames } from "./span-metrics";

/**
 * The order-flow dashboard: the RED metrics of the instrumented services from the gateway's span
 * metrics, and the health of the tracing pipeline from the collectors' own telemetry. Pure, so the
 * exact JSON Grafana's sidecar loads is unit-tested (test/grafana-dashboard.test.ts).
 *
 * Metric names are those of renderers/prometheus-rules.ts: the pinned collector's counters carry no
 * `_total` suffix; the span metrics are named in renderers/span-metrics.ts.
 */

export interface DashboardInput {
    /** The platform's namespace: the collector series carry it as `namespace`. */
    namespace: string;
    /** The instrumented workloads; the service picker offers only these. */
    services: string[];
    /** The threshold line on the duration panel (tracing:sampling.slowTraceMs). */
    slowTraceMs: number;
    /** A Jaeger data source in Grafana: a dashboard link opens it in Explore (see prometheusExemplarJsonData). */
    jaegerDatasourceUid?: string;
}

export interface DatasourceRef {
    type: "prometheus";
    uid: string;
}

export interface PromTarget {
    refId: string;
    datasource: DatasourceRef;
    expr: string;
    legendFormat: string;
    range: true;
    /** Ask Prometheus for exemplars: points on the graph that carry a trace id. */
    exemplar?: boolean;
}

export interface GridPos {
    x: number;
    y: number;
    w: number;
    h: number;
}

export interface ThresholdStep {
    color: string;
    value: number | null;
}

export interface FieldDefaults {
    unit: string;
    min?: number;
    max?: number;
    thresholds: { mode: "absolute"; steps: ThresholdStep[] };
    custom: { thresholdsStyle: { mode: "off" | "line" } };
}

export interface TimeseriesPanel {
    id: number;
    type: "timeseries";
    title: string;
    description: string;
    datasource: DatasourceRef;
    gridPos: GridPos;
    targets: PromTarget[];
    fieldConfig: { defaults: FieldDefaults; overrides: [] };
    options: {
        legend: { displayMode: "table"; placement: "bottom"; showLegend: true; calcs: string[] };
        tooltip: { mode: "multi"; sort: "desc" };
    };
}

export interface RowPanel {
    id: number;
    type: "row";
    title: string;
    collapsed: false;
    gridPos: GridPos;
    /** Empty while expanded: the row's panels follow it at the top level. */
    panels: [];
}

export type DashboardPanel = RowPanel | TimeseriesPanel;

export interface DatasourceVariable {
    type: "datasource";
    name: "datasource";
    label: string;
    query: "prometheus";
    regex: string;
    hide: 0;
    refresh: 1;
}

export interface QueryVariable {
    type: "query";
    name: string;
    label: string;
    datasource: DatasourceRef;
    query: string;
    definition: string;
    regex: string;
    multi: true;
    includeAll: true;
    current: { text: string[]; value: string[] };
    refresh: 2;
    sort: 1;
    hide: 0;
}

export interface DashboardLink {
    type: "link";
    title: string;
    url: string;
    icon: "external link";
    targetBlank: true;
    asDropdown: false;
    includeVars: false;
    keepTime: false;
    tags: string[];
}

export interface GrafanaDashboard {
    uid: string;
    title: string;
    description: string;
    tags: string[];
    schemaVersion: 39;
    version: number;
    editable: boolean;
    graphTooltip: 1;
    timezone: "browser";
    time: { from: string; to: string };
    refresh: string;
    annotations: { list: [] };
    links: DashboardLink[];
    templating: { list: (DatasourceVariable | QueryVariable)[] };
    panels: DashboardPanel[];
}

/** Grafana's Prometheus data source jsonData that turns `trace_id` exemplars into links to Jaeger. */
export interface PrometheusExemplarJsonData {
    exemplarTraceIdDestinations: { name: "trace_id"; datasourceUid: string }[];
}

/**
 * Exemplar links are a setting of the Prometheus data source, not of a dashboard: Grafana reads
 * exemplarTraceIdDestinations only from the data source's jsonData. The dashboard asks for the
 * exemplars; this is what the data source needs to link them to Jaeger.
 */
export function prometheusExemplarJsonData(jaegerDatasourceUid: string): PrometheusExemplarJsonData {
    // The prometheus exporter writes an exemplar's trace id under the label trace_id.
    return { exemplarTraceIdDestinations: [{ name: "trace_id", datasourceUid: jaegerDatasourceUid }] };
}

/** The label values the spanmetrics connector writes for span kinds and status codes. */
export const spanKind = {
    server: "SPAN_KIND_SERVER",
    consumer: "SPAN_KIND_CONSUMER",
    producer: "SPAN_KIND_PRODUCER",
} as const;
export const statusError = "STATUS_CODE_ERROR";

export const dashboardUid = "tracing-order-flow";

const datasource: DatasourceRef = { type: "prometheus", uid: "${datasource}" };
const rate = "$__rate_interval";

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

interface PanelSpec {
    title: string;
    description: string;
    unit: string;
    targets: { expr: string; legendFormat: string; exemplar?: boolean }[];
    max?: number;
    thresholdMs?: number;
}

function timeseries(id: number, gridPos: GridPos, spec: PanelSpec): TimeseriesPanel {
    const steps: ThresholdStep[] = [{ color: "green", value: null }];
    if (spec.thresholdMs !== undefined) steps.push({ color: "red", value: spec.thresholdMs });
    return {
        id,
        type: "timeseries",
        title: spec.title,
        description: spec.description,
        datasource,
        gridPos,
        targets: spec.targets.map((t, i) => ({
            refId: String.fromCharCode(65 + i),
            datasource,
            expr: t.expr,
            legendFormat: t.legendFormat,
            range: true,
            ...(t.exemplar === true ? { exemplar: true } : {}),
        })),
        fieldConfig: {
            defaults: {
                unit: spec.unit,
                min: 0,
                ...(spec.max !== undefined ? { max: spec.max } : {}),
                thresholds: { mode: "absolute", steps },
                custom: { thresholdsStyle: { mode: spec.thresholdMs !== undefined ? "line" : "off" } },
            },
            overrides: [],
        },
        options: {
            legend: { displayMode: "table", placement: "bottom", showLegend: true, calcs: ["mean", "max"] },
            tooltip: { mode: "multi", sort: "desc" },
        },
    };
}

const row = (id: number, y: number, title: string): RowPanel => ({
    id,
    type: "row",
    title,
    collapsed: false,
    gridPos: { x: 0, y, w: 24, h: 1 },
    panels: [],
});

export function renderOrderFlowDashboard(input: DashboardInput): GrafanaDashboard {
    const calls = spanMetricNames.calls;
    const bucket = spanMetricNames.durationBucket;
    const ns = `namespace="${input.namespace}"`;
    // Entry spans only: a client span would count the same request a second time.
    const entry = `span_kind=~"${spanKind.server}|${spanKind.consumer}", service_name=~"$service"`;
    const byOp = "service_name, span_name";
    const dest = `${promLabel("messaging.destination.name")}, ${promLabel("messaging.rabbitmq.destination.routing_key")}`;
    const destLegend = `{{${promLabel("messaging.destination.name")}}} / {{${promLabel("messaging.rabbitmq.destination.routing_key")}}}`;
    const rabbit = `${promLabel("messaging.system")}="rabbitmq"`;
    const quantile = (q: number): string =>
        `histogram_quantile(${q}, sum by (le, ${byOp}) (rate(${bucket}{${entry}}[${rate}])))`;
    // No service filter: publisher and consumer are different services, and the panel compares them.
    const messages = (kind: string): string =>
        `sum by (${dest}) (rate(${calls}{span_kind="${kind}", ${rabbit}}[${rate}]))`;
    const perPod = (metric: string, by = "pod"): string => `sum by (${by}) (rate(${metric}{${ns}}[${rate}]))`;
    const sampled = (value: "true" | "false"): string =>
        `sum(rate(otelcol_processor_tail_sampling_global_count_traces_sampled{${ns}, sampled="${value}"}[${rate}]))`;

    const panels: DashboardPanel[] = [
        row(1, 0, "Order flow"),
        timeseries(
            2,
            { x: 0, y: 1, w: 12, h: 8 },
            {
                title: "Requests and messages per second",
                description:
                    "Server and consumer spans per service and operation: every span, counted before tail sampling.",
                unit: "ops",
                targets: [
                    {
                        expr: `sum by (${byOp}) (rate(${calls}{${entry}}[${rate}]))`,
                        legendFormat: "{{service_name}} {{span_name}}",
                    },
                ],
            },
        ),
        timeseries(
            3,
            { x: 12, y: 1, w: 12, h: 8 },
            {
                title: "Error ratio",
                description:
                    "The share of server and consumer spans that end in error, per service and operation. Every error trace is kept in Jaeger.",
                unit: "percentunit",
                max: 1,
                targets: [
                    {
                        // `or ... * 0`: an operation without errors has no error series, and shows 0 rather than nothing.
                        expr: `(sum by (${byOp}) (rate(${calls}{${entry}, status_code="${statusError}"}[${rate}])) or sum by (${byOp}) (rate(${calls}{${entry}}[${rate}])) * 0) / sum by (${byOp}) (rate(${calls}{${entry}}[${rate}]))`,
                        legendFormat: "{{service_name}} {{span_name}}",
                    },
                ],
            },
        ),
        timeseries(
            4,
            { x: 0, y: 9, w: 12, h: 8 },
            {
                title: "Duration per chain step (p50, p95)",
                description: `The line is tracing:sampling.slowTraceMs (${input.slowTraceMs} ms): slower traces are always kept. The dots are exemplars, each a trace id.`,
                unit: "ms",
                thresholdMs: input.slowTraceMs,
                targets: [
                    // Exemplars on both: a point of either line links to a trace of that step.
                    { expr: quantile(0.5), legendFormat: "p50 {{service_name}} {{span_name}}", exemplar: true },
                    { expr: quantile(0.95), legendFormat: "p95 {{service_name}} {{span_name}}", exemplar: true },
                ],
            },
        ),
        timeseries(
            5,
            { x: 12, y: 9, w: 12, h: 8 },
            {
                title: "RabbitMQ: published vs consumed",
                description:
                    "Producer and consumer spans per destination and routing key. A gap that persists is messages published and never consumed.",
                unit: "ops",
                targets: [
                    { expr: messages(spanKind.producer), legendFormat: `published ${destLegend}` },
                    { expr: messages(spanKind.consumer), legendFormat: `consumed ${destLegend}` },
                ],
            },
        ),
        row(6, 17, "Tracing pipeline"),
        timeseries(
            7,
            { x: 0, y: 18, w: 12, h: 8 },
            {
                title: "Spans accepted vs refused",
                description: "Per collector pod. Refused spans mean the pod's memory_limiter is over its soft limit.",
                unit: "ops",
                targets: [
                    { expr: perPod("otelcol_receiver_accepted_spans"), legendFormat: "accepted {{pod}}" },
                    { expr: perPod("otelcol_receiver_refused_spans"), legendFormat: "refused {{pod}}" },
                ],
            },
        ),
        timeseries(
            8,
            { x: 12, y: 18, w: 12, h: 8 },
            {
                title: "Export failures",
                description: "Spans a pod failed to send, per exporter, beside what it sent.",
                unit: "ops",
                targets: [
                    {
                        expr: perPod("otelcol_exporter_send_failed_spans", "pod, exporter"),
                        legendFormat: "failed {{pod}} {{exporter}}",
                    },
                    {
                        expr: perPod("otelcol_exporter_sent_spans", "pod, exporter"),
                        legendFormat: "sent {{pod}} {{exporter}}",
                    },
                ],
            },
        ),
        timeseries(
            9,
            { x: 0, y: 26, w: 8, h: 8 },
            {
                title: "Sending queue fill",
                description: "What the next hop has not taken yet; a full queue drops new spans.",
                unit: "percentunit",
                max: 1,
                targets: [
                    {
                        expr: `max by (pod, exporter) (otelcol_exporter_queue_size{${ns}} / otelcol_exporter_queue_capacity{${ns}})`,
                        legendFormat: "{{pod}} {{exporter}}",
                    },
                ],
            },
        ),
        timeseries(
            10,
            { x: 8, y: 26, w: 8, h: 8 },
            {
                title: "Tail sampling: traces kept vs dropped",
                description: "Decisions of the gateway's tail sampling per second.",
                unit: "ops",
                targets: [
                    { expr: sampled("true"), legendFormat: "kept" },
                    { expr: sampled("false"), legendFormat: "dropped" },
                ],
            },
        ),
        timeseries(
            11,
            { x: 16, y: 26, w: 8, h: 8 },
            {
                title: "Traces dropped too early",
                description:
                    "Traces dropped before a sampling decision, errors included: the gateway holds more than num_traces.",
                unit: "ops",
                targets: [
                    {
                        expr: perPod("otelcol_processor_tail_sampling_sampling_trace_dropped_too_early"),
                        legendFormat: "{{pod}}",
                    },
                ],
            },
        ),
    ];

    const serviceQuery = `label_values(${calls}, service_name)`;
    const links: DashboardLink[] =
        input.jaegerDatasourceUid === undefined
            ? []
            : [
                  {
                      type: "link",
                      title: "Traces in Jaeger",
                      url: `/explore?schemaVersion=1&panes=${encodeURIComponent(JSON.stringify({ jaeger: { datasource: input.jaegerDatasourceUid, queries: [{ refId: "A", datasource: { type: "jaeger", uid: input.jaegerDatasourceUid } }], range: { from: "now-1h", to: "now" } } }))}`,
                      icon: "external link",
                      targetBlank: true,
                      asDropdown: false,
                      includeVars: false,
                      keepTime: false,
                      tags: [],
                  },
              ];

    return {
        uid: dashboardUid,
        title: "Order flow and tracing pipeline",
        description:
            "RED metrics of the order flow from the gateway's span metrics, and the health of the tracing pipeline.",
        tags: ["tracing", "order-flow"],
        schemaVersion: 39,
        version: 1,
        editable: true,
        graphTooltip: 1,
        timezone: "browser",
        time: { from: "now-6h", to: "now" },
        refresh: "30s",
        annotations: { list: [] },
        links,
        templating: {
            list: [
                {
                    type: "datasource",
                    name: "datasource",
                    label: "Prometheus",
                    query: "prometheus",
                    regex: "",
                    hide: 0,
                    refresh: 1,
                },
                {
                    type: "query",
                    name: "service",
                    label: "Service",
                    datasource,
                    query: serviceQuery,
                    definition: serviceQuery,
                    // Only the instrumented workloads: other span-metric series (the platform's own) stay out of the picker.
                    regex: input.services.length > 0 ? `/^(${input.services.map(escapeRegex).join("|")})$/` : "",
                    multi: true,
                    includeAll: true,
                    current: { text: ["All"], value: ["$__all"] },
                    refresh: 2,
                    sort: 1,
                    hide: 0,
                },
            ],
        },
        panels,
    };
}

/** The ConfigMap data Grafana's dashboard sidecar loads: one file per dashboard. */
export function dashboardConfigMapData(d: GrafanaDashboard): Record<string, string> {
    return { [`${dashboardUid}.json`]: JSON.stringify(d, null, 2) };
}
