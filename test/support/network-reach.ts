import type { NamedPolicy, NetworkPolicySpec } from "../../renderers/network-policies";

/**
 * What Kubernetes lets through, for the subset of NetworkPolicy our renderer writes (matchLabels,
 * `kubernetes.io/metadata.name In` namespace selectors, IPv4 ipBlocks, numbered ports): a connection
 * passes when the source's egress and the destination's ingress both allow it. A pod no policy of a
 * direction selects is open in that direction; one that is selected needs a rule that admits the peer.
 */
export interface Endpoint {
    namespace: string;
    labels: Record<string, string>;
    /** For an address outside the cluster's pods (the API server, the IdP). */
    ip?: string;
}

export type Protocol = "TCP" | "UDP";

type Rule = NonNullable<NetworkPolicySpec["ingress"]>[number];
type Peer = NonNullable<Rule["from"]>[number];

const selects = (matchLabels: Record<string, string> | undefined, labels: Record<string, string>): boolean =>
    Object.entries(matchLabels ?? {}).every(([k, v]) => labels[k] === v);

function ipv4InCidr(ip: string, cidr: string): boolean {
    const [base, bits] = cidr.split("/");
    const n = (a: string) => a.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
    const size = 2 ** (32 - Number(bits));
    return Math.floor(n(ip) / size) === Math.floor(n(base) / size);
}

function peerMatches(peer: Peer, policyNamespace: string, other: Endpoint): boolean {
    if (peer.ipBlock !== undefined) return other.ip !== undefined && ipv4InCidr(other.ip, peer.ipBlock.cidr);
    if (other.ip !== undefined) return false;
    const ns = peer.namespaceSelector;
    const namespaceOk =
        ns === undefined
            ? other.namespace === policyNamespace
            : selects(ns.matchLabels, { "kubernetes.io/metadata.name": other.namespace }) &&
              (ns.matchExpressions ?? []).every((e) => e.values.includes(other.namespace));
    return namespaceOk && selects(peer.podSelector?.matchLabels, other.labels);
}

function admits(
    policies: NamedPolicy[],
    policyNamespace: string,
    direction: "Ingress" | "Egress",
    subject: Endpoint,
    other: Endpoint,
    port: number,
    protocol: Protocol,
): boolean {
    if (subject.namespace !== policyNamespace || subject.ip !== undefined) return true;
    const applying = policies.filter(
        (p) => p.spec.policyTypes.includes(direction) && selects(p.spec.podSelector.matchLabels, subject.labels),
    );
    if (applying.length === 0) return true;
    return applying.some((p) =>
        ((direction === "Ingress" ? p.spec.ingress : p.spec.egress) ?? []).some((rule) => {
            const peers = direction === "Ingress" ? rule.from : rule.to;
            const peerOk = peers === undefined || peers.some((peer) => peerMatches(peer, policyNamespace, other));
            const portOk =
                rule.ports === undefined || rule.ports.some((p) => p.port === port && p.protocol === protocol);
            return peerOk && portOk;
        }),
    );
}

/** Whether `from` may open a connection to `to` on `port`, under the policies of `policyNamespace`. */
export function reaches(
    policies: NamedPolicy[],
    policyNamespace: string,
    from: Endpoint,
    to: Endpoint,
    port: number,
    protocol: Protocol = "TCP",
): boolean {
    return (
        admits(policies, policyNamespace, "Egress", from, to, port, protocol) &&
        admits(policies, policyNamespace, "Ingress", to, from, port, protocol)
    );
}
