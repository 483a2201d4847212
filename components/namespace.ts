import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface PlatformNamespaceArgs {
    name: string;
    /**
     * Create the namespace, or only label one that exists (created beforehand with the Secrets the
     * first deploy needs): then a server-side-apply patch owns just these labels, and destroying the
     * stack gives them back without deleting the namespace.
     */
    create: boolean;
}

/** Pod Security `restricted`, enforced, audited and warned on. */
export const platformNamespaceLabels = {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/warn": "restricted",
    "app.kubernetes.io/part-of": "tracing-platform",
};

/** The platform's namespace, with Pod Security `restricted` enforced, audited and warned on. */
export class PlatformNamespace extends pulumi.ComponentResource {
    readonly namespace: k8s.core.v1.Namespace | k8s.core.v1.NamespacePatch;
    readonly name: pulumi.Output<string>;

    constructor(name: string, args: PlatformNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracing:platform:Namespace", name, {}, opts);
        const metadata = { name: args.name, labels: platformNamespaceLabels };
        this.namespace = args.create
            ? new k8s.core.v1.Namespace(name, { metadata }, { parent: this })
            : new k8s.core.v1.NamespacePatch(name, { metadata }, { parent: this });
        this.name = this.namespace.metadata.apply((m) => m?.name ?? args.name);
        this.registerOutputs({ name: this.name });
    }
}
