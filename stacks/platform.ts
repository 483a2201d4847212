import * as pulumi from "@pulumi/pulumi";
import { CertManager } from "../components/cert-manager";
import { CollectorAgent } from "../components/collector-agent";
import { CollectorGateway } from "../components/collector-gateway";
import { PlatformNamespace } from "../components/namespace";
import { OtelOperator } from "../components/otel-operator";
import { WorkloadInjection } from "../components/workload-injection";
import { renderInstrumentationSpec } from "../renderers/instrumentation";
import type { StackConfig } from "./schema";

export const instrumentationName = "tracing";

/** Where the gateway sends sampled traces: the Jaeger collector of this platform unless config says otherwise. */
export function jaegerCollectorEndpoint(config: StackConfig): string {
    return config.collector.gateway.exportEndpoint ?? `jaeger-collector.${config.namespace}.svc.cluster.local:4317`;
}

/** Composes the platform from a validated configuration; returns the stack outputs. */
export function deployPlatform(config: StackConfig) {
    const ns = config.namespace;
    const namespace = new PlatformNamespace("tracing", { name: ns });
    const inNamespace = { dependsOn: [namespace] };

    const certManager = new CertManager("cert-manager", {
        install: config.tls.installCertManager,
        clusterIssuer: config.tls.clusterIssuer,
    });

    const gateway = new CollectorGateway(
        "gateway",
        {
            namespace: ns,
            replicas: config.collector.gateway.replicas,
            memoryMiB: config.collector.gateway.memoryMiB,
            cpu: config.collector.gateway.cpu,
            queueStorageGi: config.collector.gateway.queueStorageGi,
            sampling: config.sampling,
            exportEndpoint: jaegerCollectorEndpoint(config),
        },
        inNamespace,
    );

    const agent = new CollectorAgent(
        "agent",
        {
            namespace: ns,
            memoryMiB: config.collector.agent.memoryMiB,
            cpu: config.collector.agent.cpu,
            orderIdHeader: config.orderIdHeader,
            userIdHeader: config.userIdHeader,
            pii: config.pii,
            gatewayService: gateway.serviceName,
            gatewayPort: gateway.port,
        },
        inNamespace,
    );

    const operator = new OtelOperator(
        "otel-operator",
        {
            namespace: namespace.name,
            instrumentationName,
            instrumentationSpec: renderInstrumentationSpec({
                agentEndpoint: agent.otlpHttpEndpoint,
                headPercent: config.sampling.headPercent,
                orderIdHeader: config.orderIdHeader,
                userIdHeader: config.userIdHeader,
            }),
            webhookFailurePolicy: config.operator.webhookFailurePolicy,
            certManagerReady: certManager.ready,
        },
        inNamespace,
    );

    new WorkloadInjection("inject", {
        workloads: config.workloads,
        instrumentationRef: operator.instrumentationRef,
        instrumentation: operator.instrumentation,
    });

    return {
        namespace: namespace.name,
        certificateIssuer: certManager.issuerName,
        instrumentation: operator.instrumentationRef,
        agentEndpoint: agent.otlpHttpEndpoint,
        gatewayReplicas: config.collector.gateway.replicas,
        instrumentedWorkloads: config.workloads.map((w) => `${w.namespace}/${w.name} (${w.language})`),
        retentionDays: config.retentionDays,
    } satisfies Record<string, pulumi.Input<unknown>>;
}
