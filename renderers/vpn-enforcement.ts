/**
 * What makes the UI's route admit the VPN only, in the form the configured controller implements:
 * an annotation is worth nothing unless the controller in front reads it, so each controller gets
 * its own enforcing object or annotation, and an unknown one is refused by the config check unless
 * its annotation is named (`custom`).
 */
import type { GatewayController, IngressController } from "../config/schema";

/** The annotation each Ingress controller reads its client allowlist from (Traefik uses a Middleware instead). */
export const allowlistAnnotation: Record<Exclude<IngressController, "traefik" | "custom">, string> = {
    // HAProxy Kubernetes Ingress Controller (haproxytech).
    haproxy: "haproxy.org/allow-list",
    // ingress-nginx, retired in March 2026: only for clusters still running it.
    "ingress-nginx": "nginx.ingress.kubernetes.io/whitelist-source-range",
};

export interface EnforcedObject {
    apiVersion: string;
    kind: string;
    name: string;
    spec: Record<string, unknown>;
}

export interface VpnEnforcement {
    /** Annotations for the Ingress or HTTPRoute. */
    annotations: Record<string, string>;
    /** Objects that enforce it (a Traefik Middleware, an Envoy Gateway SecurityPolicy). */
    objects: EnforcedObject[];
    /** Filters for every rule of an HTTPRoute. */
    routeFilters: { type: "ExtensionRef"; extensionRef: { group: string; kind: string; name: string } }[];
}

export interface VpnEnforcementInput {
    mode: "ingress" | "gateway-api";
    controller: IngressController | GatewayController;
    /** The VPN's ranges. */
    sourceRanges: string[];
    namespace: string;
    /** The Ingress or HTTPRoute. */
    routeName: string;
    /** The annotation a `custom` controller reads. */
    customAnnotation?: string;
}

const traefikMiddleware = (name: string, ranges: string[]): EnforcedObject => ({
    apiVersion: "traefik.io/v1alpha1",
    kind: "Middleware",
    name,
    spec: { ipAllowList: { sourceRange: ranges } },
});

export function renderVpnEnforcement(input: VpnEnforcementInput): VpnEnforcement {
    const none: VpnEnforcement = { annotations: {}, objects: [], routeFilters: [] };
    const middleware = `${input.routeName}-vpn-only`;
    const ranges = input.sourceRanges;
    if (input.controller === "custom") {
        if (input.customAnnotation === undefined)
            throw new Error("a custom controller needs the annotation it reads source ranges from");
        return { ...none, annotations: { [input.customAnnotation]: ranges.join(",") } };
    }
    if (input.mode === "ingress") {
        if (input.controller === "traefik") {
            // Traefik reads middlewares from the Ingress as <namespace>-<name>@kubernetescrd.
            return {
                ...none,
                annotations: {
                    "traefik.ingress.kubernetes.io/router.middlewares": `${input.namespace}-${middleware}@kubernetescrd`,
                },
                objects: [traefikMiddleware(middleware, ranges)],
            };
        }
        if (input.controller === "ingress-nginx") {
            return {
                ...none,
                annotations: {
                    [allowlistAnnotation[input.controller]]: ranges.join(","),
                    // Its 4k default cannot hold the session cookies of a user with many groups (a 502).
                    "nginx.ingress.kubernetes.io/proxy-buffer-size": "16k",
                },
            };
        }
        if (input.controller === "haproxy")
            return { ...none, annotations: { [allowlistAnnotation[input.controller]]: ranges.join(",") } };
        throw new Error(`${input.controller} is not an Ingress controller`);
    }
    if (input.controller === "traefik") {
        return {
            ...none,
            objects: [traefikMiddleware(middleware, ranges)],
            routeFilters: [
                { type: "ExtensionRef", extensionRef: { group: "traefik.io", kind: "Middleware", name: middleware } },
            ],
        };
    }
    if (input.controller === "envoy-gateway") {
        // Deny by default, allow the VPN's client addresses: Envoy Gateway's client-IP authorization.
        return {
            ...none,
            objects: [
                {
                    apiVersion: "gateway.envoyproxy.io/v1alpha1",
                    kind: "SecurityPolicy",
                    name: middleware,
                    spec: {
                        targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: input.routeName }],
                        authorization: {
                            defaultAction: "Deny",
                            rules: [{ name: "vpn", action: "Allow", principal: { clientCIDRs: ranges } }],
                        },
                    },
                },
            ],
        };
    }
    throw new Error(`${input.controller} is not a Gateway API controller`);
}
