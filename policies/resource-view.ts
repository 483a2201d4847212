/** Typed reading of Kubernetes resource properties as policies receive them (plain JSON). */

export type Json = Record<string, unknown>;

export interface PolicyInput {
    type: string;
    name: string;
    props: Json;
}

export const obj = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
export const list = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);
export const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map((s) => text(s)) : []);

/** A scalar as written (numbers and booleans printed), `fallback` when absent, anything else as JSON. */
export function text(v: unknown, fallback = ""): string {
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
    if (v === undefined || v === null) return fallback;
    return JSON.stringify(v);
}

export const isKind = (r: PolicyInput, kind: string): boolean =>
    r.type.endsWith(`:${kind}`) && r.type.startsWith("kubernetes:");

export const metadataName = (r: PolicyInput): string => text(obj(r.props.metadata).name, r.name);
export const metadataNamespace = (r: PolicyInput): string | undefined => {
    const ns = obj(r.props.metadata).namespace;
    return typeof ns === "string" ? ns : undefined;
};
export const labels = (r: PolicyInput): Record<string, string> =>
    obj(obj(r.props.metadata).labels) as Record<string, string>;
export const annotations = (r: PolicyInput): Record<string, string> =>
    obj(obj(r.props.metadata).annotations) as Record<string, string>;

const workloadKinds = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"] as const;

export const isWorkload = (r: PolicyInput): boolean => workloadKinds.some((k) => isKind(r, k));

/** The pod spec of a workload (a CronJob's through its job template), or null for anything else. */
export function podSpec(r: PolicyInput): Json | null {
    if (!isWorkload(r)) return null;
    if (isKind(r, "Pod")) return obj(r.props.spec);
    const spec = obj(r.props.spec);
    if (isKind(r, "CronJob")) return obj(obj(obj(obj(spec.jobTemplate).spec).template).spec);
    return obj(obj(spec.template).spec);
}

/** The pod template's labels, which NetworkPolicies select. */
export function podLabels(r: PolicyInput): Record<string, string> {
    const spec = obj(r.props.spec);
    const template = isKind(r, "CronJob") ? obj(obj(obj(spec.jobTemplate).spec).template) : obj(spec.template);
    return obj(obj(template.metadata).labels) as Record<string, string>;
}

/** Whether a non-empty matchLabels selector picks a pod with these labels. */
export const selectorMatches = (matchLabels: Json, labels: Record<string, string>): boolean =>
    Object.keys(matchLabels).length > 0 && Object.entries(matchLabels).every(([k, v]) => labels[k] === v);

/** Whether a NetworkPolicy (by its own, non-empty pod selector) applies to a workload's pods. */
export const networkPolicySelects = (np: PolicyInput, workload: PolicyInput): boolean =>
    metadataNamespace(np) === metadataNamespace(workload) &&
    selectorMatches(obj(obj(obj(np.props.spec).podSelector).matchLabels), podLabels(workload));

export const containers = (pod: Json): Json[] => [...list(pod.initContainers), ...list(pod.containers)];

/** The workload of ours that the SSO proxy runs in (by the container name our component uses). */
export const isSsoProxy = (r: PolicyInput): boolean =>
    isKind(r, "Deployment") && containers(podSpec(r) ?? {}).some((c) => c.name === "oauth2-proxy");

/** `--flag=value` arguments of a container, by flag (a flag may repeat). */
export function flags(container: Json): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const arg of strings(container.args)) {
        const m = /^--([^=]+)=([\s\S]*)$/.exec(arg);
        if (m === null) continue;
        out.set(m[1], [...(out.get(m[1]) ?? []), m[2]]);
    }
    return out;
}

/** Parsing a storage quantity (Gi, G, Mi, Ti) into GiB. */
export function quantityGi(q: unknown): number | null {
    // A plain decimal: digits with at most one point ("1.2.3" and "." are not numbers).
    const m = /^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(String(q));
    if (m === null || !Number.isFinite(Number(m[1]))) return null;
    const factor: Record<string, number> = {
        Ki: 1 / 1048576,
        Mi: 1 / 1024,
        Gi: 1,
        Ti: 1024,
        K: 1e3 / 2 ** 30,
        M: 1e6 / 2 ** 30,
        G: 1e9 / 2 ** 30,
        T: 1e12 / 2 ** 30,
    };
    return Number(m[1]) * (m[2] === undefined ? 1 / 2 ** 30 : factor[m[2]]);
}
