import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { oauth2ProxyMetricsPort, oauth2ProxyPort, renderOAuth2ProxyArgs, secretEnv } from "../renderers/oauth2-proxy";
import type { SsoConfig } from "../config/schema";
import {
    httpProbe,
    onePodAtATime,
    platformLabels,
    podSelector,
    resources,
    restrictedContainerSecurity,
    restrictedPodSecurity,
} from "./pod-conventions";

export interface SsoProxyArgs {
    /** The image to run (pinned in versions.json, through the configured mirror). */
    image: string;
    namespace: string;
    sso: SsoConfig;
    host: string;
    upstream: string;
    trustedProxyRanges: string[];
    /** A team view: its own proxy under the view's path, admitting the view's groups only. */
    view?: { name: string; path: string; groups: string[] };
}

export const ssoProxyName = "oauth2-proxy";
/** The proxy of a view: `oauth2-proxy`, or `oauth2-proxy-<view>` for a team view. */
export const ssoProxyNameOf = (view?: string): string =>
    view === undefined ? ssoProxyName : `${ssoProxyName}-${view}`;
/** Where the IdP's CA bundle is mounted (tracing:sso.providerCa). */
export const providerCaDir = "/etc/oauth2-proxy/provider-ca";
const providerCaFile = "ca.crt";

/**
 * oauth2-proxy as the only way to Jaeger's UI: OIDC login against the corporate IdP, access for the
 * configured groups and e-mail domains, a generated cookie secret, secure HttpOnly cookies.
 */
export class SsoProxy extends pulumi.ComponentResource {
    readonly serviceName: string;
    readonly port = oauth2ProxyPort;

    constructor(name: string, args: SsoProxyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracing:platform:SsoProxy", name, {}, opts);
        const ns = args.namespace;
        const sso = args.sso;
        const proxyName = ssoProxyNameOf(args.view?.name);
        this.serviceName = proxyName;
        const labels = platformLabels(proxyName, "sso");
        const selector = podSelector(proxyName);

        // oauth2-proxy first base64-decodes the cookie secret and keeps the result when it is 16, 24 or
        // 32 bytes long: 32 alphanumerics are valid base64 and decode to 24 bytes, an AES-192 key.
        const cookieSecret = new random.RandomPassword(
            `${name}-cookie`,
            { length: 32, special: false },
            { parent: this },
        );
        const ownSecret = new k8s.core.v1.Secret(
            name,
            {
                metadata: { name: proxyName, namespace: ns, labels },
                type: "Opaque",
                stringData: {
                    "cookie-secret": cookieSecret.result,
                    ...(sso.clientSecret === undefined ? {} : { "client-secret": pulumi.secret(sso.clientSecret) }),
                },
            },
            { parent: this },
        );
        const clientSecretRef =
            sso.existingSecret === undefined
                ? { name: ownSecret.metadata.name, key: "client-secret" }
                : { name: sso.existingSecret, key: "client-secret" };

        const args_ = renderOAuth2ProxyArgs({
            issuerUrl: sso.issuerUrl,
            clientId: sso.clientId,
            host: args.host,
            upstream: args.upstream,
            allowedGroups: args.view?.groups ?? sso.allowedGroups,
            emailDomains: sso.emailDomains,
            groupsClaim: sso.groupsClaim,
            scope: sso.scope,
            cookieSameSite: sso.cookieSameSite,
            cookieExpire: sso.cookieExpire,
            trustedProxyRanges: args.trustedProxyRanges,
            listenAddress: `0.0.0.0:${oauth2ProxyPort}`,
            metricsAddress: `0.0.0.0:${oauth2ProxyMetricsPort}`,
            ...(sso.providerCa === undefined ? {} : { providerCaFile: `${providerCaDir}/${providerCaFile}` }),
            ...(args.view === undefined ? {} : { view: { name: args.view.name, path: args.view.path } }),
        });
        const providerCa =
            sso.providerCa === undefined
                ? undefined
                : {
                      volume: {
                          name: "provider-ca",
                          configMap: {
                              name: sso.providerCa.configMap,
                              items: [{ key: sso.providerCa.key, path: providerCaFile }],
                          },
                      },
                      mount: { name: "provider-ca", mountPath: providerCaDir, readOnly: true },
                  };

        new k8s.apps.v1.Deployment(
            name,
            {
                metadata: { name: proxyName, namespace: ns, labels },
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
                                    image: args.image,
                                    args: args_,
                                    env: [
                                        { name: secretEnv.clientSecret, valueFrom: { secretKeyRef: clientSecretRef } },
                                        {
                                            name: secretEnv.cookieSecret,
                                            valueFrom: {
                                                secretKeyRef: { name: ownSecret.metadata.name, key: "cookie-secret" },
                                            },
                                        },
                                    ],
                                    ports: [
                                        { name: "http", containerPort: oauth2ProxyPort },
                                        { name: "metrics", containerPort: oauth2ProxyMetricsPort },
                                    ],
                                    resources: resources("100m", 128),
                                    securityContext: restrictedContainerSecurity,
                                    livenessProbe: httpProbe("/ping", "http"),
                                    readinessProbe: httpProbe("/ready", "http", 5),
                                    ...(providerCa === undefined ? {} : { volumeMounts: [providerCa.mount] }),
                                },
                            ],
                            ...(providerCa === undefined ? {} : { volumes: [providerCa.volume] }),
                        },
                    },
                },
            },
            { parent: this },
        );
        new k8s.core.v1.Service(
            name,
            {
                metadata: { name: proxyName, namespace: ns, labels },
                spec: {
                    type: "ClusterIP",
                    selector,
                    ports: [{ name: "http", port: oauth2ProxyPort, targetPort: "http" }],
                },
            },
            { parent: this },
        );
        if (sso.replicas > 1) {
            onePodAtATime(name, { name: proxyName, namespace: ns, labels }, selector, { parent: this });
        }
        this.registerOutputs({ service: proxyName });
    }
}
