import * as k8s from "@pulumi/kubernetes";
import * as certmanager from "@pulumi/kubernetes-cert-manager";
import * as pulumi from "@pulumi/pulumi";
import { versions } from "./versions";
import { chartOrigin, ChartSource } from "./chart-source";
import { CertificateSpec, ClusterIssuerSpec, customResource } from "./custom-resources";

export interface CertManagerArgs {
    /** Install cert-manager (CRDs included); off when the cluster already runs it. */
    install: boolean;
    /** An existing ClusterIssuer to use instead of creating the internal CA chain. */
    clusterIssuer?: string;
    /** A mirror of the chart's repository or an OCI chart reference; the upstream repository when absent. */
    chart?: ChartSource;
    /** The registry mirror cert-manager's images are pulled through. */
    imageRegistry?: string;
}

export const certManagerNamespace = "cert-manager";

/**
 * cert-manager and the issuer our certificates come from: either a ClusterIssuer named in config
 * (the corporate CA) or an internal CA bootstrapped as self-signed issuer → CA certificate → CA issuer.
 * A VPN-only host cannot answer ACME HTTP-01, so there is no ACME path here.
 */
export class CertManager extends pulumi.ComponentResource {
    /** Name of the ClusterIssuer that signs the platform's certificates. */
    readonly issuerName: string;
    /** Resources that must exist before anything asks cert-manager for a certificate. */
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: CertManagerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracing:platform:CertManager", name, {}, opts);
        const installed = args.install
            ? [
                  new certmanager.CertManager(
                      name,
                      {
                          // `installCRDs` is deprecated in chart v1.21 and fails beside `crds.enabled`.
                          helmOptions: {
                              name: "cert-manager",
                              namespace: certManagerNamespace,
                              createNamespace: true,
                              version: versions.certManager.chartVersion,
                              ...(args.chart === undefined ? {} : chartOrigin("cert-manager", args.chart)),
                              values: {
                                  crds: { enabled: true, keep: true },
                                  // The chart builds every image as <imageRegistry>/<imageNamespace>/<name>.
                                  ...(args.imageRegistry === undefined ? {} : { imageRegistry: args.imageRegistry }),
                              },
                          },
                      },
                      { parent: this },
                  ),
              ]
            : [];

        if (args.clusterIssuer !== undefined) {
            this.issuerName = args.clusterIssuer;
            // Read before anything asks it for a certificate: a missing issuer stops `pulumi preview`
            // and `up` at once, naming it, instead of Certificates that never become ready.
            const existing = k8s.apiextensions.CustomResource.get(`${name}-issuer-exists`, {
                apiVersion: "cert-manager.io/v1",
                kind: "ClusterIssuer",
                id: args.clusterIssuer,
                parent: this,
            });
            this.ready = [...installed, existing];
        } else {
            const selfSigned = customResource<ClusterIssuerSpec>(
                `${name}-selfsigned`,
                {
                    apiVersion: "cert-manager.io/v1",
                    kind: "ClusterIssuer",
                    metadata: { name: "tracing-selfsigned" },
                    spec: { selfSigned: {} },
                },
                { parent: this, dependsOn: installed },
            );
            const caCertificate = customResource<CertificateSpec>(
                `${name}-ca`,
                {
                    apiVersion: "cert-manager.io/v1",
                    kind: "Certificate",
                    // A CA ClusterIssuer reads its secret from cert-manager's own namespace.
                    metadata: { name: "tracing-internal-ca", namespace: certManagerNamespace },
                    spec: {
                        isCA: true,
                        commonName: "tracing-platform internal CA",
                        secretName: "tracing-internal-ca",
                        duration: "87600h",
                        renewBefore: "720h",
                        privateKey: { algorithm: "ECDSA", size: 256 },
                        issuerRef: { name: "tracing-selfsigned", kind: "ClusterIssuer", group: "cert-manager.io" },
                    },
                },
                { parent: this, dependsOn: [selfSigned] },
            );
            const caIssuer = customResource<ClusterIssuerSpec>(
                `${name}-ca-issuer`,
                {
                    apiVersion: "cert-manager.io/v1",
                    kind: "ClusterIssuer",
                    metadata: { name: "tracing-internal-ca" },
                    spec: { ca: { secretName: "tracing-internal-ca" } },
                },
                { parent: this, dependsOn: [caCertificate] },
            );
            this.issuerName = "tracing-internal-ca";
            this.ready = [...installed, caIssuer];
        }
        this.registerOutputs({ issuerName: this.issuerName });
    }
}
