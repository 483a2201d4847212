import type { SimulatedResource } from "../../../harness/simulate";
import { obj, Obj } from "../../support/resources";

/** One Kubernetes object the program registers, as the provider would send it to the API server. */
export interface PlannedObject {
    /** The Pulumi resource name, which also names the field manager of a patch. */
    resource: string;
    type: string;
    /** A patch (DeploymentPatch …) owns only the fields it names, on an object someone else created. */
    patch: boolean;
    object: Obj;
    /** Paths whose changes Pulumi ignores after the first deploy (it sends the previous inputs there). */
    ignoreChanges: string[];
    /** Pulumi forgets it on delete and leaves the object as it is. */
    retainOnDelete: boolean;
}

/** What the program registers that this suite does not apply, and why. */
export interface NotApplied {
    type: string;
    resource: string;
    why: string;
}

/** An object the program reads (`Resource.get`): it must exist, or the update stops there. */
export interface ReadObject {
    resource: string;
    object: Obj;
}

export interface DeployPlan {
    reads: ReadObject[];
    /** In registration order, which Pulumi makes a dependency order (a resource registers after what it depends on). */
    objects: PlannedObject[];
    notApplied: NotApplied[];
}

const standIns: Record<string, string> = {
    "kubernetes-cert-manager:index:CertManager":
        "cert-manager's Helm chart needs a chart repository and images: stood in by the chart version's CRDs, its namespace and the real cert-manager controller",
    "kubernetes:helm.sh/v3:Release":
        "the OpenTelemetry Operator's Helm chart needs a chart repository and images: stood in by the Instrumentation CRD (no webhook, so no injection into pods here)",
};

/** `kubernetes:apps/v1:Deployment` → apps/v1 Deployment; `kubernetes:core/v1:Secret` → v1 Secret. */
function typeMeta(type: string): { apiVersion: string; kind: string; patch: boolean } | null {
    const m = /^kubernetes:([^:]+):([A-Za-z]+)$/.exec(type);
    if (m === null) return null;
    const apiVersion = m[1].startsWith("core/") ? m[1].slice("core/".length) : m[1];
    const patch = m[2].endsWith("Patch");
    return { apiVersion, kind: patch ? m[2].slice(0, -"Patch".length) : m[2], patch };
}

export function planDeploy(resources: SimulatedResource[]): DeployPlan {
    const objects: PlannedObject[] = [];
    const reads: ReadObject[] = [];
    const notApplied: NotApplied[] = [];
    for (const r of resources) {
        if (r.type in standIns) {
            notApplied.push({ type: r.type, resource: r.name, why: standIns[r.type] });
            continue;
        }
        const meta = typeMeta(r.type);
        // Component resources (tracing:platform:*) group children; random passwords are inlined into Secrets.
        if (meta === null) continue;
        if (r.readId !== undefined) {
            const [namespace, name] = r.readId.includes("/") ? r.readId.split("/") : [undefined, r.readId];
            reads.push({
                resource: r.name,
                object: {
                    apiVersion: meta.apiVersion,
                    kind: meta.kind,
                    metadata: { name, ...(namespace === undefined ? {} : { namespace }) },
                },
            });
            continue;
        }
        objects.push({
            resource: r.name,
            type: r.type,
            patch: meta.patch,
            object: { ...r.inputs, apiVersion: meta.apiVersion, kind: meta.kind },
            ignoreChanges: r.options?.ignoreChanges ?? [],
            retainOnDelete: r.options?.retainOnDelete === true,
        });
    }
    return { objects, reads, notApplied };
}

export const metadataOf = (o: Obj): { name: string; namespace?: string } => {
    const m = obj(o.metadata);
    return { name: String(m.name), namespace: typeof m.namespace === "string" ? m.namespace : undefined };
};

/** `Deployment tracing/jaeger`, for messages. */
export const describeObject = (o: Obj): string => {
    const { name, namespace } = metadataOf(o);
    return `${String(o.kind)} ${namespace === undefined ? "" : `${namespace}/`}${name}`;
};

/** What Pulumi sends on an update: the new inputs, with each ignored path holding the previous input. */
export function withIgnoredChanges(next: PlannedObject, previous: PlannedObject | undefined): Obj {
    if (previous === undefined || next.ignoreChanges.length === 0) return next.object;
    const out = JSON.parse(JSON.stringify(next.object)) as Obj;
    for (const path of next.ignoreChanges) {
        const keys = path.split(".");
        let to: Obj = out;
        let from: Obj = previous.object;
        for (const k of keys.slice(0, -1)) {
            to = obj(to[k]);
            from = obj(from[k]);
        }
        const last = keys[keys.length - 1];
        if (last in from) to[last] = from[last];
        else delete to[last];
    }
    return out;
}
