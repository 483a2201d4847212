import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { InClusterElasticsearchConfig } from "../config/schema";
import type { StorageReach } from "../renderers/network-policies";
import { serverCertificate } from "./custom-resources";
import {
    renderRoles,
    renderUsers,
    renderUsersRoles,
    type RealmView,
    viewStorageUser,
    StorageClient,
    storageClients,
    storageUser,
} from "../renderers/elasticsearch-realm";
import { httpsProbeCommand } from "./elasticsearch-probe";
import { onePodAtATime, platformLabels, podSelector, restrictedContainerSecurity } from "./pod-conventions";
import { claimSizePatches, statefulStorageOptions } from "./stateful-storage";

/** How Jaeger and the index cleaner reach Elasticsearch, in-cluster or external. */
export interface ElasticsearchConnection {
    url: string;
    /** Per client (Jaeger collector, query, both, the index cleaner): a Secret with keys `username` and `password`. */
    credentials: Record<StorageClient, string>;
    /** Per team view, by name: the Secret its Jaeger logs in with (its user reaches its view's indices only). */
    viewCredentials: Record<string, string>;
    /** Secret with key `ca.crt`, when the server's certificate is privately signed. */
    caSecret?: string;
    /** Where its clients' NetworkPolicies let them connect: the in-cluster pods, or an external cluster's ranges. */
    reach: StorageReach;
}

/** The volume and mount that put the connection's CA at `<dir>/ca.crt`; none when no CA is needed. */
export function caFileVolume(
    es: ElasticsearchConnection,
    dir: string,
): { volumes: k8s.types.input.core.v1.Volume[]; mounts: k8s.types.input.core.v1.VolumeMount[] } {
    if (es.caSecret === undefined) return { volumes: [], mounts: [] };
    return {
        volumes: [{ name: "es-ca", secret: { secretName: es.caSecret, items: [{ key: "ca.crt", path: "ca.crt" }] } }],
        mounts: [{ name: "es-ca", mountPath: dir, readOnly: true }],
    };
}

/** `indexPrefix`: Jaeger's; the users' privileges reach only these indices. */
export interface ElasticsearchArgs extends Pick<
    InClusterElasticsearchConfig,
    "nodes" | "storageGi" | "storageClass" | "cpu" | "memoryMiB" | "indexPrefix"
> {
    /** The image to run (pinned in versions.json, through the configured mirror). */
    image: string;
    namespace: string;
    /** ClusterIssuer that signs the HTTP and transport certificates. */
    issuerName: string;
    certManagerReady: pulumi.Resource[];
    /** Pulumi refuses to delete or replace the StatefulSet that holds the traces. */
    protect: boolean;
    /** Team views, each with a user limited to its own indices. */
    views: RealmView[];
}

export const elasticsearchName = "elasticsearch";
const configDir = "/usr/share/elasticsearch/config";
const certDir = `${configDir}/certs`;
const realmFiles = ["users", "users_roles", "roles.yml"];

/** Node settings as environment variables: security and TLS on, mmap off (no privileged sysctl under Pod Security restricted). */
export function elasticsearchSettings(nodes: number, headlessService: string): Record<string, string> {
    const discovery: Record<string, string> =
        nodes === 1
            ? { "discovery.type": "single-node" }
            : {
                  "discovery.seed_hosts": headlessService,
                  "cluster.initial_master_nodes": Array.from(
                      { length: nodes },
                      (_, i) => `${elasticsearchName}-${i}`,
                  ).join(","),
              };
    return {
        "cluster.name": "tracing",
        "network.host": "0.0.0.0",
        ...discovery,
        // vm.max_map_count needs a privileged init container; without mmap the check does not apply.
        "node.store.allow_mmap": "false",
        "xpack.security.enabled": "true",
        "xpack.security.http.ssl.enabled": "true",
        "xpack.security.http.ssl.key": `${certDir}/tls.key`,
        "xpack.security.http.ssl.certificate": `${certDir}/tls.crt`,
        "xpack.security.http.ssl.certificate_authorities": `${certDir}/ca.crt`,
        "xpack.security.transport.ssl.enabled": "true",
        "xpack.security.transport.ssl.verification_mode": "certificate",
        "xpack.security.transport.ssl.key": `${certDir}/tls.key`,
        "xpack.security.transport.ssl.certificate": `${certDir}/tls.crt`,
        "xpack.security.transport.ssl.certificate_authorities": `${certDir}/ca.crt`,
        "xpack.ml.enabled": "false",
    };
}

/** How the cluster was bootstrapped: one node alone, or several electing a master. */
export type Bootstrap = "single-node" | "cluster";
export const bootstrapOf = (nodes: number): Bootstrap => (nodes === 1 ? "single-node" : "cluster");

/**
 * Refuses a node count the running cluster cannot move to. A node bootstrapped as `single-node` never
 * joins others, and nodes that bootstrapped a cluster cannot shrink to one (no quorum). `recorded` is
 * how the cluster was first formed (absent before the first deploy).
 */
export function checkTopology(recorded: string | undefined, nodes: number): void {
    if (recorded === undefined || recorded === bootstrapOf(nodes)) return;
    throw new Error(
        recorded === "single-node"
            ? `tracing:elasticsearch.nodes is ${nodes}, but this Elasticsearch was bootstrapped as a single node, which cannot grow into a cluster. ` +
                  "Keep nodes: 1, or move to a new cluster: snapshot the indices (or let retention expire them), set tracing:protectData to false, " +
                  "delete the Elasticsearch StatefulSet and its claims (kubectl -n <namespace> delete sts elasticsearch; kubectl -n <namespace> delete pvc -l app.kubernetes.io/name=elasticsearch), " +
                  "delete the ConfigMap elasticsearch-bootstrap, then pulumi up with the new node count (README, Changing a running platform)."
            : `tracing:elasticsearch.nodes is 1, but this Elasticsearch was bootstrapped as a cluster of several master-eligible nodes, and one node alone has no quorum. ` +
                  "Keep at least 3 nodes, or move to a new single-node cluster as the README describes (Changing a running platform).",
    );
}

/**
 * Elasticsearch in the platform namespace: a StatefulSet with security on, HTTP and transport TLS
 * from a cert-manager Certificate, a generated password in a Secret, memory limits (the heap is sized
 * from them) and a PodDisruptionBudget when there is more than one node.
 */
export class Elasticsearch extends pulumi.ComponentResource {
    readonly connection: ElasticsearchConnection;

    constructor(name: string, args: ElasticsearchArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracing:platform:Elasticsearch", name, {}, opts);
        const ns = args.namespace;
        const labels = platformLabels(elasticsearchName, "trace-storage");
        const selector = podSelector(elasticsearchName);
        const headless = `${elasticsearchName}-nodes`;

        const credentials = this.superuser(name, ns, labels);
        const realm = this.fileRealm(name, ns, labels, args.indexPrefix, args.views);
        const { certificate, tlsSecret } = this.certificate(name, ns, labels, headless, args);
        this.services(name, ns, labels, selector, headless);
        const replicas = this.recordedTopology(name, ns, labels, args.nodes);
        const settings = elasticsearchSettings(args.nodes, headless);
        const statefulSet = new k8s.apps.v1.StatefulSet(
            name,
            {
                metadata: { name: elasticsearchName, namespace: ns, labels },
                spec: {
                    serviceName: headless,
                    replicas,
                    podManagementPolicy: "Parallel",
                    selector: { matchLabels: selector },
                    template: {
                        metadata: { labels },
                        spec: this.podSpec(args, selector, settings, credentials, tlsSecret, realm),
                    },
                    volumeClaimTemplates: [
                        {
                            metadata: { name: "data", labels },
                            spec: {
                                accessModes: ["ReadWriteOnce"],
                                ...(args.storageClass === undefined ? {} : { storageClassName: args.storageClass }),
                                resources: { requests: { storage: `${args.storageGi}Gi` } },
                            },
                        },
                    ],
                },
            },
            { parent: this, dependsOn: [certificate], ...statefulStorageOptions(args.protect) },
        );
        claimSizePatches(
            `${name}-size`,
            {
                namespace: ns,
                statefulSet: elasticsearchName,
                template: "data",
                replicas: args.nodes,
                sizeGi: args.storageGi,
            },
            { parent: this, dependsOn: [statefulSet] },
        );
        if (args.nodes > 1) {
            onePodAtATime(name, { name: elasticsearchName, namespace: ns, labels }, selector, { parent: this });
        }

        this.connection = {
            url: `https://${elasticsearchName}.${ns}.svc.cluster.local:9200`,
            credentials: realm.credentials,
            viewCredentials: realm.viewCredentials,
            caSecret: tlsSecret,
            reach: { kind: "in-cluster", selector },
        };
        this.registerOutputs({ url: this.connection.url });
    }

    /**
     * A generated password per client, its Secret for the client, and the file realm Elasticsearch
     * reads them from (bcrypt hashes in a Secret, the roles in a ConfigMap).
     */
    /** The superuser's password only bootstraps the node; clients log in as least-privilege users. */
    private superuser(name: string, ns: string, labels: Record<string, string>): k8s.core.v1.Secret {
        const password = new random.RandomPassword(
            `${name}-password`,
            { length: 32, special: false },
            { parent: this },
        );
        return new k8s.core.v1.Secret(
            `${name}-credentials`,
            {
                metadata: { name: `${elasticsearchName}-credentials`, namespace: ns, labels },
                type: "Opaque",
                stringData: { username: "elastic", password: password.result },
            },
            { parent: this },
        );
    }

    private certificate(
        name: string,
        ns: string,
        labels: Record<string, string>,
        headless: string,
        args: ElasticsearchArgs,
    ): { certificate: k8s.apiextensions.CustomResource; tlsSecret: string } {
        const tlsSecret = `${elasticsearchName}-tls`;
        const certificate = serverCertificate(
            `${name}-tls`,
            {
                secretName: tlsSecret,
                namespace: ns,
                labels,
                dnsNames: [
                    elasticsearchName,
                    `${elasticsearchName}.${ns}.svc`,
                    `${elasticsearchName}.${ns}.svc.cluster.local`,
                    `*.${headless}.${ns}.svc.cluster.local`,
                ],
                // Its nodes present it to each other too (transport TLS).
                usages: ["server auth", "client auth", "digital signature", "key encipherment"],
                issuerName: args.issuerName,
            },
            { parent: this, dependsOn: args.certManagerReady },
        );
        return { certificate, tlsSecret };
    }

    /** The headless Service the nodes find each other by, and the one clients connect to. */
    private services(
        name: string,
        ns: string,
        labels: Record<string, string>,
        selector: Record<string, string>,
        headless: string,
    ): void {
        new k8s.core.v1.Service(
            `${name}-nodes`,
            {
                metadata: { name: headless, namespace: ns, labels },
                spec: {
                    clusterIP: "None",
                    publishNotReadyAddresses: true,
                    selector,
                    ports: [{ name: "transport", port: 9300, targetPort: 9300 }],
                },
            },
            { parent: this },
        );
        new k8s.core.v1.Service(
            name,
            {
                metadata: { name: elasticsearchName, namespace: ns, labels },
                spec: { type: "ClusterIP", selector, ports: [{ name: "https", port: 9200, targetPort: 9200 }] },
            },
            { parent: this },
        );
    }

    private recordedTopology(
        name: string,
        ns: string,
        labels: Record<string, string>,
        nodes: number,
    ): pulumi.Output<number> {
        // How the cluster was first formed, kept as it was (ignoreChanges): a later deploy that asks for
        // a node count the cluster cannot move to stops before the StatefulSet changes.
        const bootstrap = new k8s.core.v1.ConfigMap(
            `${name}-bootstrap`,
            {
                metadata: { name: `${elasticsearchName}-bootstrap`, namespace: ns, labels },
                data: { bootstrap: bootstrapOf(nodes), nodes: String(nodes) },
            },
            { parent: this, ignoreChanges: ["data"] },
        );
        return bootstrap.data.apply((recorded) => {
            checkTopology(recorded?.bootstrap, nodes);
            return nodes;
        });
    }

    private podSpec(
        args: ElasticsearchArgs,
        selector: Record<string, string>,
        settings: Record<string, string>,
        credentials: k8s.core.v1.Secret,
        tlsSecret: string,
        realm: { usersSecret: string; rolesConfigMap: string },
    ): k8s.types.input.core.v1.PodSpec {
        return {
            automountServiceAccountToken: false,
            // OnRootMismatch: a data volume of 100 GiB is not re-owned file by file on each start.
            securityContext: {
                runAsNonRoot: true,
                runAsUser: 1000,
                runAsGroup: 1000,
                fsGroup: 1000,
                fsGroupChangePolicy: "OnRootMismatch",
                seccompProfile: { type: "RuntimeDefault" },
            },
            affinity: {
                podAntiAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution:
                        args.nodes > 1
                            ? [
                                  {
                                      topologyKey: "kubernetes.io/hostname",
                                      labelSelector: { matchLabels: selector },
                                  },
                              ]
                            : [],
                },
            },
            containers: [
                {
                    name: "elasticsearch",
                    image: args.image,
                    env: [
                        ...Object.entries(settings).map(([key, value]) => ({ name: key, value })),
                        {
                            name: "ELASTIC_PASSWORD",
                            valueFrom: {
                                secretKeyRef: { name: credentials.metadata.name, key: "password" },
                            },
                        },
                    ],
                    ports: [
                        { name: "https", containerPort: 9200 },
                        { name: "transport", containerPort: 9300 },
                    ],
                    resources: {
                        requests: { cpu: args.cpu, memory: `${args.memoryMiB}Mi` },
                        limits: { cpu: args.cpu, memory: `${args.memoryMiB}Mi` },
                    },
                    // Elasticsearch writes its keystore and temp files under its own directories.
                    securityContext: { ...restrictedContainerSecurity, readOnlyRootFilesystem: false },
                    readinessProbe: {
                        exec: { command: httpsProbeCommand(certDir) },
                        periodSeconds: 10,
                        timeoutSeconds: 5,
                        failureThreshold: 3,
                    },
                    livenessProbe: {
                        tcpSocket: { port: 9300 },
                        initialDelaySeconds: 90,
                        periodSeconds: 20,
                        failureThreshold: 5,
                    },
                    startupProbe: {
                        tcpSocket: { port: 9200 },
                        periodSeconds: 10,
                        failureThreshold: 30,
                    },
                    volumeMounts: [
                        { name: "data", mountPath: "/usr/share/elasticsearch/data" },
                        { name: "tls", mountPath: certDir, readOnly: true },
                        // The file realm's users and roles, beside the image's own config files.
                        ...realmFiles.map((file) => ({
                            name: "realm",
                            mountPath: `${configDir}/${file}`,
                            subPath: file,
                            readOnly: true,
                        })),
                    ],
                },
            ],
            volumes: [
                { name: "tls", secret: { secretName: tlsSecret } },
                {
                    name: "realm",
                    projected: {
                        defaultMode: 0o440,
                        sources: [
                            {
                                secret: {
                                    name: realm.usersSecret,
                                    items: [
                                        { key: "users", path: "users" },
                                        { key: "users_roles", path: "users_roles" },
                                    ],
                                },
                            },
                            {
                                configMap: {
                                    name: realm.rolesConfigMap,
                                    items: [{ key: "roles.yml", path: "roles.yml" }],
                                },
                            },
                        ],
                    },
                },
            ],
        };
    }

    private fileRealm(
        name: string,
        ns: string,
        labels: Record<string, string>,
        indexPrefix: string,
        views: RealmView[],
    ): {
        credentials: Record<StorageClient, string>;
        viewCredentials: Record<string, string>;
        usersSecret: string;
        rolesConfigMap: string;
    } {
        /** A generated password for `user` and the client's Secret holding it; returns the Secret's name and the hash. */
        const user = (login: string): { secret: string; hash: pulumi.Output<string> } => {
            const password = new random.RandomPassword(
                `${name}-${login}`,
                { length: 32, special: false },
                { parent: this },
            );
            const secret = `${elasticsearchName}-${login}`;
            new k8s.core.v1.Secret(
                `${name}-${login}`,
                {
                    metadata: { name: secret, namespace: ns, labels },
                    type: "Opaque",
                    stringData: { username: login, password: password.result },
                },
                { parent: this },
            );
            return { secret, hash: password.bcryptHash };
        };
        const credentials = {} as Record<StorageClient, string>;
        const hashes = {} as Record<StorageClient, pulumi.Output<string>>;
        for (const client of storageClients) {
            const u = user(storageUser[client]);
            credentials[client] = u.secret;
            hashes[client] = u.hash;
        }
        const viewCredentials: Record<string, string> = {};
        const viewHashes: Record<string, pulumi.Output<string>> = {};
        for (const v of views) {
            const u = user(viewStorageUser(v.name));
            viewCredentials[v.name] = u.secret;
            viewHashes[v.name] = u.hash;
        }
        const usersSecret = `${elasticsearchName}-realm`;
        new k8s.core.v1.Secret(
            `${name}-realm`,
            {
                metadata: { name: usersSecret, namespace: ns, labels },
                type: "Opaque",
                stringData: {
                    users: pulumi
                        .all([pulumi.all(hashes), pulumi.all(viewHashes)])
                        .apply(([h, vh]) => renderUsers(h as Record<StorageClient, string>, vh)),
                    users_roles: renderUsersRoles(views.map((v) => v.name)),
                },
            },
            { parent: this },
        );
        const rolesConfigMap = `${elasticsearchName}-roles`;
        new k8s.core.v1.ConfigMap(
            `${name}-roles`,
            {
                metadata: { name: rolesConfigMap, namespace: ns, labels },
                data: { "roles.yml": renderRoles(indexPrefix, views) },
            },
            { parent: this },
        );
        return { credentials, viewCredentials, usersSecret, rolesConfigMap };
    }
}
