import { promLabel, spanMetricNames } from "./span-metrics";

/**
 * The PrometheusRule of the platform: alerts on the pipeline's health and on the order flow. Pure,
 * so promtool can check and unit-test exactly what is deployed (test/e2e/prometheus-rules.test.ts).
 *
 * Annotations template only `$labels`: the value is on the alert itself, and what a message says
 * stays testable.
 *
 * Metric names are the pinned collector's own telemetry as its Prometheus endpoint serves it (no
 * `_total` suffix on its counters; Jaeger's embedded older collector keeps it), the gateway's span metrics, and kube-state-metrics / kubelet
 * series as kube-prometheus-stack scrapes them.
 */

export interface AlertRule {
    alert: string;
    expr: string;
    for: string;
    labels: { severity: "warning" | "critical" };
    annotations: { summary: string; description: string; runbook: string };
}

export interface RuleGroup {
    name: string;
    rules: AlertRule[];
}

export interface PrometheusRuleSpec {
    groups: RuleGroup[];
}

export interface AlertRulesInput {
    /** The platform's namespace: the collector, Jaeger and cleaner series carry it as `namespace`. */
    namespace: string;
    /** The services whose operations the order-flow alerts watch (the instrumented workloads). */
    services: string[];
    slowTraceMs: number;
    errorRatio: number;
    unconsumedAfterMinutes: number;
    agentDaemonSet: string;
    gatewayStatefulSet: string;
    /** The gateway's queue claim template, e.g. `queue` (claims are `<template>-<statefulset>-<ordinal>`). */
    gatewayQueueClaim: string;
    indexCleanerCronJob: string;
    /** The exporter through which Jaeger writes spans to Elasticsearch. */
    jaegerStorageExporter: string;
}

const runbook = (alert: string): string => `README.md, "Alerts and what to do": ${alert}`;

/** The label values the spanmetrics connector writes for span kinds and status codes. */
const kind = { server: "SPAN_KIND_SERVER", consumer: "SPAN_KIND_CONSUMER", producer: "SPAN_KIND_PRODUCER" } as const;
const statusError = "STATUS_CODE_ERROR";

export function renderAlertRules(input: AlertRulesInput): PrometheusRuleSpec {
    const ns = `namespace="${input.namespace}"`;
    const calls = spanMetricNames.calls;
    const services = input.services.length > 0 ? `, service_name=~"${input.services.join("|")}"` : "";
    const entry = `span_kind=~"${kind.server}|${kind.consumer}"${services}`;
    const dest = `${promLabel("messaging.destination.name")}, ${promLabel("messaging.rabbitmq.destination.routing_key")}`;
    const rabbit = `${promLabel("messaging.system")}="rabbitmq"`;
    const lag = input.unconsumedAfterMinutes;
    const window = 60;
    // Published in [now-lag-window, now-lag] against consumed in [now-lag-window, now]: what was
    // published at least `lag` minutes ago has had that long to be consumed. A destination nobody
    // consumes has no consumer series at all, hence `or published * 0`.
    const published = `sum by (${dest}) (increase(${calls}{span_kind="${kind.producer}", ${rabbit}}[${window}m] offset ${lag}m))`;
    const consumed = `sum by (${dest}) (increase(${calls}{span_kind="${kind.consumer}", ${rabbit}}[${window + lag}m]))`;

    const pipeline: AlertRule[] = [
        {
            alert: "TracingSpansRefused",
            expr: `sum by (pod) (rate(otelcol_receiver_refused_spans{${ns}}[5m])) > 0`,
            for: "5m",
            labels: { severity: "warning" },
            annotations: {
                summary: "{{ $labels.pod }} refuses spans",
                description:
                    "{{ $labels.pod }} refuses spans at its receiver: its memory_limiter is over the soft limit. Check the pod's memory (otelcol_process_memory_rss) against tracing:collector memoryMiB, and whether the gateway or Jaeger behind it is slow.",
                runbook: runbook("TracingSpansRefused"),
            },
        },
        {
            alert: "TracingExportFailing",
            expr: `sum by (pod, exporter) (rate(otelcol_exporter_send_failed_spans{${ns}}[5m])) > 0`,
            for: "10m",
            labels: { severity: "warning" },
            annotations: {
                summary: "{{ $labels.pod }} fails to export spans through {{ $labels.exporter }}",
                description:
                    "{{ $labels.pod }} keeps failing to send spans through {{ $labels.exporter }}. Check the receiving side (the gateway for the agent, Jaeger for the gateway, Elasticsearch for Jaeger) and the pod's log.",
                runbook: runbook("TracingExportFailing"),
            },
        },
        {
            alert: "TracingSendingQueueFilling",
            expr: `max by (pod, exporter) (otelcol_exporter_queue_size{${ns}} / otelcol_exporter_queue_capacity{${ns}}) > 0.8`,
            for: "10m",
            labels: { severity: "warning" },
            annotations: {
                summary: "{{ $labels.pod }}'s sending queue for {{ $labels.exporter }} is over 80 % full",
                description:
                    "The queue holds what the next hop has not taken; when full, new spans are dropped. Check the next hop's health and the TracingExportFailing alert.",
                runbook: runbook("TracingSendingQueueFilling"),
            },
        },
        {
            alert: "TracingGatewayQueueVolumeFull",
            expr: `max by (persistentvolumeclaim) (kubelet_volume_stats_used_bytes{${ns}, persistentvolumeclaim=~"${input.gatewayQueueClaim}-${input.gatewayStatefulSet}-.*"} / kubelet_volume_stats_capacity_bytes{${ns}, persistentvolumeclaim=~"${input.gatewayQueueClaim}-${input.gatewayStatefulSet}-.*"}) > 0.8`,
            for: "10m",
            labels: { severity: "critical" },
            annotations: {
                summary: "The gateway's queue volume {{ $labels.persistentvolumeclaim }} is over 80 % full",
                description:
                    "The persistent queue and its compaction copy must fit the volume. Restore Jaeger's intake first; then raise tracing:collector.gateway.queueStorageGi (the claim grows in place).",
                runbook: runbook("TracingGatewayQueueVolumeFull"),
            },
        },
        {
            alert: "TracingTracesDroppedTooEarly",
            expr: `sum by (pod) (rate(otelcol_processor_tail_sampling_sampling_trace_dropped_too_early{${ns}}[5m])) > 0`,
            for: "5m",
            labels: { severity: "warning" },
            annotations: {
                summary: "{{ $labels.pod }} drops traces before deciding on them",
                description:
                    "Tail sampling holds more traces than num_traces for decision_wait: traces are dropped undecided, errors included. Add gateway replicas or memory.",
                runbook: runbook("TracingTracesDroppedTooEarly"),
            },
        },
        {
            alert: "TracingAgentMissing",
            expr: `kube_daemonset_status_desired_number_scheduled{${ns}, daemonset="${input.agentDaemonSet}"} - kube_daemonset_status_number_available{${ns}, daemonset="${input.agentDaemonSet}"} > 0`,
            for: "10m",
            labels: { severity: "warning" },
            annotations: {
                summary: "Some nodes run no collector agent",
                description:
                    "Pods on those nodes export to an agent that is not there: their spans are lost. Check the DaemonSet's pods (kubectl -n {{ $labels.namespace }} get pods -l app.kubernetes.io/name=" +
                    input.agentDaemonSet +
                    " -o wide) and node taints.",
                runbook: runbook("TracingAgentMissing"),
            },
        },
        {
            alert: "TracingIndexCleanerFailed",
            expr: `max by (job_name) (kube_job_status_failed{${ns}, job_name=~"${input.indexCleanerCronJob}-.*"}) > 0`,
            for: "0m",
            labels: { severity: "warning" },
            annotations: {
                summary: "The index cleaner job {{ $labels.job_name }} failed",
                description:
                    "Old daily indices are not deleted: retention is not enforced and Elasticsearch's disk fills. Read the job's log (kubectl -n {{ $labels.namespace }} logs job/{{ $labels.job_name }}).",
                runbook: runbook("TracingIndexCleanerFailed"),
            },
        },
        {
            alert: "TracingJaegerStorageWriteErrors",
            // Jaeger 2.13 is built on collector 0.140, whose counters keep the _total suffix.
            expr: `sum by (pod) (rate(otelcol_exporter_send_failed_spans_total{${ns}, exporter="${input.jaegerStorageExporter}"}[5m])) > 0`,
            for: "5m",
            labels: { severity: "critical" },
            annotations: {
                summary: "Jaeger fails to write spans to Elasticsearch",
                description:
                    "{{ $labels.pod }} keeps failing to write spans. Check Elasticsearch's health (cluster status, disk watermarks, the jaeger user's privileges).",
                runbook: runbook("TracingJaegerStorageWriteErrors"),
            },
        },
    ];

    const orders: AlertRule[] = [
        {
            alert: "OrderFlowErrors",
            expr: `sum by (service_name, span_name) (rate(${calls}{${entry}, status_code="${statusError}"}[5m])) / sum by (service_name, span_name) (rate(${calls}{${entry}}[5m])) > ${input.errorRatio}`,
            for: "10m",
            labels: { severity: "warning" },
            annotations: {
                summary: `{{ $labels.service_name }}: over ${input.errorRatio * 100} % of "{{ $labels.span_name }}" fail`,
                description: `More than ${input.errorRatio * 100} % (tracing:monitoring.errorRatio) of the operation's requests or messages end in error. Open the operation's error traces in Jaeger (every error trace is kept).`,
                runbook: runbook("OrderFlowErrors"),
            },
        },
        {
            alert: "OrderFlowSlow",
            expr: `histogram_quantile(0.95, sum by (le, service_name, span_name) (rate(${spanMetricNames.durationBucket}{${entry}}[5m]))) > ${input.slowTraceMs}`,
            for: "10m",
            labels: { severity: "warning" },
            annotations: {
                summary: `{{ $labels.service_name }}: p95 of "{{ $labels.span_name }}" is over ${input.slowTraceMs} ms`,
                description: `The 95th percentile is over ${input.slowTraceMs} ms (tracing:sampling.slowTraceMs). The slow traces are kept: search Jaeger for the operation with minDuration ${input.slowTraceMs}ms.`,
                runbook: runbook("OrderFlowSlow"),
            },
        },
        {
            alert: "MessagesPublishedNotConsumed",
            expr: `${published} - (${consumed} or ${published} * 0) > 0.5 + 0.02 * ${published}`,
            for: "5m",
            labels: { severity: "critical" },
            annotations: {
                summary:
                    "Messages to {{ $labels.messaging_destination_name }} / {{ $labels.messaging_rabbitmq_destination_routing_key }} are not consumed",
                description: `Messages published over ${lag} minutes ago (tracing:monitoring.unconsumedAfterMinutes) have no consume span: orders are stuck or lost in RabbitMQ. Check the consumer's pods and the queue in RabbitMQ's management UI.`,
                runbook: runbook("MessagesPublishedNotConsumed"),
            },
        },
    ];
    return {
        groups: [
            { name: "tracing-pipeline", rules: pipeline },
            { name: "order-flow", rules: orders },
        ],
    };
}
