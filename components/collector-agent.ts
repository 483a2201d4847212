import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { renderAgentConfig } from "../renderers/agent-config";
import { toCollectorYaml } from "../renderers/collector-common";
import { podListen } from "../renderers/collector-types";
import type { AgentConfig, StackConfig } from "../config/schema";
import { collectorConfigFile, collectorContainer, configChecksum, otlpPorts } from "./collector-pod";
import { platformLabels, podSelector, restrictedPodSecurity } from "./pod-conventions";

export interface CollectorAgentArgs
    extends
        Pick<AgentConfig, "memoryMiB" | "cpu" | "exportCompression">,
        Pick<StackConfig, "orderIdHeader" | "orderIdPathPattern" | "userIdHeader" | "pii"> {
    /** The image to run (pinned in versions.json, through the configured mirror). */
    image: string;
    namespace: string;
    /** Headless Service of the gateway, which the load_balancing exporter resolves through the API. */
    gatewayService: string;
    gatewayPort: number;
}

export const agentName = "otel-agent";

/**
 * The node agent: a DaemonSet that receives OTLP from the pods on its node through a node-local
 * Service (`internalTrafficPolicy: Local`; hostPort is forbidden by Pod Security `restricted`),
 * enriches with Kubernetes metadata, scrubs personal data and routes each trace to one gateway.
 */
export class CollectorAgent extends pulumi.ComponentResource {
    readonly configYaml: string;
    /** OTLP/HTTP endpoint the Instrumentation hands to the language agents. */
    readonly otlpHttpEndpoint: string;
    readonly service: k8s.core.v1.Service;
    readonly daemonSet: k8s.apps.v1.DaemonSet;

    constructor(name: string, args: CollectorAgentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracing:platform:CollectorAgent", name, {}, opts);
        const ns = args.namespace;
        const labels = platformLabels(agentName, "collector-agent");
        const selector = podSelector(agentName);

        this.configYaml = toCollectorYaml(
            renderAgentConfig({
                listen: podListen,
                memoryLimitMiB: args.memoryMiB,
                orderIdHeader: args.orderIdHeader,
                orderIdPathPattern: args.orderIdPathPattern,
                userIdHeader: args.userIdHeader,
                pii: args.pii,
                gatewayResolver: { k8s: { service: `${args.gatewayService}.${ns}`, ports: [args.gatewayPort] } },
                kubernetesMetadata: true,
                exportCompression: args.exportCompression,
            }),
        );

        const serviceAccount = this.access(name, ns, labels);

        const configMap = new k8s.core.v1.ConfigMap(
            name,
            { metadata: { name: agentName, namespace: ns, labels }, data: { [collectorConfigFile]: this.configYaml } },
            { parent: this },
        );

        this.daemonSet = new k8s.apps.v1.DaemonSet(
            name,
            {
                metadata: { name: agentName, namespace: ns, labels },
                spec: {
                    selector: { matchLabels: selector },
                    updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
                    template: {
                        metadata: { labels, annotations: configChecksum(this.configYaml) },
                        spec: {
                            serviceAccountName: serviceAccount.metadata.name,
                            securityContext: restrictedPodSecurity(),
                            // Apps on tainted nodes need their agent too.
                            tolerations: [{ operator: "Exists" }],
                            containers: [
                                collectorContainer({
                                    image: args.image,
                                    memoryMiB: args.memoryMiB,
                                    cpu: args.cpu,
                                    ports: [otlpPorts.grpc, otlpPorts.http, otlpPorts.metrics],
                                }),
                            ],
                            volumes: [{ name: "config", configMap: { name: configMap.metadata.name } }],
                        },
                    },
                },
            },
            { parent: this },
        );

        this.service = new k8s.core.v1.Service(
            name,
            {
                metadata: { name: agentName, namespace: ns, labels },
                spec: {
                    type: "ClusterIP",
                    selector,
                    // Each pod talks to the agent on its own node: k8s_attributes sees the pod's IP.
                    internalTrafficPolicy: "Local",
                    ports: [
                        { name: "otlp-grpc", port: podListen.otlpGrpcPort, targetPort: "otlp-grpc", protocol: "TCP" },
                        { name: "otlp-http", port: podListen.otlpHttpPort, targetPort: "otlp-http", protocol: "TCP" },
                    ],
                },
            },
            { parent: this },
        );
        this.otlpHttpEndpoint = `http://${agentName}.${ns}.svc.cluster.local:${podListen.otlpHttpPort}`;
        this.registerOutputs({ otlpHttpEndpoint: this.otlpHttpEndpoint });
    }

    /**
     * The agent's identity and what it may read: k8s_attributes reads pods, namespaces and replicasets
     * (for the deployment name) cluster-wide; the load_balancing exporter's k8s resolver watches the
     * gateway's EndpointSlices in our namespace only.
     */
    private access(name: string, ns: string, labels: Record<string, string>): k8s.core.v1.ServiceAccount {
        const serviceAccount = new k8s.core.v1.ServiceAccount(
            name,
            { metadata: { name: agentName, namespace: ns, labels } },
            { parent: this },
        );
        const clusterRole = new k8s.rbac.v1.ClusterRole(
            name,
            {
                metadata: { name: `tracing-${agentName}`, labels },
                rules: [
                    { apiGroups: [""], resources: ["pods", "namespaces"], verbs: ["get", "list", "watch"] },
                    { apiGroups: ["apps"], resources: ["replicasets"], verbs: ["get", "list", "watch"] },
                ],
            },
            { parent: this },
        );
        new k8s.rbac.v1.ClusterRoleBinding(
            name,
            {
                metadata: { name: `tracing-${agentName}`, labels },
                roleRef: {
                    apiGroup: "rbac.authorization.k8s.io",
                    kind: "ClusterRole",
                    name: clusterRole.metadata.name,
                },
                subjects: [{ kind: "ServiceAccount", name: agentName, namespace: ns }],
            },
            { parent: this },
        );
        const role = new k8s.rbac.v1.Role(
            `${name}-resolver`,
            {
                metadata: { name: `${agentName}-resolver`, namespace: ns, labels },
                rules: [
                    { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] },
                ],
            },
            { parent: this },
        );
        new k8s.rbac.v1.RoleBinding(
            `${name}-resolver`,
            {
                metadata: { name: `${agentName}-resolver`, namespace: ns, labels },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
                subjects: [{ kind: "ServiceAccount", name: agentName, namespace: ns }],
            },
            { parent: this },
        );
        return serviceAccount;
    }
}
