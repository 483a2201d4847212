import { isKind, list, metadataName, obj } from "../resource-view";
import type { ResourceRule } from "../rule";

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
            const ports = list(obj(rule).ports).map((p) => String(obj(p).port)).join(",") || "every port";
            if (to.length === 0) {
                out.push(`${metadataName(r)}: egress rule ${i} has no destinations, so it allows any address on ${ports}. Name the pods, namespaces or ranges it may reach.`);
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
