import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NetworkFlowsInput, renderNetworkPolicies } from "../renderers/network-policies";

export interface NetworkPoliciesArgs extends NetworkFlowsInput {
    namespace: string;
}

/** Default deny in the platform namespace plus one policy per flow of the architecture. */
export class NetworkPolicies extends pulumi.ComponentResource {
    constructor(name: string, args: NetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracing:platform:NetworkPolicies", name, {}, opts);
        const rendered = renderNetworkPolicies(args);
        for (const p of rendered) {
            new k8s.networking.v1.NetworkPolicy(
                `${name}-${p.name}`,
                {
                    metadata: {
                        name: p.name,
                        namespace: args.namespace,
                        labels: { "app.kubernetes.io/part-of": "tracing-platform" },
                    },
                    spec: p.spec,
                },
                { parent: this },
            );
        }
        this.registerOutputs({ policies: rendered.map((p) => p.name) });
    }
}
