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

/**
 * A cert-manager Certificate for a TLS server inside the cluster: ECDSA P-256, a new key at every
 * renewal, 90 days, renewed 15 days before expiry, from the platform's ClusterIssuer.
 */
export function serverCertificate(
    name: string,
    cert: {
        secretName: string;
        namespace: string;
        labels: Record<string, string>;
        dnsNames: string[];
        issuerName: string;
        usages?: string[];
    },
    opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
    return customResource<CertificateSpec>(
        name,
        {
            apiVersion: "cert-manager.io/v1",
            kind: "Certificate",
            metadata: { name: cert.secretName, namespace: cert.namespace, labels: cert.labels },
            spec: {
                secretName: cert.secretName,
                dnsNames: cert.dnsNames,
                duration: "2160h",
                renewBefore: "360h",
                privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
                ...(cert.usages === undefined ? {} : { usages: cert.usages }),
                issuerRef: { name: cert.issuerName, kind: "ClusterIssuer", group: "cert-manager.io" },
            },
        },
        opts,
    );
}
