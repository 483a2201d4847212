import * as pulumi from "@pulumi/pulumi";
import { CertManager } from "../components/cert-manager";
import { CollectorAgent } from "../components/collector-agent";
import { CollectorGateway } from "../components/collector-gateway";
import { Elasticsearch, ElasticsearchConnection } from "../components/elasticsearch";
import { IndexCleaner, indexCleanerName } from "../components/index-cleaner";
import { Jaeger, jaegerBaseName } from "../components/jaeger";
import { alertRulesInput, Monitoring } from "../components/monitoring";
import { PlatformNamespace } from "../components/namespace";
import { NetworkPolicies } from "../components/network-policies";
import { OtelOperator } from "../components/otel-operator";
import { SsoProxy, ssoProxyName, ssoProxyNameOf } from "../components/sso-proxy";
import { UiExposure } from "../components/ui-exposure";
import { podSelector } from "../components/pod-conventions";
import { platformImages } from "../components/versions";
import { WorkloadInjection } from "../components/workload-injection";
import { renderInstrumentationSpec } from "../renderers/instrumentation";
import { storageBudget } from "../config/storage-budget";
import type { StackConfig } from "../config/schema";
import { viewIndexPrefix, viewPath } from "../config/views";

export const instrumentationName = "tracing";
export const operatorNamespace = "opentelemetry-operator-system";

/** Who scrapes the metrics ports, and where Jaeger's Monitor tab queries (tracing:monitoring). */
export function prometheusReach(
    config: StackConfig,
): { namespace: string; port: number; queriedByJaeger: boolean } | undefined {
    const { prometheusNamespace, prometheusUrl } = config.monitoring;
    if (prometheusNamespace === undefined) return undefined;
    const url = prometheusUrl === undefined ? undefined : new URL(prometheusUrl);
    const port = url === undefined ? 9090 : Number(url.port || (url.protocol === "https:" ? 443 : 80));
    return { namespace: prometheusNamespace, port, queriedByJaeger: url !== undefined };
}

/** Composes the platform from a validated configuration; returns the stack outputs. */
export function deployPlatform(config: StackConfig) {
    const ns = config.namespace;
    const images = platformImages(config.imageRegistry);
    const namespace = new PlatformNamespace("tracing", { name: ns, create: config.createNamespace });
    const inNamespace = { dependsOn: [namespace] };

    const certManager = new CertManager("cert-manager", {
        install: config.tls.installCertManager,
        clusterIssuer: config.tls.clusterIssuer,
        chart: config.charts.certManager,
        imageRegistry: config.imageRegistry,
    });

    const esConfig = config.elasticsearch;
    // Team views: each its own indices, Jaeger, proxy and path (README, "Team views").
    const views = config.views.map((v) => ({
        ...v,
        indexPrefix: viewIndexPrefix(esConfig.indexPrefix, v.name),
        path: viewPath(v.name),
    }));
    const elasticsearch: ElasticsearchConnection =
        esConfig.mode === "in-cluster"
            ? new Elasticsearch(
                  "elasticsearch",
                  {
                      ...esConfig,
                      namespace: ns,
                      image: images.elasticsearch,
                      issuerName: certManager.issuerName,
                      certManagerReady: certManager.ready,
                      protect: config.protectData,
                      views,
                  },
                  inNamespace,
              ).connection
            : {
                  url: esConfig.url,
                  // An external cluster's users are its owners' business: one Secret serves every client.
                  credentials: {
                      collector: esConfig.credentialsSecret,
                      query: esConfig.credentialsSecret,
                      combined: esConfig.credentialsSecret,
                      cleaner: esConfig.credentialsSecret,
                  },
                  viewCredentials: Object.fromEntries(views.map((v) => [v.name, esConfig.credentialsSecret])),
                  caSecret: esConfig.caSecret,
                  reach: {
                      kind: "external",
                      ranges: esConfig.egressRanges,
                      port: Number(new URL(esConfig.url).port || 443),
                  },
              };

    const jaeger = new Jaeger(
        "jaeger",
        {
            ...config.jaeger,
            namespace: ns,
            image: images.jaeger,
            elasticsearch,
            indexPrefix: esConfig.indexPrefix,
            shards: esConfig.shards,
            replicas: esConfig.replicas,
            prometheusUrl: config.monitoring.prometheusUrl,
        },
        inNamespace,
    );

    const viewJaegers = views.map(
        (v) =>
            new Jaeger(
                jaegerBaseName(v.name),
                {
                    ...config.jaeger,
                    namespace: ns,
                    image: images.jaeger,
                    elasticsearch,
                    indexPrefix: v.indexPrefix,
                    shards: esConfig.shards,
                    replicas: esConfig.replicas,
                    view: { name: v.name, basePath: v.path },
                },
                inNamespace,
            ),
    );

    new IndexCleaner(
        "index-cleaner",
        {
            namespace: ns,
            image: images.esIndexCleaner,
            retentionDays: config.retentionDays,
            indexPrefix: esConfig.indexPrefix,
            elasticsearch,
            views,
        },
        inNamespace,
    );

    const gateway = new CollectorGateway(
        "gateway",
        {
            ...config.collector.gateway,
            namespace: ns,
            image: images.collector,
            sampling: config.sampling,
            exportEndpoint: config.collector.gateway.exportEndpoint ?? jaeger.collectorEndpoint,
            protect: config.protectData,
            views: views.map((v, i) => ({
                name: v.name,
                namespaces: v.namespaces,
                services: v.services,
                exportEndpoint: viewJaegers[i].collectorEndpoint,
            })),
        },
        inNamespace,
    );

    const agent = new CollectorAgent(
        "agent",
        {
            ...config.collector.agent,
            namespace: ns,
            image: images.collector,
            orderIdHeader: config.orderIdHeader,
            orderIdPathPattern: config.orderIdPathPattern,
            userIdHeader: config.userIdHeader,
            pii: config.pii,
            gatewayService: gateway.serviceName,
            gatewayPort: gateway.port,
        },
        inNamespace,
    );

    const sso = new SsoProxy(
        "sso",
        {
            namespace: ns,
            image: images.oauth2Proxy,
            sso: config.sso,
            host: config.exposure.host,
            upstream: jaeger.queryUrl,
            trustedProxyRanges: config.exposure.proxyRanges,
        },
        inNamespace,
    );
    const viewProxies = views.map(
        (v, i) =>
            new SsoProxy(
                ssoProxyNameOf(v.name),
                {
                    namespace: ns,
                    image: images.oauth2Proxy,
                    sso: config.sso,
                    host: config.exposure.host,
                    upstream: viewJaegers[i].queryUrl,
                    trustedProxyRanges: config.exposure.proxyRanges,
                    view: { name: v.name, path: v.path, groups: v.groups },
                },
                inNamespace,
            ),
    );

    const ui = new UiExposure(
        "ui",
        {
            namespace: ns,
            exposure: config.exposure,
            issuerName: certManager.issuerName,
            certManagerReady: certManager.ready,
            backendService: sso.serviceName,
            backendPort: sso.port,
            viewRoutes: views.map((v, i) => ({ path: v.path, backendService: viewProxies[i].serviceName })),
        },
        inNamespace,
    );

    new NetworkPolicies(
        "network",
        {
            namespace: ns,
            workloadNamespaces: [...new Set(config.workloads.map((w) => w.namespace))],
            selectors: {
                agent: podSelector("otel-agent"),
                gateway: podSelector(gateway.serviceName),
                jaegerCollector: jaeger.podSelectors.collector,
                jaegerQuery: jaeger.podSelectors.query,
                ssoProxy: podSelector(ssoProxyName),
                indexCleaner: podSelector(indexCleanerName),
            },
            storage: elasticsearch.reach,
            controllerNamespace: config.exposure.controllerNamespace,
            providerRanges: config.sso.providerRanges,
            apiServerRanges: config.network.apiServerRanges,
            dnsNamespace: config.network.dnsNamespace,
            prometheus: prometheusReach(config),
            views: views.map((v) => ({
                name: v.name,
                jaeger: podSelector(jaegerBaseName(v.name)),
                ssoProxy: podSelector(ssoProxyNameOf(v.name)),
            })),
            grafanaNamespace: config.monitoring.grafanaDatasources
                ? config.monitoring.grafanaDashboardNamespace
                : undefined,
        },
        inNamespace,
    );

    new Monitoring(
        "monitoring",
        {
            namespace: ns,
            monitoring: config.monitoring,
            targets: [
                { name: "otel-agent", selector: podSelector("otel-agent"), ports: ["metrics"] },
                {
                    name: gateway.serviceName,
                    selector: podSelector(gateway.serviceName),
                    ports: ["metrics", "span-metrics"],
                    honorLabels: true,
                },
                ...jaeger.deployments.map((d) => ({ name: d.name, selector: podSelector(d.name), ports: ["metrics"] })),
                { name: ssoProxyName, selector: podSelector(ssoProxyName), ports: ["metrics"] },
                ...viewJaegers.flatMap((j) =>
                    j.deployments.map((d) => ({ name: d.name, selector: podSelector(d.name), ports: ["metrics"] })),
                ),
                ...viewProxies.map((p) => ({
                    name: p.serviceName,
                    selector: podSelector(p.serviceName),
                    ports: ["metrics"],
                })),
            ],
            rules: alertRulesInput(config),
            dashboard: { services: config.workloads.map((w) => w.name), slowTraceMs: config.sampling.slowTraceMs },
            datasources: [
                { name: "all", orgId: config.monitoring.grafanaOrgId, url: jaeger.queryUrl },
                ...views.map((v, i) => ({
                    name: v.name,
                    // Validated: set for every view when data sources are provisioned.
                    orgId: v.grafanaOrgId ?? config.monitoring.grafanaOrgId,
                    url: `${viewJaegers[i].queryUrl}${v.path}`,
                })),
            ],
        },
        inNamespace,
    );

    const instrumentationSpec = renderInstrumentationSpec({
        agentEndpoint: agent.otlpHttpEndpoint,
        headPercent: config.sampling.headPercent,
        orderIdHeader: config.orderIdHeader,
        userIdHeader: config.userIdHeader,
        agentImages: images.agents,
    });
    const operator = new OtelOperator(
        "otel-operator",
        {
            namespace: namespace.name,
            operatorNamespace,
            instrumentationName,
            instrumentationSpec,
            webhookFailurePolicy: config.operator.webhookFailurePolicy,
            install: config.operator.install,
            chart: config.charts.otelOperator,
            imageRegistry: config.imageRegistry,
            certManagerReady: certManager.ready,
        },
        inNamespace,
    );

    new WorkloadInjection("inject", {
        workloads: config.workloads,
        instrumentationRef: operator.instrumentationRef,
        instrumentation: operator.instrumentation,
        instrumentationSpec,
    });

    return {
        namespace: namespace.name,
        uiUrl: ui.url,
        certificateIssuer: certManager.issuerName,
        instrumentation: operator.instrumentationRef,
        agentEndpoint: agent.otlpHttpEndpoint,
        jaegerCollectorEndpoint: jaeger.collectorEndpoint,
        gatewayReplicas: config.collector.gateway.replicas,
        instrumentedWorkloads: config.workloads.map((w) => `${w.namespace}/${w.name} (${w.language})`),
        retentionDays: config.retentionDays,
        storageBudget: storageBudget(config),
        views: [
            { name: "all", url: ui.url, groups: config.sso.allowedGroups },
            ...views.map((v) => ({ name: v.name, url: `${ui.url}${v.path.slice(1)}/`, groups: v.groups })),
        ],
    } satisfies Record<string, pulumi.Input<unknown>>;
}
