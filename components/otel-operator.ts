import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { InstrumentationSpec } from "../renderers/instrumentation";
import { customResource } from "./custom-resources";
import { chartOrigin, ChartSource } from "./chart-source";
import { mirrored, versions } from "./versions";

export interface OtelOperatorArgs {
    /** Namespace of the platform, where our Instrumentation lives. */
    namespace: pulumi.Input<string>;
    /** The Operator's own namespace, outside the platform's default-deny NetworkPolicies (its webhook is called by the API server). */
    operatorNamespace: string;
    instrumentationName: string;
    instrumentationSpec: InstrumentationSpec;
    webhookFailurePolicy: "Fail" | "Ignore";
    /** Install the Operator's chart; off when the cluster already runs the Operator (and its webhook). */
    install: boolean;
    /** A mirror of the chart's repository or an OCI chart reference; the upstream repository when absent. */
    chart?: ChartSource;
    /** The registry mirror the Operator's own images are pulled through. */
    imageRegistry?: string;
    /** cert-manager must be serving before the Operator's webhook asks it for a certificate. */
    certManagerReady: pulumi.Resource[];
}

/**
 * Helm values: cert-manager issues the webhook certificate; the pod-mutation webhook's failure policy
 * comes from config; Go injection is off upstream unless switched on.
 */
export function operatorValues(podFailurePolicy: "Fail" | "Ignore", imageRegistry?: string): Record<string, unknown> {
    const mirror = (repository: string): { repository: string } | Record<string, never> =>
        imageRegistry === undefined ? {} : { repository: mirrored(repository, imageRegistry) };
    return {
        admissionWebhooks: {
            certManager: { enabled: true },
            autoGenerateCert: { enabled: false },
            pods: { failurePolicy: podFailurePolicy },
        },
        manager: {
            autoInstrumentation: { go: { enabled: true } },
            // The chart's defaults, through the mirror (the agents' images are named in our Instrumentation).
            image: mirror("ghcr.io/open-telemetry/opentelemetry-operator/opentelemetry-operator"),
            collectorImage: mirror(
                "ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-k8s",
            ),
        },
    };
}

/**
 * The OpenTelemetry Operator (pinned chart) and the `Instrumentation` that tells it how to configure
 * the language agents it injects into annotated pods.
 */
export class OtelOperator extends pulumi.ComponentResource {
    /** Absent when the cluster already runs the Operator. */
    readonly release?: k8s.helm.v3.Release;
    readonly instrumentation: k8s.apiextensions.CustomResource;
    /** `namespace/name` as the inject annotations reference it. */
    readonly instrumentationRef: pulumi.Output<string>;

    constructor(name: string, args: OtelOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracing:platform:OtelOperator", name, {}, opts);
        if (args.install) this.release = this.installOperator(name, args);
        this.instrumentation = customResource<InstrumentationSpec>(
            `${name}-instrumentation`,
            {
                apiVersion: "opentelemetry.io/v1alpha1",
                kind: "Instrumentation",
                metadata: { name: args.instrumentationName, namespace: args.namespace },
                spec: args.instrumentationSpec,
            },
            // An Instrumentation created before the Operator's webhook serves is rejected.
            { parent: this, dependsOn: this.release === undefined ? [] : [this.release] },
        );
        this.instrumentationRef = pulumi.interpolate`${args.namespace}/${args.instrumentationName}`;
        this.registerOutputs({ instrumentationRef: this.instrumentationRef });
    }

    /** The Operator's namespace and pinned chart, its webhook certificate from cert-manager. */
    private installOperator(name: string, args: OtelOperatorArgs): k8s.helm.v3.Release {
        const operatorNamespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            {
                metadata: {
                    name: args.operatorNamespace,
                    labels: {
                        "pod-security.kubernetes.io/enforce": "baseline",
                        "pod-security.kubernetes.io/warn": "restricted",
                        "app.kubernetes.io/part-of": "tracing-platform",
                    },
                },
            },
            { parent: this },
        );
        return new k8s.helm.v3.Release(
            name,
            {
                name: "opentelemetry-operator",
                version: versions.otelOperator.chartVersion,
                ...chartOrigin("opentelemetry-operator", args.chart, versions.otelOperator.chartRepo),
                namespace: operatorNamespace.metadata.name,
                values: operatorValues(args.webhookFailurePolicy, args.imageRegistry),
                // Wait for the webhook: an Instrumentation created before it is served is rejected.
                skipAwait: false,
            },
            { parent: this, dependsOn: [...args.certManagerReady, operatorNamespace] },
        );
    }
}
