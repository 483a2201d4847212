import { execFile } from "child_process";
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { promisify } from "util";
import { stringify } from "yaml";
import { alertRulesInput } from "../../components/monitoring";
import { AlertRule, renderAlertRules } from "../../renderers/prometheus-rules";
import { parseStackConfig } from "../../config/config";
import { readStackFile } from "../../config/stack-file";
import { projectDir } from "../support/resources";
import { runDir } from "../../harness/processes";
import { tools } from "../../harness/tools";

/*
 * The PrometheusRule the prod stack deploys, checked and unit-tested by the real promtool at the
 * pinned version: each alert fires on series that mean trouble and stays quiet on healthy ones.
 * Series carry the labels Prometheus gives them when it scrapes through our PodMonitors (namespace,
 * pod) or kube-state-metrics / the kubelet.
 */

const prod = parseStackConfig(readStackFile(projectDir, "prod"));
const ns = prod.namespace;
const rules = renderAlertRules(alertRulesInput(prod));
const byName = new Map(rules.groups.flatMap((g) => g.rules).map((r) => [r.alert, r]));
const dir = join(runDir, "prometheus-rules");
mkdirSync(dir, { recursive: true });
const rulesFile = join(dir, "rules.yaml");
writeFileSync(rulesFile, stringify({ groups: rules.groups }));

const run = async (args: string[]): Promise<{ code: number; out: string }> => {
    try {
        const { stdout, stderr } = await promisify(execFile)(tools.promtool(), args, { cwd: dir, timeout: 60000 });
        return { code: 0, out: stdout + stderr };
    } catch (err) {
        const e = err as { code?: number; stdout?: string; stderr?: string };
        return { code: e.code ?? -1, out: `${e.stdout ?? ""}${e.stderr ?? ""}` };
    }
};

/** The annotations Prometheus renders for `labels`: ours template only `{{ $labels.x }}`. */
function annotationsFor(rule: AlertRule, labels: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(rule.annotations).map(([k, v]) => [
            k,
            v.replace(/\{\{ \$labels\.([a-z_]+) \}\}/g, (_, name: string) => labels[name] ?? ""),
        ]),
    );
}

interface Case {
    alert: string;
    /** promtool input series: `metric{labels}` → values in its expanding notation. */
    series: Record<string, string>;
    at: string;
    /** The labels each firing alert has (beside alertname and severity); none: it must stay quiet. */
    fires: Record<string, string>[];
}

const pod = (name: string): string => `namespace="${ns}", pod="${name}"`;
const calls = (labels: string): string => `traces_span_metrics_calls_total{${labels}}`;
const orders = `messaging_system="rabbitmq", messaging_destination_name="orders", messaging_rabbitmq_destination_routing_key="order.created"`;
const lag = prod.monitoring.unconsumedAfterMinutes;

const cases: Case[] = [
    {
        alert: "TracingSpansRefused",
        series: { [`otelcol_receiver_refused_spans{${pod("otel-agent-a")}, receiver="otlp"}`]: "0+60x30" },
        at: "20m",
        fires: [{ pod: "otel-agent-a" }],
    },
    {
        alert: "TracingSpansRefused",
        series: { [`otelcol_receiver_refused_spans{${pod("otel-agent-a")}, receiver="otlp"}`]: "0x30" },
        at: "20m",
        fires: [],
    },
    {
        alert: "TracingExportFailing",
        series: {
            [`otelcol_exporter_send_failed_spans{${pod("otel-gateway-0")}, exporter="otlp_grpc/jaeger"}`]: "0+100x40",
        },
        at: "30m",
        fires: [{ pod: "otel-gateway-0", exporter: "otlp_grpc/jaeger" }],
    },
    // Failing for less than its `for`: pending, not firing.
    {
        alert: "TracingExportFailing",
        series: {
            [`otelcol_exporter_send_failed_spans{${pod("otel-gateway-0")}, exporter="otlp_grpc/jaeger"}`]:
                "0x20 0+100x5",
        },
        at: "25m",
        fires: [],
    },
    {
        alert: "TracingSendingQueueFilling",
        series: {
            [`otelcol_exporter_queue_size{${pod("otel-gateway-0")}, exporter="otlp_grpc/jaeger"}`]: "900x30",
            [`otelcol_exporter_queue_capacity{${pod("otel-gateway-0")}, exporter="otlp_grpc/jaeger"}`]: "1000x30",
        },
        at: "20m",
        fires: [{ pod: "otel-gateway-0", exporter: "otlp_grpc/jaeger" }],
    },
    {
        alert: "TracingSendingQueueFilling",
        series: {
            [`otelcol_exporter_queue_size{${pod("otel-gateway-0")}, exporter="otlp_grpc/jaeger"}`]: "500x30",
            [`otelcol_exporter_queue_capacity{${pod("otel-gateway-0")}, exporter="otlp_grpc/jaeger"}`]: "1000x30",
        },
        at: "20m",
        fires: [],
    },
    {
        alert: "TracingGatewayQueueVolumeFull",
        series: {
            [`kubelet_volume_stats_used_bytes{namespace="${ns}", persistentvolumeclaim="queue-otel-gateway-1"}`]:
                "9x30",
            [`kubelet_volume_stats_capacity_bytes{namespace="${ns}", persistentvolumeclaim="queue-otel-gateway-1"}`]:
                "10x30",
            // Another claim in the namespace, as full: not the gateway's queue.
            [`kubelet_volume_stats_used_bytes{namespace="${ns}", persistentvolumeclaim="data-elasticsearch-0"}`]:
                "9x30",
            [`kubelet_volume_stats_capacity_bytes{namespace="${ns}", persistentvolumeclaim="data-elasticsearch-0"}`]:
                "10x30",
        },
        at: "20m",
        fires: [{ persistentvolumeclaim: "queue-otel-gateway-1" }],
    },
    {
        alert: "TracingTracesDroppedTooEarly",
        series: {
            [`otelcol_processor_tail_sampling_sampling_trace_dropped_too_early{${pod("otel-gateway-2")}}`]: "0+5x30",
        },
        at: "20m",
        fires: [{ pod: "otel-gateway-2" }],
    },
    {
        alert: "TracingAgentMissing",
        series: {
            [`kube_daemonset_status_desired_number_scheduled{namespace="${ns}", daemonset="otel-agent"}`]: "3x30",
            [`kube_daemonset_status_number_available{namespace="${ns}", daemonset="otel-agent"}`]: "2x30",
        },
        at: "20m",
        fires: [{ namespace: ns, daemonset: "otel-agent" }],
    },
    {
        alert: "TracingAgentMissing",
        series: {
            [`kube_daemonset_status_desired_number_scheduled{namespace="${ns}", daemonset="otel-agent"}`]: "3x30",
            [`kube_daemonset_status_number_available{namespace="${ns}", daemonset="otel-agent"}`]: "3x30",
        },
        at: "20m",
        fires: [],
    },
    {
        alert: "TracingIndexCleanerFailed",
        series: {
            [`kube_job_status_failed{namespace="${ns}", job_name="jaeger-es-index-cleaner-29412345"}`]: "0x5 1x10",
        },
        at: "10m",
        fires: [{ job_name: "jaeger-es-index-cleaner-29412345" }],
    },
    {
        alert: "TracingJaegerStorageWriteErrors",
        series: {
            [`otelcol_exporter_send_failed_spans_total{${pod("jaeger-collector-7c9d-x")}, exporter="jaeger_storage_exporter"}`]:
                "0+10x30",
        },
        at: "20m",
        fires: [{ pod: "jaeger-collector-7c9d-x" }],
    },
    {
        alert: "OrderFlowErrors",
        series: {
            [calls(
                `service_name="crm-api", span_name="POST /orders/{orderId}/confirm", span_kind="SPAN_KIND_SERVER", status_code="STATUS_CODE_UNSET"`,
            )]: "0+90x40",
            [calls(
                `service_name="crm-api", span_name="POST /orders/{orderId}/confirm", span_kind="SPAN_KIND_SERVER", status_code="STATUS_CODE_ERROR"`,
            )]: "0+10x40",
        },
        at: "30m",
        fires: [{ service_name: "crm-api", span_name: "POST /orders/{orderId}/confirm" }],
    },
    {
        alert: "OrderFlowErrors",
        series: {
            [calls(
                `service_name="crm-api", span_name="POST /orders/{orderId}/confirm", span_kind="SPAN_KIND_SERVER", status_code="STATUS_CODE_UNSET"`,
            )]: "0+99x40",
            [calls(
                `service_name="crm-api", span_name="POST /orders/{orderId}/confirm", span_kind="SPAN_KIND_SERVER", status_code="STATUS_CODE_ERROR"`,
            )]: "0+1x40",
            // Client spans failing do not count: the callee's own span does.
            [calls(
                `service_name="crm-api", span_name="SELECT crm.orders", span_kind="SPAN_KIND_CLIENT", status_code="STATUS_CODE_ERROR"`,
            )]: "0+50x40",
        },
        at: "30m",
        fires: [],
    },
    {
        // Every request of the operation takes 2.5–5 s: p95 over slowTraceMs.
        alert: "OrderFlowSlow",
        series: Object.fromEntries(
            ["1000", "2500", "5000", "+Inf"].map((le) => [
                `traces_span_metrics_duration_milliseconds_bucket{service_name="mes-api", span_name="POST /orders/:id/price", span_kind="SPAN_KIND_SERVER", status_code="STATUS_CODE_UNSET", le="${le}"}`,
                le === "1000" || le === "2500" ? "0x40" : "0+10x40",
            ]),
        ),
        at: "30m",
        fires: [{ service_name: "mes-api", span_name: "POST /orders/:id/price" }],
    },
    {
        alert: "OrderFlowSlow",
        series: Object.fromEntries(
            ["100", "1000", "+Inf"].map((le) => [
                `traces_span_metrics_duration_milliseconds_bucket{service_name="mes-api", span_name="POST /orders/:id/price", span_kind="SPAN_KIND_SERVER", status_code="STATUS_CODE_UNSET", le="${le}"}`,
                "0+10x40",
            ]),
        ),
        at: "30m",
        fires: [],
    },
    {
        // The consumer stops at minute 60; one message a minute is still published.
        alert: "MessagesPublishedNotConsumed",
        series: {
            [calls(
                `service_name="mes-api", span_name="publish orders", span_kind="SPAN_KIND_PRODUCER", status_code="STATUS_CODE_UNSET", ${orders}`,
            )]: "0+1x120",
            [calls(
                `service_name="crm-api", span_name="crm-api.created process", span_kind="SPAN_KIND_CONSUMER", status_code="STATUS_CODE_UNSET", ${orders}`,
            )]: "0+1x60 60x60",
        },
        at: "100m",
        fires: [{ messaging_destination_name: "orders", messaging_rabbitmq_destination_routing_key: "order.created" }],
    },
    {
        // Nobody consumes the destination at all: there is no consumer series.
        alert: "MessagesPublishedNotConsumed",
        series: {
            [calls(
                `service_name="mes-api", span_name="publish orders", span_kind="SPAN_KIND_PRODUCER", status_code="STATUS_CODE_UNSET", ${orders}`,
            )]: "0+1x120",
        },
        at: "100m",
        fires: [{ messaging_destination_name: "orders", messaging_rabbitmq_destination_routing_key: "order.created" }],
    },
    {
        // Consumed as published, with the consumer a little behind (well within the allowed lag).
        alert: "MessagesPublishedNotConsumed",
        series: {
            [calls(
                `service_name="mes-api", span_name="publish orders", span_kind="SPAN_KIND_PRODUCER", status_code="STATUS_CODE_UNSET", ${orders}`,
            )]: "0+1x120",
            [calls(
                `service_name="crm-api", span_name="crm-api.created process", span_kind="SPAN_KIND_CONSUMER", status_code="STATUS_CODE_UNSET", ${orders}`,
            )]: `0x${Math.max(1, lag - 2)} 0+1x120`,
        },
        at: "100m",
        fires: [],
    },
];

function promtoolTest(c: Case): object {
    const rule = byName.get(c.alert);
    if (rule === undefined) throw new Error(`no rule ${c.alert}`);
    return {
        rule_files: [rulesFile],
        evaluation_interval: "1m",
        tests: [
            {
                interval: "1m",
                input_series: Object.entries(c.series).map(([series, values]) => ({ series, values })),
                alert_rule_test: [
                    {
                        eval_time: c.at,
                        alertname: c.alert,
                        exp_alerts: c.fires.map((labels) => ({
                            exp_labels: { ...labels, severity: rule.labels.severity },
                            exp_annotations: annotationsFor(rule, labels),
                        })),
                    },
                ],
            },
        ],
    };
}

describe("the alert rules, with the real promtool", () => {
    it("promtool check rules accepts the rendered rules", async () => {
        const result = await run(["check", "rules", rulesFile]);
        expect(result).toMatchObject({ code: 0 });
        expect(result.out).toContain(`SUCCESS: ${byName.size} rules found`);
    });

    it("every alert has a summary, a description, a runbook entry and a case that fires", () => {
        for (const rule of byName.values()) {
            expect({
                alert: rule.alert,
                summary: rule.annotations.summary.length > 10,
                description: rule.annotations.description.length > 40,
            }).toEqual({ alert: rule.alert, summary: true, description: true });
            expect(rule.annotations.runbook).toContain(rule.alert);
            expect(cases.some((c) => c.alert === rule.alert && c.fires.length > 0)).toBe(true);
        }
    });

    it.each(
        cases.map((c, i) => [`${c.alert} ${c.fires.length > 0 ? "fires" : "stays quiet"} (case ${i})`, c] as const),
    )("%s", async (_name, c) => {
        const file = join(dir, `test-${cases.indexOf(c)}.yaml`);
        writeFileSync(file, stringify(promtoolTest(c)));
        const result = await run(["test", "rules", file]);
        const success: unknown = expect.stringContaining("SUCCESS");
        expect({ code: result.code, out: result.out }).toEqual({ code: 0, out: success });
    });
});
