import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { oauth2ProxyPort, renderOAuth2ProxyArgs, secretEnv } from "../renderers/oauth2-proxy";
import type { SsoConfig } from "../stacks/schema";
import { httpProbe, platformLabels, resources, restrictedContainerSecurity, restrictedPodSecurity } from "./pod-hardening";
import { images } from "./versions";

export interface SsoProxyArgs {
    namespace: string;
    sso: SsoConfig;
    host: string;
    upstream: string;
    trustedProxyRanges: string[];
}

export const ssoProxyName = "oauth2-proxy";

/**
 * oauth2-proxy as the only way to Jaeger's UI: OIDC login against the corporate IdP, access for the
 * configured groups and e-mail domains, a generated cookie secret, secure HttpOnly cookies.
 */
export class SsoProxy extends pulumi.ComponentResource {
    readonly serviceName = ssoProxyName;
    readonly port = oauth2ProxyPort;

    constructor(name: string, args: SsoProxyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracing:platform:SsoProxy", name, {}, opts);
        const ns = args.namespace;
        const sso = args.sso;
        const labels = platformLabels(ssoProxyName, "sso");
        const selector = { "app.kubernetes.io/name": ssoProxyName };

        // 32 characters = 32 bytes: an AES-256 key, as oauth2-proxy requires 16, 24 or 32.
        const cookieSecret = new random.RandomPassword(`${name}-cookie`, { length: 32, special: false }, { parent: this });
        const ownSecret = new k8s.core.v1.Secret(
            name,
            {
                metadata: { name: ssoProxyName, namespace: ns, labels },
                type: "Opaque",
                stringData: {
                    "cookie-secret": cookieSecret.result,
                    ...(sso.clientSecret === undefined ? {} : { "client-secret": pulumi.secret(sso.clientSecret) }),
                },
            },
            { parent: this },
        );
        const clientSecretRef = sso.existingSecret === undefined ? { name: ownSecret.metadata.name, key: "client-secret" } : { name: sso.existingSecret, key: "client-secret" };

        const args_ = renderOAuth2ProxyArgs({
            issuerUrl: sso.issuerUrl,
            clientId: sso.clientId,
            host: args.host,
            upstream: args.upstream,
            allowedGroups: sso.allowedGroups,
            emailDomains: sso.emailDomains,
            groupsClaim: sso.groupsClaim,
            scope: sso.scope,
            cookieSameSite: sso.cookieSameSite,
            cookieExpire: sso.cookieExpire,
            trustedProxyRanges: args.trustedProxyRanges,
            listenAddress: `0.0.0.0:${oauth2ProxyPort}`,
        });

        new k8s.apps.v1.Deployment(
            name,
            {
                metadata: { name: ssoProxyName, namespace: ns, labels },
                spec: {
                    replicas: sso.replicas,
                    selector: { matchLabels: selector },
                    template: {
                        metadata: { labels },
                        spec: {
                            automountServiceAccountToken: false,
                            securityContext: restrictedPodSecurity(65532),
                            containers: [
                                {
                                    name: "oauth2-proxy",
                                    image: images.oauth2Proxy,
                                    args: args_,
                                    env: [
                                        { name: secretEnv.clientSecret, valueFrom: { secretKeyRef: clientSecretRef } },
                                        { name: secretEnv.cookieSecret, valueFrom: { secretKeyRef: { name: ownSecret.metadata.name, key: "cookie-secret" } } },
                                    ],
                                    ports: [{ name: "http", containerPort: oauth2ProxyPort }],
                                    resources: resources("100m", 128),
                                    securityContext: restrictedContainerSecurity,
                                    livenessProbe: httpProbe("/ping", "http"),
                                    readinessProbe: httpProbe("/ready", "http", 5),
                                },
                            ],
                        },
                    },
                },
            },
            { parent: this },
        );
        new k8s.core.v1.Service(
            name,
            {
                metadata: { name: ssoProxyName, namespace: ns, labels },
                spec: { type: "ClusterIP", selector, ports: [{ name: "http", port: oauth2ProxyPort, targetPort: "http" }] },
            },
            { parent: this },
        );
        if (sso.replicas > 1) {
            new k8s.policy.v1.PodDisruptionBudget(
                name,
                { metadata: { name: ssoProxyName, namespace: ns, labels }, spec: { maxUnavailable: 1, selector: { matchLabels: selector } } },
                { parent: this },
            );
        }
        this.registerOutputs({ service: ssoProxyName });
    }
}
