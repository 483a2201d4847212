import {
    containers,
    isKind,
    isSsoProxy,
    list,
    metadataName,
    networkPolicySelects,
    obj,
    podSpec,
    strings,
    text,
    type Json,
} from "../resource-view";
import { at, type ResourceRule, type StackRule, type Violation } from "../rule";

/** A prefix this short reaches most of the address space: /0 is everything, /1 half of it. */
const openPrefix = 8;

const prefixOf = (cidr: string): number => Number(cidr.split("/")[1] ?? 32);

/**
 * The ports a ports entry opens: its number or name ("53", "dns"), a range ("32000-32767") with endPort,
 * or, without a port, every port of its protocol (TCP when it names none, as for Kubernetes).
 */
const portText = (p: Json): string =>
    p.port === undefined
        ? `every ${text(p.protocol, "TCP")} port`
        : p.endPort === undefined
          ? text(p.port)
          : `${text(p.port)}-${text(p.endPort)}`;

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
            const ports = list(obj(rule).ports).map(portText).join(",") || "every port";
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

/**
 * A selector that names nothing: only matchLabels or an In expression name what it selects; an empty
 * selector matches everything, and one of only Exists, DoesNotExist or NotIn expressions matches
 * everything they do not exclude (`kubernetes.io/metadata.name Exists` is every namespace).
 */
const wideSelector = (sel: unknown): boolean =>
    sel !== undefined &&
    Object.keys(obj(obj(sel).matchLabels)).length === 0 &&
    !list(obj(sel).matchExpressions).some((e) => e.operator === "In");

/** A wide selector's expressions as written: `team Exists`, `team NotIn (a, b)`, joined by "and". */
const expressionsText = (sel: unknown): string =>
    list(obj(sel).matchExpressions)
        .map((e) => {
            const values = strings(e.values);
            return `${text(e.key)} ${text(e.operator)}${values.length > 0 ? ` (${values.join(", ")})` : ""}`;
        })
        .join(" and ");

/** What a peer of an ingress rule lets in too widely, or null when it names its sources. */
function widePeer(peer: Json): string | null {
    const cidr = obj(peer.ipBlock).cidr;
    if (typeof cidr === "string" && prefixOf(cidr) < openPrefix) return `${cidr}, almost any address`;
    const byNamespace =
        peer.namespaceSelector !== undefined &&
        wideSelector(peer.namespaceSelector) &&
        (peer.podSelector === undefined || wideSelector(peer.podSelector));
    const byPod = peer.namespaceSelector === undefined && peer.ipBlock === undefined && wideSelector(peer.podSelector);
    if (!byNamespace && !byPod) return null;
    const podExprs = peer.podSelector === undefined ? "" : expressionsText(peer.podSelector);
    const nsExprs = byPod ? "" : expressionsText(peer.namespaceSelector);
    const pods = podExprs === "" ? "every pod" : `the pods where ${podExprs}`;
    const namespaces = byPod ? "its namespace" : nsExprs === "" ? "every namespace" : `the namespaces where ${nsExprs}`;
    const note =
        podExprs === "" && nsExprs === "" ? "" : " (nearly all: only matchLabels or an In expression name them)";
    return `${pods} of ${namespaces}${note}`;
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
        return strings(expr[0].values);
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
            // Failing closed: a rule reaches the UI unless every port it is limited to is the proxy's
            // metrics port (the container port named "metrics", by name or number; for Prometheus). A
            // port entry without a port, with a range (endPort) or naming any other port counts as the UI.
            const metricsPorts = containers(podSpec(proxy) ?? {}).flatMap((c) =>
                list(obj(c).ports)
                    .filter((p) => p.name === "metrics")
                    .flatMap((p) => [p.containerPort, p.name]),
            );
            const onlyMetrics = (p: Json): boolean =>
                p.port !== undefined && p.endPort === undefined && metricsPorts.includes(p.port);
            for (const np of policies.filter((p) => networkPolicySelects(p, proxy))) {
                list(obj(np.props.spec).ingress).forEach((rule, i) => {
                    const ports = list(obj(rule).ports);
                    if (ports.length > 0 && ports.every(onlyMetrics)) return;
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
