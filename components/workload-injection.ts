import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { injectionAnnotations, instrumentationChecksum, InstrumentationSpec } from "../renderers/instrumentation";
import type { Workload } from "../config/schema";

export interface WorkloadInjectionArgs {
    workloads: Workload[];
    instrumentationRef: pulumi.Input<string>;
    /** The Instrumentation must exist before the patched pods restart, or injection is skipped. */
    instrumentation: pulumi.Resource;
    /** Its spec: workloads that opt in roll out when it changes. */
    instrumentationSpec: InstrumentationSpec;
}

/**
 * Server-side-apply patches that add the Operator's inject annotation to each workload's pod template.
 * The patch owns only those annotations: image, replicas and the rest stay with the owning team.
 */
export class WorkloadInjection extends pulumi.ComponentResource {
    readonly patches: k8s.apps.v1.DeploymentPatch[];

    constructor(name: string, args: WorkloadInjectionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracing:platform:WorkloadInjection", name, {}, opts);
        this.patches = args.workloads.map((w) => {
            // The apps are deployed by their own pipelines. Reading each first makes a missing namespace
            // or Deployment stop `pulumi preview` and `up` at once, naming it (a patch would retry for minutes).
            const existing = k8s.apps.v1.Deployment.get(
                `${name}-${w.namespace}-${w.name}-exists`,
                `${w.namespace}/${w.name}`,
                { parent: this },
            );
            return new k8s.apps.v1.DeploymentPatch(
                `${name}-${w.namespace}-${w.name}`,
                {
                    // The platform's deploy does not wait for the app's rollout: one unhealthy app must
                    // not fail it. The app's own pipeline and alerts watch its rollout.
                    metadata: { name: w.name, namespace: w.namespace, annotations: { "pulumi.com/skipAwait": "true" } },
                    spec: {
                        template: {
                            metadata: {
                                annotations: pulumi.output(args.instrumentationRef).apply((ref) => ({
                                    ...injectionAnnotations(w.language, ref, w.containers, w.goTargetExecutable),
                                    ...(w.restartOnChange ? instrumentationChecksum(args.instrumentationSpec) : {}),
                                })),
                            },
                        },
                    },
                },
                { parent: this, dependsOn: [args.instrumentation, existing] },
            );
        });
        this.registerOutputs({ patched: args.workloads.map((w) => `${w.namespace}/${w.name}`) });
    }
}
