import { withinAny } from "../cidr";
import {
    annotations,
    containers,
    isKind,
    isSsoProxy,
    isWorkload,
    labels,
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

/**
 * Whether a TLS host covers a rule's host: the same name, or a wildcard standing for exactly one
 * label (`*.example.com` covers `a.example.com`, not `a.b.example.com` nor `example.com`).
 */
function tlsCovers(tlsHost: string, host: string): boolean {
    if (tlsHost === host) return true;
    if (!tlsHost.startsWith("*.") || tlsHost.length <= 2 || host.startsWith("*")) return false;
    const dot = host.indexOf(".");
    return dot > 0 && host.slice(dot) === tlsHost.slice(1);
}

export const ingressTls: ResourceRule = {
    kind: "resource",
    name: "ingress-tls-required",
    description: "Every Ingress serves its hosts over TLS.",
    enforcementLevel: "mandatory",
    validateResource(r) {
        if (!isKind(r, "Ingress")) return [];
        const spec = obj(r.props.spec);
        const covered = list(spec.tls).flatMap((t) => (Array.isArray(t.hosts) ? t.hosts.map(String) : []));
        const hosts = list(spec.rules).map((rule) => text(rule.host, "*"));
        const missing = hosts.filter((h) => !covered.some((c) => tlsCovers(c, h)));
        if (list(spec.tls).length > 0 && missing.length === 0) return [];
        return [
            `Ingress ${metadataName(r)} serves ${missing.length > 0 ? missing.join(", ") : "its hosts"} without TLS. Add a tls entry with a certificate from cert-manager for every host.`,
        ];
    },
};

/**
 * Annotations the pack knows to be enforced by the Ingress controller that reads them, with that
 * controller. It reads them from an Ingress only: on a Gateway API route (envoy-gateway, traefik or
 * a custom controller in front) nobody does.
 */
const ingressAllowlistAnnotations: [key: string, controller: string][] = [
    ["haproxy.org/allow-list", "HAProxy"],
    ["nginx.ingress.kubernetes.io/whitelist-source-range", "ingress-nginx"],
    ["nginx.ingress.kubernetes.io/allowlist-source-range", "ingress-nginx"],
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

/** An allowlist guarding a route: what it is, the ranges it admits, and the rules it admits any address by. */
interface Guard {
    by: string;
    ranges: string[];
    /** Rules that admit a request from any address (a SecurityPolicy's Allow rules without clientCIDRs). */
    open: string[];
}

/** The Ingress controllers' annotations a Gateway API route carries, which no controller in front of it reads. */
const unreadAnnotations = (r: PolicyInput, extraAnnotations: string[]): [string, string][] =>
    isGatewayRoute(r)
        ? ingressAllowlistAnnotations.filter(
              ([key]) => typeof annotations(r)[key] === "string" && !extraAnnotations.includes(key),
          )
        : [];

/**
 * The allowlists that guard a route, each as its controller enforces it: an annotation the controller
 * reads (the Ingress controllers' on an Ingress only; yours, from sourceRangeAnnotations, on either),
 * a Traefik ipAllowList Middleware the route names, an Envoy Gateway SecurityPolicy that targets it,
 * denies by default and allows client CIDRs. An annotation nobody reads is no guard.
 */
function guards(r: PolicyInput, resources: PolicyInput[], extraAnnotations: string[]): Guard[] {
    const ns = metadataNamespace(r);
    const a = annotations(r);
    const out: Guard[] = [];
    const keys = isKind(r, "Ingress")
        ? [...ingressAllowlistAnnotations.map(([key]) => key), ...extraAnnotations]
        : extraAnnotations;
    for (const key of keys)
        if (typeof a[key] === "string") out.push({ by: `annotation ${key}`, ranges: splitRanges(a[key]), open: [] });
    if (isKind(r, "Ingress") && typeof a[traefikMiddlewares] === "string") {
        for (const ref of splitRanges(a[traefikMiddlewares])) {
            const name = ref.replace(/@kubernetescrd$/, "").slice(`${String(ns)}-`.length);
            const ranges = ref.startsWith(`${String(ns)}-`) ? middlewareRanges(resources, ns, name) : null;
            if (ranges !== null) out.push({ by: `Middleware ${name}`, ranges, open: [] });
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
                if (f.ranges !== null) out.push({ by: `Middleware ${f.name}`, ranges: f.ranges, open: [] });
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
            // A principal's clientCIDRs, jwt and headers must all match: an Allow rule without clientCIDRs
            // admits a matching token or header from any address.
            const allows = list(authz.rules)
                .map((rule, i) => ({ rule, cidrs: strings(obj(rule.principal).clientCIDRs), i }))
                .filter(({ rule }) => rule.action === "Allow");
            out.push({
                by: `SecurityPolicy ${metadataName(p)}`,
                ranges: allows.flatMap(({ cidrs }) => cidrs),
                open: allows
                    .filter(({ cidrs }) => cidrs.length === 0)
                    .map(({ rule, i }) => (typeof rule.name === "string" ? rule.name : `#${i + 1}`)),
            });
        }
    }
    return out;
}

export const ingressVpnOnly: StackRule = {
    kind: "stack",
    name: "ingress-vpn-only",
    description:
        "The UI answers only the VPN: every Ingress and Gateway API route is guarded by what its controller enforces (a Traefik ipAllowList Middleware, an Envoy Gateway SecurityPolicy whose every Allow rule names client CIDRs, HAProxy's or ingress-nginx's allow-list annotation on an Ingress) with ranges inside the allowed ones.",
    enforcementLevel: "mandatory",
    config: ["allowedSourceRanges", "sourceRangeAnnotations"],
    validateStack(resources, config) {
        const out: Violation[] = [];
        const allowed = config.allowedSourceRanges.join(", ");
        for (const r of resources.filter(isRoute)) {
            const name = metadataName(r);
            const found = guards(r, resources, config.sourceRangeAnnotations);
            const unread = unreadAnnotations(r, config.sourceRangeAnnotations);
            // Each problem once per route, however many rules name the same Middleware.
            const messages = new Set<string>();
            if (found.length === 0 && unread.length > 0) {
                const read = unread.map(([key, controller]) => `${key} is read by ${controller} on an Ingress only`);
                messages.add(
                    `${name} is guarded by nothing its controller enforces: annotation ${read.join(", ")}; no Gateway API controller (envoy-gateway, traefik) reads ${unread.length === 1 ? "it" : "them"} on a route. Guard the route with a Traefik ipAllowList Middleware or an Envoy Gateway SecurityPolicy (tracing:exposure.controller traefik or envoy-gateway), or name your controller's annotation (controller custom, and the pack's sourceRangeAnnotations).`,
                );
            } else if (found.length === 0) {
                messages.add(
                    `${name} is guarded by nothing its controller enforces. Set tracing:exposure.controller to the controller in front (traefik, envoy-gateway, haproxy, ingress-nginx) so the program renders its allowlist, or name your controller's annotation (controller custom, and the pack's sourceRangeAnnotations).`,
                );
            }
            for (const g of found) {
                for (const rule of g.open) {
                    messages.add(
                        `${name}: ${g.by} allows by rule ${rule}, which names no clientCIDRs, requests from any address (a jwt or headers principal says who may come in, not from where). Give every Allow rule clientCIDRs inside the allowed ranges (${allowed}).`,
                    );
                }
                if (g.ranges.length === 0 && g.open.length === 0) {
                    messages.add(
                        `${name}: ${g.by} admits no range. List the VPN's ranges in tracing:exposure.sourceRanges.`,
                    );
                    continue;
                }
                const outside = g.ranges.filter((cidr) => !withinAny(cidr, config.allowedSourceRanges));
                if (outside.length > 0) {
                    messages.add(
                        `${name}: ${g.by} admits ${outside.join(", ")}, outside the allowed ranges (${allowed}). Restrict tracing:exposure.sourceRanges to the VPN.`,
                    );
                }
            }
            for (const m of messages) out.push(at(r, m));
        }
        return out;
    },
};

interface Backend {
    name: string;
    namespace: string | undefined;
    /** What the backend is when it is no core Service (only a Service can lead to the SSO proxy's pods). */
    notService?: { kind: string; group: string };
}

/**
 * Where a route sends traffic: its backends by name ("(none)" when a backend names nothing), each a core
 * Service (an Ingress's backend.service; a backendRef of group "" and kind Service, the defaults) or not.
 */
function backends(r: PolicyInput): Backend[] {
    const spec = obj(r.props.spec);
    const ns = metadataNamespace(r);
    if (isKind(r, "Ingress")) {
        const backend = (b: unknown): Backend => {
            const { service, resource } = obj(b);
            if (service === undefined && resource !== undefined) {
                const res = obj(resource);
                return {
                    name: text(res.name, "(none)"),
                    namespace: ns,
                    notService: { kind: text(res.kind, "(none)"), group: text(res.apiGroup) },
                };
            }
            return { name: text(obj(service).name, "(none)"), namespace: ns };
        };
        const fromRules = list(spec.rules).flatMap((rule) => list(obj(rule.http).paths).map((p) => backend(p.backend)));
        return spec.defaultBackend === undefined ? fromRules : [...fromRules, backend(spec.defaultBackend)];
    }
    return list(spec.rules).flatMap((rule) =>
        list(rule.backendRefs).map((b) => {
            const group = text(b.group);
            const kind = text(b.kind, "Service");
            return {
                name: text(b.name, "(none)"),
                namespace: typeof b.namespace === "string" ? b.namespace : ns,
                ...(group === "" && kind === "Service" ? {} : { notService: { kind, group } }),
            };
        }),
    );
}

/** A workload's pods' labels (a bare Pod's are its own). */
const podLabelsOf = (w: PolicyInput): Record<string, string> => (isKind(w, "Pod") ? labels(w) : podLabels(w));
const kindOf = (r: PolicyInput): string => r.type.slice(r.type.lastIndexOf(":") + 1);

export const uiOnlyThroughSso: StackRule = {
    kind: "stack",
    name: "ui-only-through-sso",
    description:
        "Ingresses and Gateway API routes route only to the SSO proxy; nothing exposes Jaeger, the collectors or Elasticsearch directly.",
    enforcementLevel: "mandatory",
    validateStack(resources) {
        const out: Violation[] = [];
        const services = resources.filter((r) => isKind(r, "Service"));
        const workloads = resources.filter(isWorkload);
        for (const route of resources.filter(isRoute)) {
            const refuse = (backend: Backend, why: string): void => {
                out.push(
                    at(
                        route,
                        `${metadataName(route)} routes to ${backend.name}, ${why}. Route the UI only to the oauth2-proxy Service.`,
                    ),
                );
            };
            for (const backend of backends(route)) {
                if (backend.notService !== undefined) {
                    const { kind, group } = backend.notService;
                    refuse(
                        backend,
                        `a backend of kind ${kind} (${group === "" ? "core API group" : group}), not a Service: only a Service selecting the SSO proxy's pods leads to the proxy`,
                    );
                    continue;
                }
                const svc = services.find(
                    (s) => metadataName(s) === backend.name && metadataNamespace(s) === backend.namespace,
                );
                if (svc === undefined) {
                    refuse(backend, `which is no Service of this stack in namespace ${String(backend.namespace)}`);
                    continue;
                }
                // A Service spreads requests over every pod it selects: each must be the SSO proxy's.
                const selector = obj(obj(svc.props.spec).selector);
                const selected = workloads.filter(
                    (w) => metadataNamespace(w) === metadataNamespace(svc) && selectorMatches(selector, podLabelsOf(w)),
                );
                const others = selected.filter((w) => !isSsoProxy(w));
                if (selected.length === others.length) {
                    refuse(backend, "whose pods are not the SSO proxy (oauth2-proxy)");
                } else if (others.length > 0) {
                    refuse(
                        backend,
                        `whose selector also picks the pods of ${others.map((w) => `${kindOf(w)} ${metadataName(w)}`).join(", ")}, which are not the SSO proxy (oauth2-proxy): the requests they get skip SSO. Select only the proxy's pods`,
                    );
                }
            }
        }
        return out;
    },
};
