import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { caFileVolume, type ElasticsearchConnection } from "./elasticsearch";
import { platformLabels, resources, restrictedContainerSecurity, restrictedPodSecurity } from "./pod-conventions";

export interface IndexCleanerArgs {
    /** The image to run (pinned in versions.json, through the configured mirror). */
    image: string;
    namespace: string;
    retentionDays: number;
    indexPrefix: string;
    elasticsearch: ElasticsearchConnection;
    /** Cron schedule; shortly before midnight UTC so that a new day's index is not touched. */
    schedule?: string;
    /** Team views: the cleaner runs once per view's prefix too (it cleans one prefix per run). */
    views?: { name: string; indexPrefix: string }[];
}

export const indexCleanerName = "jaeger-es-index-cleaner";
const caDir = "/etc/es-ca";

/** The container's environment: credentials from the Secret, TLS verified against our CA. */
export function indexCleanerEnv(
    args: Pick<IndexCleanerArgs, "indexPrefix" | "elasticsearch">,
): k8s.types.input.core.v1.EnvVar[] {
    const es = args.elasticsearch;
    return [
        { name: "INDEX_PREFIX", value: args.indexPrefix },
        { name: "ES_USERNAME", valueFrom: { secretKeyRef: { name: es.credentials.cleaner, key: "username" } } },
        { name: "ES_PASSWORD", valueFrom: { secretKeyRef: { name: es.credentials.cleaner, key: "password" } } },
        // Without ES_TLS_ENABLED the cleaner would skip certificate checks on an https URL.
        { name: "ES_TLS_ENABLED", value: "true" },
        ...(es.caSecret === undefined ? [] : [{ name: "ES_TLS_CA", value: `${caDir}/ca.crt` }]),
    ];
}

/** Enforces retention: a daily CronJob that deletes Jaeger's indices older than `retentionDays`. */
export class IndexCleaner extends pulumi.ComponentResource {
    readonly cronJob: k8s.batch.v1.CronJob;

    constructor(name: string, args: IndexCleanerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracing:platform:IndexCleaner", name, {}, opts);
        const labels = platformLabels(indexCleanerName, "retention");
        const ca = caFileVolume(args.elasticsearch, caDir);
        this.cronJob = new k8s.batch.v1.CronJob(
            name,
            {
                metadata: { name: indexCleanerName, namespace: args.namespace, labels },
                spec: {
                    schedule: args.schedule ?? "55 23 * * *",
                    timeZone: "Etc/UTC",
                    concurrencyPolicy: "Forbid",
                    startingDeadlineSeconds: 3600,
                    successfulJobsHistoryLimit: 3,
                    failedJobsHistoryLimit: 3,
                    jobTemplate: {
                        spec: {
                            backoffLimit: 3,
                            activeDeadlineSeconds: 1800,
                            template: {
                                metadata: { labels },
                                spec: {
                                    restartPolicy: "OnFailure",
                                    automountServiceAccountToken: false,
                                    securityContext: restrictedPodSecurity(),
                                    // One container per prefix: the cleaner anchors its pattern at the
                                    // prefix, so each deletes only its own view's old indices.
                                    containers: [
                                        { container: "index-cleaner", indexPrefix: args.indexPrefix },
                                        ...(args.views ?? []).map((v) => ({
                                            container: `index-cleaner-${v.name}`,
                                            indexPrefix: v.indexPrefix,
                                        })),
                                    ].map(({ container, indexPrefix }) => ({
                                        name: container,
                                        image: args.image,
                                        args: [String(args.retentionDays), args.elasticsearch.url],
                                        env: indexCleanerEnv({ indexPrefix, elasticsearch: args.elasticsearch }),
                                        resources: resources("100m", 128),
                                        securityContext: restrictedContainerSecurity,
                                        volumeMounts: ca.mounts,
                                    })),
                                    volumes: ca.volumes,
                                },
                            },
                        },
                    },
                },
            },
            { parent: this },
        );
        this.registerOutputs({ retentionDays: args.retentionDays });
    }
}
