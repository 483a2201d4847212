import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ExposureConfig } from "../config/schema";
import { renderVpnEnforcement, VpnEnforcement } from "../renderers/vpn-enforcement";
import { customResource, serverCertificate } from "./custom-resources";
import { platformLabels } from "./pod-conventions";

export interface UiExposureArgs {
    namespace: string;
    exposure: ExposureConfig;
    issuerName: string;
    certManagerReady: pulumi.Resource[];
    /** The SSO proxy: the only backend the UI is ever routed to. */
    backendService: string;
    backendPort: number;
    /** Team views: each path (`/views/<name>`) goes to that view's own proxy, on the same host and port. */
    viewRoutes?: { path: string; backendService: string }[];
}

export const uiName = "jaeger-ui";
export const uiTlsSecret = "jaeger-ui-tls";

/** Typed specs for the Gateway API objects (gateway.networking.k8s.io/v1 and v1beta1). */
interface HTTPRouteSpec {
    parentRefs: { name: string; namespace: string; sectionName?: string }[];
    hostnames: string[];
    rules: {
        matches: { path: { type: "PathPrefix"; value: string } }[];
        filters?: VpnEnforcement["routeFilters"];
        backendRefs: { name: string; port: number }[];
    }[];
}

interface ReferenceGrantSpec {
    from: { group: string; kind: string; namespace: string }[];
    to: { group: string; kind: string; name?: string }[];
}

/**
 * The Jaeger UI's only way in: TLS from cert-manager, on an internal Ingress class (or an internal
 * Gateway) that admits the VPN's ranges only, routing to the SSO proxy and nowhere else.
 */
export class UiExposure extends pulumi.ComponentResource {
    readonly url: string;

    constructor(name: string, args: UiExposureArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracing:platform:UiExposure", name, {}, opts);
        const ns = args.namespace;
        const e = args.exposure;
        const labels = platformLabels(uiName, "ui-exposure");
        const routes = [{ path: "/", backendService: args.backendService }, ...(args.viewRoutes ?? [])];

        // A VPN-only host cannot answer ACME HTTP-01, so the certificate comes from a CA issuer.
        const certificate = serverCertificate(
            `${name}-tls`,
            { secretName: uiTlsSecret, namespace: ns, labels, dnsNames: [e.host], issuerName: args.issuerName },
            { parent: this, dependsOn: args.certManagerReady },
        );

        // What keeps everyone but the VPN out, in the form the configured controller enforces.
        const vpn = renderVpnEnforcement({
            mode: e.mode,
            controller: e.controller,
            sourceRanges: e.sourceRanges,
            namespace: ns,
            routeName: uiName,
            customAnnotation: e.sourceRangeAnnotation,
        });
        const enforcers = vpn.objects.map((o) =>
            customResource<Record<string, unknown>>(
                `${name}-${o.kind.toLowerCase()}`,
                {
                    apiVersion: o.apiVersion,
                    kind: o.kind,
                    metadata: { name: o.name, namespace: ns, labels },
                    spec: o.spec,
                },
                { parent: this },
            ),
        );

        if (e.mode === "ingress") {
            new k8s.networking.v1.Ingress(
                name,
                {
                    metadata: {
                        name: uiName,
                        namespace: ns,
                        labels,
                        annotations: {
                            ...vpn.annotations,
                            // Pulumi waits up to 10 minutes for status.loadBalancer, which internal
                            // controllers often never publish: wait only when told to.
                            ...(e.awaitAddress ? {} : { "pulumi.com/skipAwait": "true" }),
                        },
                    },
                    spec: {
                        ingressClassName: e.ingressClassName,
                        tls: [{ hosts: [e.host], secretName: uiTlsSecret }],
                        rules: [
                            {
                                host: e.host,
                                // The longest matching prefix wins: /views/<name> never reaches the all view.
                                http: {
                                    paths: routes.map((r) => ({
                                        path: r.path,
                                        pathType: "Prefix",
                                        backend: {
                                            service: { name: r.backendService, port: { number: args.backendPort } },
                                        },
                                    })),
                                },
                            },
                        ],
                    },
                },
                // The route only after what guards it: never a moment open to more than the VPN.
                { parent: this, dependsOn: [certificate, ...enforcers] },
            );
        } else {
            const gateway = e.gateway;
            if (gateway === undefined) throw new Error("tracing:exposure.gateway is required in gateway-api mode");
            customResource<HTTPRouteSpec>(
                name,
                {
                    apiVersion: "gateway.networking.k8s.io/v1",
                    kind: "HTTPRoute",
                    metadata: {
                        name: uiName,
                        namespace: ns,
                        labels,
                        ...(Object.keys(vpn.annotations).length > 0 ? { annotations: vpn.annotations } : {}),
                    },
                    spec: {
                        parentRefs: [{ name: gateway.name, namespace: gateway.namespace }],
                        hostnames: [e.host],
                        rules: routes.map((r) => ({
                            matches: [{ path: { type: "PathPrefix", value: r.path } }],
                            ...(vpn.routeFilters.length > 0 ? { filters: vpn.routeFilters } : {}),
                            backendRefs: [{ name: r.backendService, port: args.backendPort }],
                        })),
                    },
                },
                { parent: this, dependsOn: enforcers },
            );
            // Lets the Gateway's TLS listener use the certificate issued here.
            customResource<ReferenceGrantSpec>(
                `${name}-tls-grant`,
                {
                    apiVersion: "gateway.networking.k8s.io/v1beta1",
                    kind: "ReferenceGrant",
                    metadata: { name: `${uiName}-tls`, namespace: ns, labels },
                    spec: {
                        from: [{ group: "gateway.networking.k8s.io", kind: "Gateway", namespace: gateway.namespace }],
                        to: [{ group: "", kind: "Secret", name: uiTlsSecret }],
                    },
                },
                { parent: this },
            );
        }
        this.url = `https://${e.host}/`;
        this.registerOutputs({ url: this.url });
    }
}
