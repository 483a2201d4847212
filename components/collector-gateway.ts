import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { toCollectorYaml } from "../renderers/collector-common";
import { podListen } from "../renderers/collector-types";
import {
    gatewayTerminationGraceSeconds,
    queueBytesFor,
    type GatewayView,
    renderGatewayConfig,
    spanMetricsPodPort,
} from "../renderers/gateway-config";
import type { GatewayConfig, SamplingConfig } from "../config/schema";
import { collectorConfigFile, collectorContainer, configChecksum, otlpPorts } from "./collector-pod";
import { onePodAtATime, platformLabels, podSelector, restrictedPodSecurity } from "./pod-conventions";
import { claimSizePatches, statefulStorageOptions } from "./stateful-storage";

export interface CollectorGatewayArgs extends Pick<GatewayConfig, "replicas" | "memoryMiB" | "cpu" | "queueStorageGi"> {
    /** The image to run (pinned in versions.json, through the configured mirror). */
    image: string;
    namespace: string;
    sampling: SamplingConfig;
    /** OTLP/gRPC endpoint (host:port) of the Jaeger collector. */
    exportEndpoint: string;
    /** Pulumi refuses to delete or replace the StatefulSet that holds the queued spans. */
    protect: boolean;
    /** Team views: each gets its services' kept spans at its own Jaeger. */
    views: GatewayView[];
}

export const gatewayName = "otel-gateway";
const queueDirectory = "/var/lib/otelcol/queue";
export const spanMetricsContainerPort = {
    name: "span-metrics",
    containerPort: spanMetricsPodPort,
    protocol: "TCP",
} as const;

/**
 * The tail-sampling gateway: a StatefulSet behind a headless Service, so that the agents'
 * load_balancing exporter sees every replica and sends all spans of a trace to the same one, and
 * each replica keeps its export queue on its own volume across restarts.
 */
export class CollectorGateway extends pulumi.ComponentResource {
    readonly configYaml: string;
    readonly serviceName = gatewayName;
    readonly port = podListen.otlpGrpcPort;
    readonly statefulSet: k8s.apps.v1.StatefulSet;

    constructor(name: string, args: CollectorGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracing:platform:CollectorGateway", name, {}, opts);
        const ns = args.namespace;
        const labels = platformLabels(gatewayName, "collector-gateway");
        const selector = podSelector(gatewayName);

        this.configYaml = toCollectorYaml(
            renderGatewayConfig({
                listen: podListen,
                memoryLimitMiB: args.memoryMiB,
                sampling: args.sampling,
                exportEndpoint: args.exportEndpoint,
                queueDirectory,
                queueBytes: queueBytesFor(args.queueStorageGi),
                spanMetricsPort: spanMetricsPodPort,
                views: args.views,
            }),
        );

        const serviceAccount = new k8s.core.v1.ServiceAccount(
            name,
            { metadata: { name: gatewayName, namespace: ns, labels }, automountServiceAccountToken: false },
            { parent: this },
        );
        const configMap = new k8s.core.v1.ConfigMap(
            name,
            {
                metadata: { name: gatewayName, namespace: ns, labels },
                data: { [collectorConfigFile]: this.configYaml },
            },
            { parent: this },
        );
        const service = new k8s.core.v1.Service(
            name,
            {
                metadata: { name: gatewayName, namespace: ns, labels },
                spec: {
                    clusterIP: "None",
                    selector,
                    ports: [
                        { name: "otlp-grpc", port: podListen.otlpGrpcPort, targetPort: "otlp-grpc", protocol: "TCP" },
                    ],
                },
            },
            { parent: this },
        );
        this.statefulSet = new k8s.apps.v1.StatefulSet(
            name,
            {
                metadata: { name: gatewayName, namespace: ns, labels },
                spec: {
                    serviceName: service.metadata.name,
                    replicas: args.replicas,
                    podManagementPolicy: "Parallel",
                    selector: { matchLabels: selector },
                    template: {
                        metadata: { labels, annotations: configChecksum(this.configYaml) },
                        spec: {
                            serviceAccountName: serviceAccount.metadata.name,
                            automountServiceAccountToken: false,
                            securityContext: restrictedPodSecurity(),
                            terminationGracePeriodSeconds: gatewayTerminationGraceSeconds,
                            affinity: {
                                podAntiAffinity: {
                                    preferredDuringSchedulingIgnoredDuringExecution: [
                                        {
                                            weight: 100,
                                            podAffinityTerm: {
                                                topologyKey: "kubernetes.io/hostname",
                                                labelSelector: { matchLabels: selector },
                                            },
                                        },
                                    ],
                                },
                            },
                            containers: [
                                collectorContainer({
                                    image: args.image,
                                    memoryMiB: args.memoryMiB,
                                    cpu: args.cpu,
                                    ports: [otlpPorts.grpc, otlpPorts.metrics, spanMetricsContainerPort],
                                    volumeMounts: [{ name: "queue", mountPath: queueDirectory }],
                                }),
                            ],
                            volumes: [{ name: "config", configMap: { name: configMap.metadata.name } }],
                        },
                    },
                    volumeClaimTemplates: [
                        {
                            metadata: { name: "queue", labels },
                            spec: {
                                accessModes: ["ReadWriteOnce"],
                                resources: { requests: { storage: `${args.queueStorageGi}Gi` } },
                            },
                        },
                    ],
                },
            },
            { parent: this, ...statefulStorageOptions(args.protect) },
        );
        claimSizePatches(
            `${name}-size`,
            {
                namespace: ns,
                statefulSet: gatewayName,
                template: "queue",
                replicas: args.replicas,
                sizeGi: args.queueStorageGi,
            },
            { parent: this, dependsOn: [this.statefulSet] },
        );
        onePodAtATime(name, { name: gatewayName, namespace: ns, labels }, selector, { parent: this });
        this.registerOutputs({ service: gatewayName, replicas: args.replicas });
    }
}
