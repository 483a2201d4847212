import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface PlatformNamespaceArgs {
    name: string;
}

/** The platform's namespace, with Pod Security `restricted` enforced, audited and warned on. */
export class PlatformNamespace extends pulumi.ComponentResource {
    readonly namespace: k8s.core.v1.Namespace;
    readonly name: pulumi.Output<string>;

    constructor(name: string, args: PlatformNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracing:platform:Namespace", name, {}, opts);
        this.namespace = new k8s.core.v1.Namespace(
            name,
            {
                metadata: {
                    name: args.name,
                    labels: {
                        "pod-security.kubernetes.io/enforce": "restricted",
                        "pod-security.kubernetes.io/enforce-version": "latest",
                        "pod-security.kubernetes.io/audit": "restricted",
                        "pod-security.kubernetes.io/warn": "restricted",
                        "app.kubernetes.io/part-of": "tracing-platform",
                    },
                },
            },
            { parent: this },
        );
        this.name = this.namespace.metadata.name;
        this.registerOutputs({ name: this.name });
    }
}
