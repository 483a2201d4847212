import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * A StatefulSet's volumeClaimTemplates cannot change, so for Pulumi a new size means replacing the
 * StatefulSet (all its pods at once, and the new ones reuse the old claims at their old size). With
 * the templates' changes ignored, a size change goes to the claims themselves instead
 * (`claimSizePatches`); `protect` makes Pulumi refuse to delete or replace what holds the data.
 */
export function statefulStorageOptions(protect: boolean): pulumi.CustomResourceOptions {
    return { ignoreChanges: ["spec.volumeClaimTemplates"], protect };
}

export interface ClaimSizeArgs {
    namespace: string;
    statefulSet: string;
    /** The volumeClaimTemplate's name: claims are `<template>-<statefulSet>-<ordinal>`. */
    template: string;
    replicas: number;
    sizeGi: number;
}

/**
 * One server-side-apply patch per replica's claim with the configured size: a larger size expands the
 * claims in place (the storage class must allow volume expansion; the API server refuses otherwise,
 * and refuses shrinking, before anything changes). Applied after the StatefulSet is ready, when the
 * claims exist. Forced: the StatefulSet controller created the claims and owns the size until then.
 * Kept on delete: giving the size back would leave a claim without one, which the API server refuses.
 */
export function claimSizePatches(
    name: string,
    args: ClaimSizeArgs,
    opts: pulumi.CustomResourceOptions,
): k8s.core.v1.PersistentVolumeClaimPatch[] {
    return Array.from({ length: args.replicas }, (_, i) => {
        const claim = `${args.template}-${args.statefulSet}-${i}`;
        return new k8s.core.v1.PersistentVolumeClaimPatch(
            `${name}-${claim}`,
            {
                metadata: { name: claim, namespace: args.namespace, annotations: { "pulumi.com/patchForce": "true" } },
                spec: { resources: { requests: { storage: `${args.sizeGi}Gi` } } },
            },
            { ...opts, retainOnDelete: true },
        );
    });
}
