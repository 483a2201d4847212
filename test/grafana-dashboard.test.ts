import {
    dashboardConfigMapData,
    prometheusExemplarJsonData,
    renderOrderFlowDashboard,
    TimeseriesPanel,
} from "../renderers/grafana-dashboard";
import { renderAlertRules } from "../renderers/prometheus-rules";
import { promLabel, spanMetricDimensions, spanMetricNames } from "../renderers/span-metrics";

const input = { namespace: "tracing", services: ["shop-api", "crm-api", "mes-api"], slowTraceMs: 1500 };
const dashboard = renderOrderFlowDashboard(input);
const panels = dashboard.panels.filter((p): p is TimeseriesPanel => p.type === "timeseries");
const exprs = panels.flatMap((p) => p.targets.map((t) => t.expr));
const byTitle = (prefix: string): TimeseriesPanel => {
    const panel = panels.find((p) => p.title.startsWith(prefix));
    if (panel === undefined) throw new Error(`no panel titled ${prefix}...`);
    return panel;
};

/**
 * The collector's own metrics as the pinned collector serves them (no `_total` suffix; Jaeger 2.13's
 * embedded collector 0.140 keeps it), written out here rather than imported so a rename in the
 * renderer fails. test/e2e/span-metrics.test.ts checks the names against the real binaries.
 */
const collectorMetrics = [
    "otelcol_exporter_send_failed_spans_total",
    "otelcol_receiver_accepted_spans",
    "otelcol_receiver_refused_spans",
    "otelcol_exporter_sent_spans",
    "otelcol_exporter_send_failed_spans",
    "otelcol_exporter_queue_size",
    "otelcol_exporter_queue_capacity",
    "otelcol_processor_tail_sampling_global_count_traces_sampled",
    "otelcol_processor_tail_sampling_sampling_trace_dropped_too_early",
];
const servedMetrics = new Set<string>([...Object.values(spanMetricNames), ...collectorMetrics]);
const servedLabels = new Set<string>([
    "service_name",
    "span_name",
    "span_kind",
    "status_code",
    "le",
    "namespace",
    "pod",
    "exporter",
    "sampled",
    ...spanMetricDimensions.map(promLabel),
]);

/** Every identifier of a PromQL expression that is neither a function, a keyword, a label nor a string: its metric names. */
function metricNames(expr: string): string[] {
    const bare = expr
        .replace(/"(?:[^"\\]|\\.)*"/g, '""')
        .replace(/\{[^}]*\}/g, "")
        .replace(/\[[^\]]*\]/g, "")
        .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, "")
        .replace(/[A-Za-z_][A-Za-z0-9_]*\s*\(/g, "(");
    return [...bare.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)]
        .map((m) => m[0])
        .filter((w) => !["or", "and", "unless", "offset", "bool"].includes(w));
}

/** The label names a PromQL expression matches on or groups by. */
function labelNames(expr: string): string[] {
    const noStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    const matchers = [...noStrings.matchAll(/\{([^}]*)\}/g)].flatMap((m) =>
        [...m[1].matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)/g)].map((l) => l[1]),
    );
    const grouped = [...noStrings.matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((m) => m[1].split(",").map((l) => l.trim()));
    return [...matchers, ...grouped];
}

/** The `by (...)` labels of an expression, sorted. */
const groupedBy = (expr: string): string[] =>
    [...new Set([...expr.matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((m) => m[1].split(",").map((l) => l.trim())))].sort();

describe("the order-flow dashboard", () => {
    it("queries only metrics the platform serves: the span metrics and the collector's own", () => {
        expect(exprs.length).toBeGreaterThan(10);
        for (const expr of exprs) {
            const used = metricNames(expr);
            expect(used.length).toBeGreaterThan(0);
            expect(used.filter((m) => !servedMetrics.has(m))).toEqual([]);
        }
        // The dashboard reads the pipeline from the same series the alerts fire on.
        const alerts = renderAlertRules({
            namespace: "tracing",
            services: [],
            slowTraceMs: 1,
            errorRatio: 0.1,
            unconsumedAfterMinutes: 1,
            agentDaemonSet: "a",
            gatewayStatefulSet: "g",
            gatewayQueueClaim: "q",
            indexCleanerCronJob: "c",
            jaegerStorageExporter: "j",
        });
        const alertOtelcol = new Set(
            alerts.groups
                .flatMap((g) => g.rules.flatMap((r) => metricNames(r.expr)))
                .filter((m) => m.startsWith("otelcol_")),
        );
        expect([...alertOtelcol].filter((m) => !servedMetrics.has(m))).toEqual([]);
    });

    it("the metric-name check catches a renamed metric", () => {
        expect(
            metricNames(
                `sum by (pod) (rate(otelcol_receiver_refused_spans_total{namespace="x"}[5m])) / max(otelcol_exporter_queue_size)`,
            ),
        ).toEqual(["otelcol_receiver_refused_spans_total", "otelcol_exporter_queue_size"]);
    });

    it("matches and groups only on labels the series carry", () => {
        const labels = exprs.flatMap(labelNames);
        expect(labels).toContain("messaging_rabbitmq_destination_routing_key");
        expect(labels.filter((l) => !servedLabels.has(l))).toEqual([]);
    });

    it("gives every panel its own id and place on a 24-column grid", () => {
        expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
        const cells = new Set<string>();
        for (const p of dashboard.panels) {
            expect(p.gridPos.x).toBeGreaterThanOrEqual(0);
            expect(p.gridPos.w).toBeGreaterThan(0);
            expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
            for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
                for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
                    expect(cells.has(`${x},${y}`)).toBe(false);
                    cells.add(`${x},${y}`);
                }
            }
        }
        expect(dashboard.panels.filter((p) => p.type === "row").map((p) => p.title)).toEqual([
            "Order flow",
            "Tracing pipeline",
        ]);
    });

    it("is the dashboard the sidecar expects, every panel on the $datasource variable", () => {
        expect(dashboard).toMatchObject({
            uid: "tracing-order-flow",
            title: "Order flow and tracing pipeline",
            schemaVersion: 39,
        });
        for (const p of panels) {
            expect(p.datasource).toEqual({ type: "prometheus", uid: "${datasource}" });
            expect(p.targets.every((t) => t.datasource.uid === "${datasource}")).toBe(true);
            expect(new Set(p.targets.map((t) => t.refId)).size).toBe(p.targets.length);
        }
    });

    it("gives every panel at least one query, each with a legend, lettered A, B, ... as Grafana does", () => {
        expect(panels.length).toBeGreaterThanOrEqual(8);
        for (const p of panels) {
            expect({ title: p.title, queries: p.targets.length > 0 }).toEqual({ title: p.title, queries: true });
            expect(p.targets.map((t) => t.refId)).toEqual(p.targets.map((_, i) => "ABCDEFGH"[i]));
            for (const t of p.targets)
                expect([t.expr.length > 0, (t.legendFormat ?? "").length > 0]).toEqual([true, true]);
        }
    });

    it("plots every query over time, draws a threshold line only where one is configured, and bounds ratios at 100 %", () => {
        for (const p of panels) {
            expect(p.targets.every((t) => t.range === true)).toBe(true);
            const hasThreshold = p.title.startsWith("Duration");
            expect({ title: p.title, steps: p.fieldConfig.defaults.thresholds.steps.length }).toEqual({
                title: p.title,
                steps: hasThreshold ? 2 : 1,
            });
            expect(p.fieldConfig.defaults.custom.thresholdsStyle.mode).toBe(hasThreshold ? "line" : "off");
            expect({ title: p.title, max: p.fieldConfig.defaults.max }).toEqual({
                title: p.title,
                max: p.fieldConfig.defaults.unit === "percentunit" ? 1 : undefined,
            });
        }
    });

    it("offers a data source picker and a multi-select service picker limited to the instrumented workloads", () => {
        const [ds, service] = dashboard.templating.list;
        expect(ds).toMatchObject({ type: "datasource", name: "datasource", query: "prometheus" });
        expect(service).toMatchObject({
            type: "query",
            name: "service",
            query: "label_values(traces_span_metrics_calls_total, service_name)",
            multi: true,
            includeAll: true,
        });
        expect(service.regex).toBe("/^(shop-api|crm-api|mes-api)$/");
        expect(renderOrderFlowDashboard({ ...input, services: [] }).templating.list[1].regex).toBe("");
        // The order-flow panels follow the picker; the RabbitMQ panel compares publisher with consumer, so it does not.
        for (const title of ["Requests", "Error ratio", "Duration"])
            expect(byTitle(title).targets.every((t) => t.expr.includes('service_name=~"$service"'))).toBe(true);
    });

    it("filters every collector series by the platform's namespace", () => {
        const collector = exprs.filter((e) => e.includes("otelcol_"));
        expect(collector.length).toBeGreaterThanOrEqual(5);
        for (const e of collector)
            expect(e.match(/otelcol_[a-z_]+\{[^}]*\}/g)?.every((s) => s.includes('namespace="tracing"'))).toBe(true);
    });

    it("shows duration per chain step with exemplars and slowTraceMs as a threshold line", () => {
        const duration = byTitle("Duration");
        expect(duration.fieldConfig.defaults.unit).toBe("ms");
        expect(duration.targets.map((t) => t.expr.match(/histogram_quantile\((0\.\d+)/)?.[1])).toEqual(["0.5", "0.95"]);
        expect(
            duration.targets.every(
                (t) =>
                    t.exemplar === true &&
                    t.expr.includes(spanMetricNames.durationBucket) &&
                    groupedBy(t.expr).join() === "le,service_name,span_name",
            ),
        ).toBe(true);
        expect(duration.fieldConfig.defaults.thresholds.steps.map((s) => s.value)).toEqual([null, 1500]);
        expect(duration.fieldConfig.defaults.custom.thresholdsStyle.mode).toBe("line");
        expect(
            panels
                .filter((p) => p !== duration)
                .flatMap((p) => p.targets)
                .some((t) => t.exemplar === true),
        ).toBe(false);
    });

    it("links trace_id exemplars to the Jaeger data source when one is named", () => {
        expect(prometheusExemplarJsonData("jaeger-uid")).toEqual({
            exemplarTraceIdDestinations: [{ name: "trace_id", datasourceUid: "jaeger-uid" }],
        });
        expect(dashboard.links).toEqual([]);
        const linked = renderOrderFlowDashboard({ ...input, jaegerDatasourceUid: "jaeger-uid" });
        expect(linked.links).toHaveLength(1);
        expect(decodeURIComponent(linked.links[0].url)).toContain('"datasource":"jaeger-uid"');
        expect(linked.panels).toEqual(dashboard.panels);
    });

    it("rates errors over all server and consumer spans per operation", () => {
        const errors = byTitle("Error ratio");
        expect(errors.fieldConfig.defaults.unit).toBe("percentunit");
        const [expr] = errors.targets.map((t) => t.expr);
        expect(expr).toContain('status_code="STATUS_CODE_ERROR"');
        expect(expr).toContain('span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"');
        expect(groupedBy(expr)).toEqual(["service_name", "span_name"]);
    });

    it("sets published against consumed per RabbitMQ destination and routing key, grouped alike", () => {
        const rabbit = byTitle("RabbitMQ");
        const [published, consumed] = rabbit.targets;
        expect(published.expr).toContain('span_kind="SPAN_KIND_PRODUCER"');
        expect(consumed.expr).toContain('span_kind="SPAN_KIND_CONSUMER"');
        expect(published.expr.replace("PRODUCER", "CONSUMER")).toBe(consumed.expr);
        expect(groupedBy(published.expr)).toEqual([
            "messaging_destination_name",
            "messaging_rabbitmq_destination_routing_key",
        ]);
        expect(published.expr).toContain('messaging_system="rabbitmq"');
        expect(published.legendFormat).toMatch(/^published /);
        expect(consumed.legendFormat).toMatch(/^consumed /);
    });

    it("is one JSON file for the sidecar", () => {
        const data = dashboardConfigMapData(dashboard);
        expect(Object.keys(data)).toEqual(["tracing-order-flow.json"]);
        expect(JSON.parse(data["tracing-order-flow.json"])).toEqual(dashboard);
    });
});
