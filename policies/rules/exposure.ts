import { withinAny } from "../cidr";
import { annotations, containers, isKind, isSsoProxy, list, metadataName, metadataNamespace, obj, PolicyInput, podLabels, podSpec } from "../resource-view";
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
            out.push(`Service ${metadataName(r)} is of type ${String(spec.type)}, which exposes it outside the cluster. Use type ClusterIP; the UI is reached only through the internal Ingress.`);
        }
        if (Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0) {
            out.push(`Service ${metadataName(r)} sets externalIPs. Remove them; nothing of the tracing platform is published on node addresses.`);
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
        if (pod.hostNetwork === true) out.push(`${metadataName(r)} uses hostNetwork. Remove it; reach the pods through ClusterIP Services.`);
        for (const c of containers(pod)) {
            for (const p of list(c.ports)) {
                if (p.hostPort !== undefined && p.hostPort !== 0) {
                    out.push(`${metadataName(r)}: container ${String(c.name)} publishes hostPort ${String(p.hostPort)}. Remove it; apps reach the node's agent through a Service with internalTrafficPolicy: Local.`);
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
            `Ingress ${metadataName(r)} uses ingress class ${cls === undefined ? "(none)" : String(cls)}. Set ingressClassName to an internal class: ${config.allowedIngressClasses.join(", ")}.`,
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
        const hosts = list(spec.rules).map((rule) => String(rule.host ?? "*"));
        const missing = hosts.filter((h) => !covered.has(h));
        if (list(spec.tls).length > 0 && missing.length === 0) return [];
        return [`Ingress ${metadataName(r)} serves ${missing.length > 0 ? missing.join(", ") : "its hosts"} without TLS. Add a tls entry with a certificate from cert-manager for every host.`];
    },
};

const sourceRangeKeys = (a: Record<string, string>): string[] =>
    Object.keys(a).filter((k) => k.endsWith("whitelist-source-range") || k.endsWith("allowlist-source-range") || k === "tracing-platform/source-ranges");

/** Gateway API route kinds: each routes a Gateway listener to backendRefs. */
const gatewayRouteKinds = ["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"];
const isGatewayRoute = (r: PolicyInput): boolean => r.type.startsWith("kubernetes:gateway.networking.k8s.io/") && gatewayRouteKinds.some((k) => isKind(r, k));
/** Anything that lets traffic from outside the cluster in: an Ingress or a Gateway API route. */
const isRoute = (r: PolicyInput): boolean => isKind(r, "Ingress") || isGatewayRoute(r);

export const ingressVpnOnly: ResourceRule = {
    kind: "resource",
    name: "ingress-vpn-only",
    description: "The UI answers only the VPN: every Ingress and Gateway API route carries a source-range allowlist inside the allowed ranges.",
    enforcementLevel: "mandatory",
    config: ["allowedSourceRanges"],
    validateResource(r, config) {
        if (!isRoute(r)) return [];
        const a = annotations(r);
        const keys = sourceRangeKeys(a);
        if (keys.length === 0) {
            return [`${metadataName(r)} has no source-range allowlist. Set tracing:exposure.sourceRanges to the VPN's ranges (written as the controller's source-range annotation).`];
        }
        const ranges = keys.flatMap((k) => a[k].split(",").map((s) => s.trim()).filter((s) => s !== ""));
        if (ranges.length === 0) return [`${metadataName(r)} has an empty source-range allowlist. List the VPN's ranges in tracing:exposure.sourceRanges.`];
        const outside = ranges.filter((cidr) => !withinAny(cidr, config.allowedSourceRanges));
        return outside.length === 0
            ? []
            : [`${metadataName(r)} admits ${outside.join(", ")}, outside the allowed ranges (${config.allowedSourceRanges.join(", ")}). Restrict tracing:exposure.sourceRanges to the VPN.`];
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
        const name = (b: unknown): Backend => ({ name: String(obj(obj(b).service).name ?? obj(obj(b).resource).name ?? "(none)"), namespace: ns });
        const fromRules = list(spec.rules).flatMap((rule) => list(obj(rule.http).paths).map((p) => name(p.backend)));
        return spec.defaultBackend === undefined ? fromRules : [...fromRules, name(spec.defaultBackend)];
    }
    return list(spec.rules).flatMap((rule) =>
        list(rule.backendRefs).map((b) => ({ name: String(b.name ?? "(none)"), namespace: typeof b.namespace === "string" ? b.namespace : ns })),
    );
}

const selects = (selector: Record<string, unknown>, podLabelSet: Record<string, string>): boolean =>
    Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => podLabelSet[k] === v);

export const uiOnlyThroughSso: StackRule = {
    kind: "stack",
    name: "ui-only-through-sso",
    description: "Ingresses and Gateway API routes route only to the SSO proxy; nothing exposes Jaeger, the collectors or Elasticsearch directly.",
    enforcementLevel: "mandatory",
    validateStack(resources) {
        const out: Violation[] = [];
        const services = resources.filter((r) => isKind(r, "Service"));
        const proxies = resources.filter(isSsoProxy);
        for (const route of resources.filter(isRoute)) {
            for (const backend of backends(route)) {
                const svc = services.find((s) => metadataName(s) === backend.name && metadataNamespace(s) === backend.namespace);
                const selector = obj(obj(svc?.props.spec).selector);
                const toProxy = svc !== undefined && proxies.some((p) => metadataNamespace(p) === metadataNamespace(svc) && selects(selector, podLabels(p)));
                if (toProxy) continue;
                const why = svc === undefined ? `which is no Service of this stack in namespace ${String(backend.namespace)}` : "whose pods are not the SSO proxy (oauth2-proxy)";
                out.push(at(route, `${metadataName(route)} routes to ${backend.name}, ${why}. Route the UI only to the oauth2-proxy Service.`));
            }
        }
        return out;
    },
};
