import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * Typed specs for the custom resources we create. The schema tests check the rendered objects
 * against the upstream models (@kubernetes-models/cert-manager, .../opentelemetry-operator).
 */

export type ClusterIssuerSpec = { selfSigned: Record<string, never> } | { ca: { secretName: string } };

export interface CertificateSpec {
    secretName: string;
    commonName?: string;
    dnsNames?: string[];
    isCA?: boolean;
    duration?: string;
    renewBefore?: string;
    privateKey: { algorithm: "ECDSA" | "RSA" | "Ed25519"; size?: number; rotationPolicy?: "Always" | "Never" };
    usages?: string[];
    issuerRef: { name: string; kind: "ClusterIssuer" | "Issuer"; group: "cert-manager.io" };
}

interface TypedCustomResourceArgs<TSpec> {
    apiVersion: string;
    kind: string;
    metadata: k8s.types.input.meta.v1.ObjectMeta;
    spec: pulumi.Input<TSpec>;
}

/** A CustomResource whose spec is checked by the compiler. */
export function customResource<TSpec>(
    name: string,
    args: TypedCustomResourceArgs<TSpec>,
    opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(name, args, opts);
}
