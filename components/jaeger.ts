import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { JaegerStackConfig } from "../config/schema";
import {
    esCredentialEnv,
    JaegerRole,
    jaegerPodListen,
    renderJaegerConfig,
    toJaegerYaml,
} from "../renderers/jaeger-config";
import { configChecksum } from "./collector-pod";
import { caFileVolume, type ElasticsearchConnection } from "./elasticsearch";
import {
    downwardEnv,
    httpProbe,
    onePodAtATime,
    platformLabels,
    podSelector,
    resources,
    restrictedContainerSecurity,
    restrictedPodSecurity,
} from "./pod-conventions";

/** `roles`: `combined`, one Deployment for both roles; `split`, a collector and a query Deployment. */
export interface JaegerArgs extends Pick<
    JaegerStackConfig,
    "roles" | "collectorReplicas" | "queryReplicas" | "cpu" | "memoryMiB"
> {
    /** The image to run (pinned in versions.json, through the configured mirror). */
    image: string;
    namespace: string;
    elasticsearch: ElasticsearchConnection;
    indexPrefix: string;
    shards: number;
    replicas: number;
    /** Prometheus' HTTP API with the span metrics, for the Monitor tab (SPM). */
    prometheusUrl?: string;
    /**
     * A team view: one Deployment with both roles, named after the view, serving under the view's path
     * and logging in as the view's own Elasticsearch user. No Monitor tab: its span metrics would answer
     * for every service.
     */
    view?: { name: string; basePath: string };
}

/** The name every object of a Jaeger is derived from: `jaeger`, or `jaeger-<view>` for a team view. */
export const jaegerBaseName = (view?: string): string => (view === undefined ? "jaeger" : `jaeger-${view}`);
export const jaegerCollectorServiceName = (view?: string): string => `${jaegerBaseName(view)}-collector`;
export const jaegerQueryServiceName = (view?: string): string => `${jaegerBaseName(view)}-query`;
export const jaegerCollectorService = jaegerCollectorServiceName();
export const jaegerQueryService = jaegerQueryServiceName();
const caDir = "/etc/jaeger/es-ca";

interface RoleDeployment {
    name: string;
    role: JaegerRole;
    replicas: number;
}

/** The Deployments for the chosen layout; in `combined` one Deployment carries both Services. */
export function jaegerDeployments(
    args: Pick<JaegerArgs, "roles" | "collectorReplicas" | "queryReplicas" | "view">,
): RoleDeployment[] {
    if (args.view !== undefined)
        return [{ name: jaegerBaseName(args.view.name), role: "combined", replicas: args.queryReplicas }];
    return args.roles === "combined"
        ? [{ name: "jaeger", role: "combined", replicas: 1 }]
        : [
              { name: "jaeger-collector", role: "collector", replicas: args.collectorReplicas },
              { name: "jaeger-query", role: "query", replicas: args.queryReplicas },
          ];
}

/**
 * Jaeger v2 on Elasticsearch: the collector role receives OTLP from the gateway and writes daily
 * indices; the query role serves the UI and API (behind oauth2-proxy only). ClusterIP Services only.
 */
export class Jaeger extends pulumi.ComponentResource {
    /** OTLP/gRPC endpoint the gateway exports to. */
    readonly collectorEndpoint: string;
    /** HTTP address oauth2-proxy forwards to. */
    readonly queryUrl: string;
    readonly deployments: RoleDeployment[];
    /** The pods each role's Service selects (the NetworkPolicies admit the same pods). */
    readonly podSelectors: { collector: Record<string, string>; query: Record<string, string> };

    constructor(name: string, args: JaegerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracing:platform:Jaeger", name, {}, opts);
        const ns = args.namespace;
        this.deployments = jaegerDeployments(args);
        for (const d of this.deployments) this.deployment(name, d, args);
        const view = args.view?.name;
        this.podSelectors = this.services(name, ns, view);
        this.collectorEndpoint = `${jaegerCollectorServiceName(view)}.${ns}.svc.cluster.local:${jaegerPodListen.otlpGrpcPort}`;
        this.queryUrl = `http://${jaegerQueryServiceName(view)}.${ns}.svc.cluster.local:${jaegerPodListen.queryHttpPort}`;
        this.registerOutputs({ collectorEndpoint: this.collectorEndpoint, queryUrl: this.queryUrl });
    }

    /** One role's config, Deployment and (when replicated) PodDisruptionBudget. */
    private deployment(name: string, d: RoleDeployment, args: JaegerArgs): void {
        const ns = args.namespace;
        const es = args.elasticsearch;
        const labels = platformLabels(d.name, `jaeger-${d.role}`);
        const selector = podSelector(d.name);
        const yaml = toJaegerYaml(
            renderJaegerConfig({
                role: d.role,
                listen: jaegerPodListen,
                storage: {
                    kind: "elasticsearch",
                    url: es.url,
                    caFile: es.caSecret === undefined ? undefined : `${caDir}/ca.crt`,
                    indexPrefix: args.indexPrefix,
                    shards: args.shards,
                    replicas: args.replicas,
                },
                ...(args.view === undefined ? { prometheusUrl: args.prometheusUrl } : { basePath: args.view.basePath }),
            }),
        );
        const credentials = args.view === undefined ? es.credentials[d.role] : es.viewCredentials[args.view.name];
        if (credentials === undefined)
            throw new Error(`no Elasticsearch credentials for view ${args.view?.name ?? "all"}`);
        const configMap = new k8s.core.v1.ConfigMap(
            `${name}-${d.name}`,
            { metadata: { name: d.name, namespace: ns, labels }, data: { "config.yaml": yaml } },
            { parent: this },
        );
        const ca = caFileVolume(es, caDir);
        const ports: k8s.types.input.core.v1.ContainerPort[] = [
            ...(d.role !== "query"
                ? [
                      { name: "otlp-grpc", containerPort: jaegerPodListen.otlpGrpcPort },
                      { name: "otlp-http", containerPort: jaegerPodListen.otlpHttpPort },
                  ]
                : []),
            ...(d.role !== "collector"
                ? [
                      { name: "query-http", containerPort: jaegerPodListen.queryHttpPort },
                      { name: "query-grpc", containerPort: jaegerPodListen.queryGrpcPort },
                  ]
                : []),
            { name: "health", containerPort: jaegerPodListen.healthPort },
            { name: "metrics", containerPort: jaegerPodListen.metricsPort },
        ];
        new k8s.apps.v1.Deployment(
            `${name}-${d.name}`,
            {
                metadata: { name: d.name, namespace: ns, labels },
                spec: {
                    replicas: d.replicas,
                    selector: { matchLabels: selector },
                    template: {
                        metadata: { labels, annotations: configChecksum(yaml) },
                        spec: {
                            automountServiceAccountToken: false,
                            securityContext: restrictedPodSecurity(),
                            containers: [
                                {
                                    name: "jaeger",
                                    image: args.image,
                                    args: ["--config=/etc/jaeger/config.yaml"],
                                    env: [
                                        ...downwardEnv,
                                        {
                                            name: esCredentialEnv.username,
                                            valueFrom: {
                                                secretKeyRef: { name: credentials, key: "username" },
                                            },
                                        },
                                        {
                                            name: esCredentialEnv.password,
                                            valueFrom: {
                                                secretKeyRef: { name: credentials, key: "password" },
                                            },
                                        },
                                    ],
                                    ports,
                                    resources: resources(args.cpu, args.memoryMiB),
                                    securityContext: restrictedContainerSecurity,
                                    livenessProbe: httpProbe("/status", "health"),
                                    readinessProbe: httpProbe("/status", "health", 5),
                                    volumeMounts: [
                                        { name: "config", mountPath: "/etc/jaeger", readOnly: true },
                                        ...ca.mounts,
                                    ],
                                },
                            ],
                            volumes: [{ name: "config", configMap: { name: configMap.metadata.name } }, ...ca.volumes],
                        },
                    },
                },
            },
            { parent: this },
        );
        if (d.replicas > 1) {
            onePodAtATime(`${name}-${d.name}`, { name: d.name, namespace: ns, labels }, selector, { parent: this });
        }
    }

    /** The collector's and the query's Services, each selecting the Deployment that holds the role. */
    private services(name: string, ns: string, view: string | undefined): Jaeger["podSelectors"] {
        const collectorService = jaegerCollectorServiceName(view);
        const queryService = jaegerQueryServiceName(view);
        const collector = this.deployments.find((d) => d.role !== "query");
        const query = this.deployments.find((d) => d.role !== "collector");
        if (collector === undefined || query === undefined)
            throw new Error("Jaeger needs both a collector and a query role");
        const selectors = { collector: podSelector(collector.name), query: podSelector(query.name) };
        new k8s.core.v1.Service(
            `${name}-collector`,
            {
                metadata: {
                    name: collectorService,
                    namespace: ns,
                    labels: platformLabels(collectorService, "jaeger-collector"),
                },
                spec: {
                    type: "ClusterIP",
                    selector: selectors.collector,
                    ports: [{ name: "otlp-grpc", port: jaegerPodListen.otlpGrpcPort, targetPort: "otlp-grpc" }],
                },
            },
            { parent: this },
        );
        new k8s.core.v1.Service(
            `${name}-query`,
            {
                metadata: {
                    name: queryService,
                    namespace: ns,
                    labels: platformLabels(queryService, "jaeger-query"),
                },
                spec: {
                    type: "ClusterIP",
                    selector: selectors.query,
                    ports: [
                        { name: "query-http", port: jaegerPodListen.queryHttpPort, targetPort: "query-http" },
                        { name: "query-grpc", port: jaegerPodListen.queryGrpcPort, targetPort: "query-grpc" },
                    ],
                },
            },
            { parent: this },
        );
        return selectors;
    }
}
