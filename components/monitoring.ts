import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dashboardConfigMapData, renderOrderFlowDashboard } from "../renderers/grafana-dashboard";
import {
    datasourceConfigMapData,
    datasourceLabel,
    datasourceUid,
    DatasourceView,
} from "../renderers/grafana-datasources";
import { AlertRulesInput, PrometheusRuleSpec, renderAlertRules } from "../renderers/prometheus-rules";
import { scrapeInterval } from "../renderers/span-metrics";
import type { MonitoringConfig, StackConfig } from "../config/schema";
import { agentName } from "./collector-agent";
import { customResource } from "./custom-resources";
import { indexCleanerName } from "./index-cleaner";
import { platformLabels } from "./pod-conventions";

export { scrapeInterval };

/** One scrape target group: the pods a selector picks, and the named container ports to scrape. */
export interface ScrapeTarget {
    name: string;
    selector: Record<string, string>;
    ports: string[];
    /** Keep the job and instance labels the target writes (the span metrics name their service). */
    honorLabels?: boolean;
}

/** prometheus-operator's PodMonitor (monitoring.coreos.com/v1), the fields we set. */
export interface PodMonitorSpec {
    selector: { matchLabels: Record<string, string> };
    namespaceSelector: { matchNames: string[] };
    podMetricsEndpoints: { port: string; path: string; interval: string; honorLabels?: boolean }[];
}

export interface MonitoringArgs {
    namespace: string;
    monitoring: MonitoringConfig;
    targets: ScrapeTarget[];
    rules: AlertRulesInput;
    dashboard: { services: string[]; slowTraceMs: number };
    /** Every view's Jaeger data source (tracing:monitoring.grafanaDatasources). */
    datasources: DatasourceView[];
}

/** What the alert rules need to know of a stack. */
export function alertRulesInput(config: StackConfig): AlertRulesInput {
    return {
        namespace: config.namespace,
        services: config.workloads.map((w) => w.name),
        slowTraceMs: config.sampling.slowTraceMs,
        errorRatio: config.monitoring.errorRatio,
        unconsumedAfterMinutes: config.monitoring.unconsumedAfterMinutes,
        agentDaemonSet: agentName,
        gatewayStatefulSet: "otel-gateway",
        gatewayQueueClaim: "queue",
        indexCleanerCronJob: indexCleanerName,
        jaegerStorageExporter: "jaeger_storage_exporter",
    };
}

/** Grafana's namespace, and the read that proves it exists (none when it is the platform's). */
interface GrafanaNamespace {
    namespace: string;
    dependsOn: pulumi.Resource[];
}

/**
 * How the platform is watched, as kube-prometheus-stack users expect: a PodMonitor per component
 * and a PrometheusRule (tracing:monitoring.prometheusOperator), and the order-flow dashboard as a
 * ConfigMap for Grafana's dashboard sidecar (tracing:monitoring.grafanaDashboard).
 */
export class Monitoring extends pulumi.ComponentResource {
    readonly rules: PrometheusRuleSpec;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracing:platform:Monitoring", name, {}, opts);
        this.rules = renderAlertRules(args.rules);
        if (args.monitoring.prometheusOperator) {
            this.podMonitors(name, args);
            this.prometheusRule(name, args);
        }
        const grafana = this.grafanaNamespace(name, args);
        if (args.monitoring.grafanaDashboard) this.dashboard(name, args, grafana);
        if (args.monitoring.grafanaDatasources) this.datasources(name, args, grafana);
        this.registerOutputs({});
    }

    private podMonitors(name: string, args: MonitoringArgs): void {
        for (const target of args.targets) {
            customResource<PodMonitorSpec>(
                `${name}-${target.name}`,
                {
                    apiVersion: "monitoring.coreos.com/v1",
                    kind: "PodMonitor",
                    metadata: {
                        name: target.name,
                        namespace: args.namespace,
                        labels: { ...platformLabels(target.name, "monitoring"), ...args.monitoring.selectorLabels },
                    },
                    spec: {
                        selector: { matchLabels: target.selector },
                        namespaceSelector: { matchNames: [args.namespace] },
                        podMetricsEndpoints: target.ports.map((port) => ({
                            port,
                            path: "/metrics",
                            interval: scrapeInterval,
                            ...(target.honorLabels === true ? { honorLabels: true } : {}),
                        })),
                    },
                },
                { parent: this },
            );
        }
    }

    private prometheusRule(name: string, args: MonitoringArgs): void {
        customResource<PrometheusRuleSpec>(
            `${name}-rules`,
            {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "PrometheusRule",
                metadata: {
                    name: "tracing-platform",
                    namespace: args.namespace,
                    labels: { ...platformLabels("tracing-platform", "monitoring"), ...args.monitoring.selectorLabels },
                },
                spec: this.rules,
            },
            { parent: this },
        );
    }

    /**
     * Where Grafana's sidecars look. Another namespace than the platform's is Grafana's own, which
     * must exist: it is read first, so a missing one stops `pulumi preview` and `up` at once, naming
     * it, instead of failing the ConfigMaps half-way through an update.
     */
    private grafanaNamespace(name: string, args: MonitoringArgs): GrafanaNamespace {
        const ns = args.monitoring.grafanaDashboardNamespace ?? args.namespace;
        const wanted = args.monitoring.grafanaDashboard || args.monitoring.grafanaDatasources;
        if (!wanted || ns === args.namespace) return { namespace: ns, dependsOn: [] };
        return {
            namespace: ns,
            dependsOn: [k8s.core.v1.Namespace.get(`${name}-grafana-namespace`, ns, { parent: this })],
        };
    }

    private dashboard(name: string, args: MonitoringArgs, grafana: GrafanaNamespace): void {
        const dashboard = renderOrderFlowDashboard({
            namespace: args.namespace,
            services: args.dashboard.services,
            slowTraceMs: args.dashboard.slowTraceMs,
        });
        new k8s.core.v1.ConfigMap(
            `${name}-dashboard`,
            {
                metadata: {
                    name: "tracing-order-flow-dashboard",
                    namespace: grafana.namespace,
                    // The label Grafana's dashboard sidecar (kube-prometheus-stack's default) looks for.
                    labels: { ...platformLabels("tracing-order-flow-dashboard", "monitoring"), grafana_dashboard: "1" },
                },
                data: dashboardConfigMapData(dashboard),
            },
            { parent: this, dependsOn: grafana.dependsOn },
        );
    }

    /** One ConfigMap per view in Grafana's namespace, where its datasource sidecar looks. */
    private datasources(name: string, args: MonitoringArgs, grafana: GrafanaNamespace): void {
        for (const view of args.datasources) {
            const configMapName = datasourceUid(view.name);
            new k8s.core.v1.ConfigMap(
                `${name}-datasource-${view.name}`,
                {
                    metadata: {
                        name: configMapName,
                        namespace: grafana.namespace,
                        labels: { ...platformLabels(configMapName, "monitoring"), ...datasourceLabel },
                    },
                    data: datasourceConfigMapData(view),
                },
                { parent: this, dependsOn: grafana.dependsOn },
            );
        }
    }
}
