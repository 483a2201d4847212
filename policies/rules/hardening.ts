import {
    containers,
    isKind,
    labels,
    list,
    metadataName,
    metadataNamespace,
    networkPolicySelects,
    obj,
    PolicyInput,
    podLabels,
    podSpec,
    strings,
    text,
} from "../resource-view";
import { at, ResourceRule, StackRule, Violation } from "../rule";

const pinned = (image: string): boolean =>
    image.includes("@sha256:") || (/:[^/:]+$/.test(image) && !image.endsWith(":latest"));

/** Volume types Pod Security `restricted` admits. */
const restrictedVolumes = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

const ours = (r: PolicyInput): boolean =>
    labels(r)["app.kubernetes.io/part-of"] === "tracing-platform" ||
    podLabels(r)["app.kubernetes.io/part-of"] === "tracing-platform";

/**
 * The fields Pod Security `restricted` checks, for the platform's own pods: the namespace enforces
 * them at admission, so a pod that breaks one is refused at deploy time; this says which field first.
 */
export const platformPodsRestricted: ResourceRule = {
    kind: "resource",
    name: "platform-pods-restricted",
    description:
        "Every pod of the platform passes Pod Security restricted: non-root, no privilege or escalation, all capabilities dropped, RuntimeDefault seccomp, no host PID/IPC namespaces or host paths.",
    enforcementLevel: "mandatory",
    validateResource(r) {
        const pod = podSpec(r);
        if (pod === null || !ours(r)) return [];
        const podSec = obj(pod.securityContext);
        const out: string[] = [];
        // hostNetwork and hostPort: no-host-network.
        for (const ns of ["hostPID", "hostIPC"])
            if (pod[ns] === true)
                out.push(`${metadataName(r)}: spec.${ns} must be unset or false (Pod Security restricted).`);
        if (podSec.runAsUser === 0)
            out.push(`${metadataName(r)}: spec.securityContext.runAsUser must not be 0 (root).`);
        // Admission refuses a pod-level false even when every container sets true.
        if (podSec.runAsNonRoot != null && podSec.runAsNonRoot !== true)
            out.push(
                `${metadataName(r)}: spec.securityContext.runAsNonRoot must be true or unset, not ${JSON.stringify(podSec.runAsNonRoot)}.`,
            );
        // A pod-level profile, if set, must be an allowed one even when every container sets its own.
        const podSeccomp = obj(podSec.seccompProfile).type;
        if (podSec.seccompProfile != null && podSeccomp !== "RuntimeDefault" && podSeccomp !== "Localhost")
            out.push(
                `${metadataName(r)}: spec.securityContext.seccompProfile.type must be RuntimeDefault or Localhost, not ${text(podSeccomp, "unset")}.`,
            );
        for (const v of list(pod.volumes)) {
            const type = Object.keys(v).find((k) => k !== "name");
            if (type !== undefined && !restrictedVolumes.includes(type))
                out.push(
                    `${metadataName(r)}: volume ${String(v.name)} is of type ${type}; Pod Security restricted admits ${restrictedVolumes.join(", ")}.`,
                );
        }
        for (const c of containers(pod)) {
            const where = `${metadataName(r)}/${String(c.name)}`;
            const sec = obj(c.securityContext);
            if ((sec.runAsNonRoot ?? podSec.runAsNonRoot) !== true)
                out.push(
                    `${where}: securityContext.runAsNonRoot must be true (in the pod's or the container's securityContext).`,
                );
            if (sec.runAsUser === 0) out.push(`${where}: securityContext.runAsUser must not be 0 (root).`);
            if (sec.privileged === true) out.push(`${where}: securityContext.privileged must not be true.`);
            if (sec.allowPrivilegeEscalation !== false)
                out.push(`${where}: securityContext.allowPrivilegeEscalation must be false.`);
            const drop = obj(sec.capabilities).drop;
            if (!(Array.isArray(drop) && drop.includes("ALL")))
                out.push(`${where}: securityContext.capabilities.drop must include ALL.`);
            const added = strings(obj(sec.capabilities).add).filter((cap) => cap !== "NET_BIND_SERVICE");
            if (added.length > 0)
                out.push(
                    `${where}: securityContext.capabilities.add may hold NET_BIND_SERVICE only, not ${added.join(", ")}.`,
                );
            const seccomp = obj(sec.seccompProfile ?? podSec.seccompProfile).type;
            if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost")
                out.push(
                    `${where}: securityContext.seccompProfile.type must be RuntimeDefault (in the pod's or the container's securityContext).`,
                );
        }
        return out;
    },
};

/** Advice beyond admission (platform-pods-restricted holds what admission checks): resources, probes, pinned images. */
export const workloadHardening: ResourceRule = {
    kind: "resource",
    name: "workload-hardening",
    description:
        "Every container has a CPU request and a memory limit, probes (long-running workloads) and a pinned image.",
    enforcementLevel: "advisory",
    validateResource(r) {
        const pod = podSpec(r);
        if (pod === null) return [];
        const longRunning = !isKind(r, "Job") && !isKind(r, "CronJob");
        const out: string[] = [];
        for (const c of containers(pod)) {
            const where = `${metadataName(r)}/${String(c.name)}`;
            const res = obj(c.resources);
            const missing = [
                obj(res.requests).cpu == null ? "resources.requests.cpu" : null,
                obj(res.limits).memory == null ? "resources.limits.memory" : null,
            ].filter((field) => field !== null);
            if (missing.length > 0) out.push(`${where}: set ${missing.join(" and ")}.`);
            if (
                longRunning &&
                list(pod.initContainers).every((i) => i !== c) &&
                (c.livenessProbe === undefined || c.readinessProbe === undefined)
            ) {
                out.push(`${where}: add liveness and readiness probes.`);
            }
            if (!pinned(String(c.image)))
                out.push(`${where}: pin the image to a version tag or digest instead of ${String(c.image)}.`);
        }
        return out;
    },
};

/**
 * The languages an `Instrumentation` serves: each pod annotated for one of them gets that agent. Kept
 * here, not imported from the program: the pack builds from its own directory.
 */
const agentLanguages = ["java", "nodejs", "python", "dotnet", "go"] as const;

export const instrumentationAgentsPinned: ResourceRule = {
    kind: "resource",
    name: "instrumentation-agents-pinned",
    description:
        "Every Instrumentation names a pinned agent image for each language, so an Operator upgrade changes no agent in the application pods unseen.",
    enforcementLevel: "advisory",
    validateResource(r) {
        if (!isKind(r, "Instrumentation")) return [];
        const spec = obj(r.props.spec);
        return agentLanguages
            .map((language) => [language, obj(spec[language]).image] as const)
            .filter(([, image]) => typeof image !== "string" || !pinned(image))
            .map(([language, image]) =>
                image == null
                    ? `${metadataName(r)}: set spec.${language}.image to a pinned agent image; without it the Operator injects whatever its release defaults to.`
                    : `${metadataName(r)}: pin spec.${language}.image to a version tag or digest instead of ${text(image)}.`,
            );
    },
};

/** Absent, null or an empty list: no selector term, or no rule (which allows nothing). */
const none = (v: unknown): boolean => v == null || (Array.isArray(v) && v.length === 0);

/** An empty pod selector (no matchLabels, no matchExpressions: every pod) for Ingress and Egress, with no rules. */
const isDefaultDeny = (np: PolicyInput): boolean => {
    const spec = obj(np.props.spec);
    const selector = obj(spec.podSelector);
    const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
    return (
        Object.keys(obj(selector.matchLabels)).length === 0 &&
        none(selector.matchExpressions) &&
        types.includes("Ingress") &&
        types.includes("Egress") &&
        none(spec.ingress) &&
        none(spec.egress)
    );
};

export const networkPolicyCoverage: StackRule = {
    kind: "stack",
    name: "network-policy-coverage",
    description:
        "Every namespace with our workloads denies traffic by default, and every workload has a NetworkPolicy of its own.",
    enforcementLevel: "advisory",
    validateStack(resources) {
        const policies = resources.filter((r) => isKind(r, "NetworkPolicy"));
        const workloads = resources.filter(
            (r) => podSpec(r) !== null && labels(r)["app.kubernetes.io/part-of"] === "tracing-platform",
        );
        const out: Violation[] = [];
        for (const ns of new Set(workloads.map(metadataNamespace))) {
            if (!policies.some((p) => metadataNamespace(p) === ns && isDefaultDeny(p))) {
                out.push({
                    message: `Namespace ${String(ns)} has no default-deny NetworkPolicy. Add one (podSelector {} with Ingress and Egress).`,
                });
            }
        }
        for (const w of workloads) {
            if (!policies.some((p) => networkPolicySelects(p, w)))
                out.push(
                    at(
                        w,
                        `${metadataName(w)} is selected by no NetworkPolicy of its own. Add one that allows only the flows it needs.`,
                    ),
                );
        }
        return out;
    },
};
