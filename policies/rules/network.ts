import {
    containers,
    isKind,
    isSsoProxy,
    list,
    metadataName,
    networkPolicySelects,
    obj,
    podSpec,
    type Json,
} from "../resource-view";
import { at, type ResourceRule, type StackRule, type Violation } from "../rule";

/** A prefix this short reaches most of the address space: /0 is everything, /1 half of it. */
const openPrefix = 8;

const prefixOf = (cidr: string): number => Number(cidr.split("/")[1] ?? 32);

export const egressNotOpen: ResourceRule = {
    kind: "resource",
    name: "egress-not-open",
    description: "No NetworkPolicy of ours lets pods reach any address: every egress rule names its destinations.",
    enforcementLevel: "mandatory",
    validateResource(r) {
        if (!isKind(r, "NetworkPolicy")) return [];
        const out: string[] = [];
        list(obj(r.props.spec).egress).forEach((rule, i) => {
            const to = list(obj(rule).to);
            const ports =
                list(obj(rule).ports)
                    .map((p) => String(obj(p).port))
                    .join(",") || "every port";
            if (to.length === 0) {
                out.push(
                    `${metadataName(r)}: egress rule ${i} has no destinations, so it allows any address on ${ports}. Name the pods, namespaces or ranges it may reach.`,
                );
            }
            for (const peer of to) {
                const cidr = obj(obj(peer).ipBlock).cidr;
                if (typeof cidr === "string" && prefixOf(cidr) < openPrefix) {
                    out.push(
                        `${metadataName(r)}: egress rule ${i} allows ${cidr} on ${ports}, which is almost any host (a way out for data). Narrow it to the destination's addresses (for the API server: tracing:network.apiServerRanges).`,
                    );
                }
            }
        });
        return out;
    },
};

const emptySelector = (sel: unknown): boolean =>
    sel !== undefined &&
    Object.keys(obj(obj(sel).matchLabels)).length === 0 &&
    list(obj(sel).matchExpressions).length === 0;

/** What a peer of an ingress rule lets in too widely, or null when it names its sources. */
function widePeer(peer: Json): string | null {
    const cidr = obj(peer.ipBlock).cidr;
    if (typeof cidr === "string" && prefixOf(cidr) < openPrefix) return `${cidr}, almost any address`;
    if (
        peer.namespaceSelector !== undefined &&
        emptySelector(peer.namespaceSelector) &&
        (peer.podSelector === undefined || emptySelector(peer.podSelector))
    )
        return "every pod of every namespace";
    if (peer.namespaceSelector === undefined && peer.ipBlock === undefined && emptySelector(peer.podSelector))
        return "every pod of its namespace";
    return null;
}

export const ingressFromNamedPeers: ResourceRule = {
    kind: "resource",
    name: "ingress-from-named-peers",
    description:
        "No NetworkPolicy of ours admits traffic from anywhere: every ingress rule names the pods, namespaces or ranges it admits.",
    enforcementLevel: "mandatory",
    validateResource(r) {
        if (!isKind(r, "NetworkPolicy")) return [];
        const out: string[] = [];
        list(obj(r.props.spec).ingress).forEach((rule, i) => {
            const from = list(obj(rule).from);
            if (from.length === 0)
                out.push(
                    `${metadataName(r)}: ingress rule ${i} has no sources (no from), so it admits every source. Name the pods, namespaces or ranges it admits.`,
                );
            for (const peer of from) {
                const wide = widePeer(peer);
                if (wide !== null)
                    out.push(
                        `${metadataName(r)}: ingress rule ${i} admits ${wide}. Name the pods, namespaces or ranges it admits.`,
                    );
            }
        });
        return out;
    },
};

/** The namespaces a peer names by kubernetes.io/metadata.name, or null when it selects otherwise. */
function namedNamespaces(peer: Json): string[] | null {
    if (peer.ipBlock !== undefined || peer.namespaceSelector === undefined) return null;
    const sel = obj(peer.namespaceSelector);
    const byLabel = obj(sel.matchLabels)["kubernetes.io/metadata.name"];
    if (
        typeof byLabel === "string" &&
        Object.keys(obj(sel.matchLabels)).length === 1 &&
        list(sel.matchExpressions).length === 0
    )
        return [byLabel];
    const expr = list(sel.matchExpressions);
    if (
        Object.keys(obj(sel.matchLabels)).length === 0 &&
        expr.length === 1 &&
        expr[0].key === "kubernetes.io/metadata.name" &&
        expr[0].operator === "In"
    )
        return list(expr[0].values).map(String);
    return null;
}

export const uiOnlyFromIngressController: StackRule = {
    kind: "stack",
    name: "ui-only-from-ingress-controller",
    description:
        "The SSO proxy in front of the UI admits traffic only from the ingress controller's (or Gateway's) namespace.",
    enforcementLevel: "mandatory",
    config: ["ingressControllerNamespaces"],
    validateStack(resources, config) {
        const proxies = resources.filter(
            (r) => isSsoProxy(r) && podSpec(r) !== null && containers(podSpec(r) ?? {}).length > 0,
        );
        const policies = resources.filter((r) => isKind(r, "NetworkPolicy"));
        const out: Violation[] = [];
        for (const proxy of proxies) {
            // The UI is what the proxy serves on its "http" port; a rule limited to other ports (its
            // metrics, for Prometheus) does not reach the UI.
            const uiPorts = containers(podSpec(proxy) ?? {}).flatMap((c) =>
                list(obj(c).ports)
                    .map(obj)
                    .filter((p) => p.name === "http")
                    .flatMap((p) => [p.containerPort, p.name]),
            );
            for (const np of policies.filter((p) => networkPolicySelects(p, proxy))) {
                list(obj(np.props.spec).ingress).forEach((rule, i) => {
                    const ports = list(obj(rule).ports).map((p) => obj(p).port);
                    if (ports.length > 0 && !ports.some((p) => uiPorts.includes(p))) return;
                    for (const peer of list(obj(rule).from)) {
                        const names = namedNamespaces(peer);
                        const outside =
                            names === null
                                ? null
                                : names.filter((n) => !config.ingressControllerNamespaces.includes(n));
                        if (outside === null || outside.length > 0) {
                            out.push(
                                at(
                                    np,
                                    `${metadataName(np)}: ingress rule ${i} lets ${outside === null ? JSON.stringify(peer) : `namespace ${outside.join(", ")}`} reach the SSO proxy; only the ingress controller's namespace (${config.ingressControllerNamespaces.join(", ")}) may. Set tracing:exposure.controllerNamespace, or name yours in the pack's ingressControllerNamespaces.`,
                                ),
                            );
                        }
                    }
                });
            }
        }
        return out;
    },
};
