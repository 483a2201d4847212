import { withinAny } from "../cidr";
import {
    annotations,
    containers,
    isKind,
    isSsoProxy,
    list,
    metadataName,
    metadataNamespace,
    obj,
    PolicyInput,
    podLabels,
    podSpec,
    selectorMatches,
    strings,
    text,
} from "../resource-view";
import { at, ResourceRule, StackRule, Violation } from "../rule";

export const noExternalService: ResourceRule = {
    kind: "resource",
    name: "no-external-service",
    description: "Traces stay inside the company: no LoadBalancer or NodePort Service and no externalIPs.",
    enforcementLevel: "mandatory",
    validateResource(r) {
        if (!isKind(r, "Service")) return [];
        const spec = obj(r.props.spec);
        const out: string[] = [];
        if (spec.type === "LoadBalancer" || spec.type === "NodePort") {
            out.push(
                `Service ${metadataName(r)} is of type ${String(spec.type)}, which exposes it outside the cluster. Use type ClusterIP; the UI is reached only through the internal Ingress.`,
            );
        }
        if (Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0) {
            out.push(
                `Service ${metadataName(r)} sets externalIPs. Remove them; nothing of the tracing platform is published on node addresses.`,
            );
        }
        return out;
    },
};

export const noHostNetwork: ResourceRule = {
    kind: "resource",
    name: "no-host-network",
    description: "No pod of ours shares the node's network: no hostNetwork, no hostPort.",
    enforcementLevel: "mandatory",
    validateResource(r) {
        const pod = podSpec(r);
        if (pod === null) return [];
        const out: string[] = [];
        if (pod.hostNetwork === true)
            out.push(`${metadataName(r)} uses hostNetwork. Remove it; reach the pods through ClusterIP Services.`);
        for (const c of containers(pod)) {
            for (const p of list(c.ports)) {
                if (p.hostPort !== undefined && p.hostPort !== 0) {
                    out.push(
                        `${metadataName(r)}: container ${text(c.name)} publishes hostPort ${text(p.hostPort)}. Remove it; apps reach the node's agent through a Service with internalTrafficPolicy: Local.`,
                    );
                }
            }
        }
        return out;
    },
};

export const ingressInternalClass: ResourceRule = {
    kind: "resource",
    name: "ingress-internal-class",
    description: "Every Ingress uses one of the internal ingress classes.",
    enforcementLevel: "mandatory",
    config: ["allowedIngressClasses"],
    validateResource(r, config) {
        if (!isKind(r, "Ingress")) return [];
        const cls = obj(r.props.spec).ingressClassName ?? annotations(r)["kubernetes.io/ingress.class"];
        if (typeof cls === "string" && config.allowedIngressClasses.includes(cls)) return [];
        return [
            `Ingress ${metadataName(r)} uses ingress class ${text(cls, "(none)")}. Set ingressClassName to an internal class: ${config.allowedIngressClasses.join(", ")}.`,
        ];
    },
};

export const ingressTls: ResourceRule = {
    kind: "resource",
    name: "ingress-tls-required",
    description: "Every Ingress serves its hosts over TLS.",
    enforcementLevel: "mandatory",
    validateResource(r) {
        if (!isKind(r, "Ingress")) return [];
        const spec = obj(r.props.spec);
        const covered = new Set(list(spec.tls).flatMap((t) => (Array.isArray(t.hosts) ? t.hosts.map(String) : [])));
        const hosts = list(spec.rules).map((rule) => text(rule.host, "*"));
        const missing = hosts.filter((h) => !covered.has(h));
        if (list(spec.tls).length > 0 && missing.length === 0) return [];
        return [
            `Ingress ${metadataName(r)} serves ${missing.length > 0 ? missing.join(", ") : "its hosts"} without TLS. Add a tls entry with a certificate from cert-manager for every host.`,
        ];
    },
};

/** Annotations the pack knows to be enforced by the controller that reads them. */
const knownAllowlistAnnotations = [
    "haproxy.org/allow-list",
    "nginx.ingress.kubernetes.io/whitelist-source-range",
    "nginx.ingress.kubernetes.io/allowlist-source-range",
];
const traefikMiddlewares = "traefik.ingress.kubernetes.io/router.middlewares";

/** Gateway API route kinds: each routes a Gateway listener to backendRefs. */
const gatewayRouteKinds = ["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"];
const isGatewayRoute = (r: PolicyInput): boolean =>
    r.type.startsWith("kubernetes:gateway.networking.k8s.io/") && gatewayRouteKinds.some((k) => isKind(r, k));
/** Anything that lets traffic from outside the cluster in: an Ingress or a Gateway API route. */
const isRoute = (r: PolicyInput): boolean => isKind(r, "Ingress") || isGatewayRoute(r);

const splitRanges = (v: string): string[] =>
    v
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");

/** A Traefik Middleware's allowlist, by namespace and name; null when it is none or absent. */
function middlewareRanges(resources: PolicyInput[], namespace: string | undefined, name: string): string[] | null {
    const m = resources.find(
        (r) =>
            isKind(r, "Middleware") &&
            r.type.includes(":traefik.io/") &&
            metadataName(r) === name &&
            metadataNamespace(r) === namespace,
    );
    const sourceRange = obj(obj(m?.props.spec).ipAllowList).sourceRange;
    return Array.isArray(sourceRange) ? sourceRange.map(String) : null;
}

/**
 * The allowlists that guard a route, each as its controller enforces it: an annotation the controller
 * reads, a Traefik ipAllowList Middleware the route names, an Envoy Gateway SecurityPolicy that
 * targets it, denies by default and allows client CIDRs. An annotation nobody reads is no guard.
 */
function guards(
    r: PolicyInput,
    resources: PolicyInput[],
    extraAnnotations: string[],
): { by: string; ranges: string[] }[] {
    const ns = metadataNamespace(r);
    const a = annotations(r);
    const out: { by: string; ranges: string[] }[] = [];
    for (const key of [...knownAllowlistAnnotations, ...extraAnnotations])
        if (typeof a[key] === "string") out.push({ by: `annotation ${key}`, ranges: splitRanges(a[key]) });
    if (isKind(r, "Ingress") && typeof a[traefikMiddlewares] === "string") {
        for (const ref of splitRanges(a[traefikMiddlewares])) {
            const name = ref.replace(/@kubernetescrd$/, "").slice(`${String(ns)}-`.length);
            const ranges = ref.startsWith(`${String(ns)}-`) ? middlewareRanges(resources, ns, name) : null;
            if (ranges !== null) out.push({ by: `Middleware ${name}`, ranges });
        }
    }
    if (isGatewayRoute(r)) {
        // A filter guards only the rule it is on: every rule must carry the Middleware.
        const rules = list(obj(r.props.spec).rules);
        const perRule = rules.map((rule) =>
            list(rule.filters)
                .map((f) => obj(f.extensionRef))
                .filter((e) => e.group === "traefik.io" && e.kind === "Middleware")
                .map((e) => ({ name: String(e.name), ranges: middlewareRanges(resources, ns, String(e.name)) })),
        );
        if (rules.length > 0 && perRule.every((fs) => fs.some((f) => f.ranges !== null))) {
            for (const f of perRule.flat())
                if (f.ranges !== null) out.push({ by: `Middleware ${f.name}`, ranges: f.ranges });
        }
        for (const p of resources.filter(
            (x) =>
                isKind(x, "SecurityPolicy") &&
                x.type.includes(":gateway.envoyproxy.io/") &&
                metadataNamespace(x) === ns,
        )) {
            const spec = obj(p.props.spec);
            const targets = list(spec.targetRefs).some(
                (t) => t.name === metadataName(r) && r.type.endsWith(`:${String(t.kind)}`),
            );
            const authz = obj(spec.authorization);
            if (!targets || authz.defaultAction !== "Deny") continue;
            const allowed = list(authz.rules)
                .filter((rule) => rule.action === "Allow")
                .flatMap((rule) => strings(obj(rule.principal).clientCIDRs));
            out.push({ by: `SecurityPolicy ${metadataName(p)}`, ranges: allowed });
        }
    }
    return out;
}

export const ingressVpnOnly: StackRule = {
    kind: "stack",
    name: "ingress-vpn-only",
    description:
        "The UI answers only the VPN: every Ingress and Gateway API route is guarded by what its controller enforces (a Traefik ipAllowList Middleware, an Envoy Gateway SecurityPolicy, HAProxy's or ingress-nginx's allow-list annotation) with ranges inside the allowed ones.",
    enforcementLevel: "mandatory",
    config: ["allowedSourceRanges", "sourceRangeAnnotations"],
    validateStack(resources, config) {
        const out: Violation[] = [];
        for (const r of resources.filter(isRoute)) {
            const found = guards(r, resources, config.sourceRangeAnnotations);
            if (found.length === 0) {
                out.push(
                    at(
                        r,
                        `${metadataName(r)} is guarded by nothing its controller enforces. Set tracing:exposure.controller to the controller in front (traefik, envoy-gateway, haproxy, ingress-nginx) so the program renders its allowlist, or name your controller's annotation (controller custom, and the pack's sourceRangeAnnotations).`,
                    ),
                );
                continue;
            }
            for (const g of found) {
                if (g.ranges.length === 0) {
                    out.push(
                        at(
                            r,
                            `${metadataName(r)}: ${g.by} admits no range. List the VPN's ranges in tracing:exposure.sourceRanges.`,
                        ),
                    );
                    continue;
                }
                const outside = g.ranges.filter((cidr) => !withinAny(cidr, config.allowedSourceRanges));
                if (outside.length > 0) {
                    out.push(
                        at(
                            r,
                            `${metadataName(r)}: ${g.by} admits ${outside.join(", ")}, outside the allowed ranges (${config.allowedSourceRanges.join(", ")}). Restrict tracing:exposure.sourceRanges to the VPN.`,
                        ),
                    );
                }
            }
        }
        return out;
    },
};

interface Backend {
    name: string;
    namespace: string | undefined;
}

/** Where a route sends traffic: Service names (a backend that is no Service keeps its resource name or "(none)"). */
function backends(r: PolicyInput): Backend[] {
    const spec = obj(r.props.spec);
    const ns = metadataNamespace(r);
    if (isKind(r, "Ingress")) {
        const name = (b: unknown): Backend => ({
            name: text(obj(obj(b).service).name ?? obj(obj(b).resource).name, "(none)"),
            namespace: ns,
        });
        const fromRules = list(spec.rules).flatMap((rule) => list(obj(rule.http).paths).map((p) => name(p.backend)));
        return spec.defaultBackend === undefined ? fromRules : [...fromRules, name(spec.defaultBackend)];
    }
    return list(spec.rules).flatMap((rule) =>
        list(rule.backendRefs).map((b) => ({
            name: text(b.name, "(none)"),
            namespace: typeof b.namespace === "string" ? b.namespace : ns,
        })),
    );
}

export const uiOnlyThroughSso: StackRule = {
    kind: "stack",
    name: "ui-only-through-sso",
    description:
        "Ingresses and Gateway API routes route only to the SSO proxy; nothing exposes Jaeger, the collectors or Elasticsearch directly.",
    enforcementLevel: "mandatory",
    validateStack(resources) {
        const out: Violation[] = [];
        const services = resources.filter((r) => isKind(r, "Service"));
        const proxies = resources.filter(isSsoProxy);
        for (const route of resources.filter(isRoute)) {
            for (const backend of backends(route)) {
                const svc = services.find(
                    (s) => metadataName(s) === backend.name && metadataNamespace(s) === backend.namespace,
                );
                const selector = obj(obj(svc?.props.spec).selector);
                const toProxy =
                    svc !== undefined &&
                    proxies.some(
                        (p) =>
                            metadataNamespace(p) === metadataNamespace(svc) && selectorMatches(selector, podLabels(p)),
                    );
                if (toProxy) continue;
                const why =
                    svc === undefined
                        ? `which is no Service of this stack in namespace ${String(backend.namespace)}`
                        : "whose pods are not the SSO proxy (oauth2-proxy)";
                out.push(
                    at(
                        route,
                        `${metadataName(route)} routes to ${backend.name}, ${why}. Route the UI only to the oauth2-proxy Service.`,
                    ),
                );
            }
        }
        return out;
    },
};
