import { containers, isKind, labels, list, metadataName, metadataNamespace, obj, PolicyInput, podLabels, podSpec } from "../resource-view";
import { at, ResourceRule, StackRule, Violation } from "../rule";

const pinned = (image: string): boolean => image.includes("@sha256:") || (/:[^/:]+$/.test(image) && !image.endsWith(":latest"));

export const workloadHardening: ResourceRule = {
    kind: "resource",
    name: "workload-hardening",
    description: "Every container of ours has requests and limits, probes, a restricted security context and a pinned image.",
    enforcementLevel: "advisory",
    validateResource(r) {
        const pod = podSpec(r);
        if (pod === null) return [];
        const longRunning = !isKind(r, "Job") && !isKind(r, "CronJob");
        const podSec = obj(pod.securityContext);
        const out: string[] = [];
        for (const ns of ["hostPID", "hostIPC"]) if (pod[ns] === true) out.push(`${metadataName(r)}: do not share the node's ${ns === "hostPID" ? "process" : "IPC"} namespace (${ns}).`);
        for (const c of containers(pod)) {
            const where = `${metadataName(r)}/${String(c.name)}`;
            const res = obj(c.resources);
            if (obj(res.limits).memory === undefined || obj(res.requests).cpu === undefined) out.push(`${where}: set resources.requests and resources.limits (memory at least).`);
            if (longRunning && list(pod.initContainers).every((i) => i !== c) && (c.livenessProbe === undefined || c.readinessProbe === undefined)) {
                out.push(`${where}: add liveness and readiness probes.`);
            }
            const sec = obj(c.securityContext);
            if ((sec.runAsNonRoot ?? podSec.runAsNonRoot) !== true) out.push(`${where}: run as non-root (runAsNonRoot: true).`);
            if (sec.privileged === true) out.push(`${where}: do not run privileged.`);
            if (sec.allowPrivilegeEscalation !== false) out.push(`${where}: set allowPrivilegeEscalation: false.`);
            if (!(Array.isArray(obj(sec.capabilities).drop) && (obj(sec.capabilities).drop as unknown[]).includes("ALL"))) out.push(`${where}: drop all capabilities.`);
            if (obj(sec.seccompProfile ?? podSec.seccompProfile).type !== "RuntimeDefault") out.push(`${where}: use the RuntimeDefault seccomp profile.`);
            if (!pinned(String(c.image))) out.push(`${where}: pin the image to a version tag or digest instead of ${String(c.image)}.`);
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
    description: "Every Instrumentation names a pinned agent image for each language, so an Operator upgrade changes no agent in the application pods unseen.",
    enforcementLevel: "advisory",
    validateResource(r) {
        if (!isKind(r, "Instrumentation")) return [];
        const spec = obj(r.props.spec);
        return agentLanguages
            .map((language) => [language, obj(spec[language]).image] as const)
            .filter(([, image]) => typeof image !== "string" || !pinned(image))
            .map(([language, image]) =>
                image === undefined
                    ? `${metadataName(r)}: set spec.${language}.image to a pinned agent image; without it the Operator injects whatever its release defaults to.`
                    : `${metadataName(r)}: pin spec.${language}.image to a version tag or digest instead of ${String(image)}.`,
            );
    },
};

const isDefaultDeny = (np: PolicyInput): boolean => {
    const spec = obj(np.props.spec);
    const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
    return Object.keys(obj(obj(spec.podSelector).matchLabels)).length === 0 && types.includes("Ingress") && types.includes("Egress") && spec.ingress === undefined && spec.egress === undefined;
};

export const networkPolicyCoverage: StackRule = {
    kind: "stack",
    name: "network-policy-coverage",
    description: "Every namespace with our workloads denies traffic by default, and every workload has a NetworkPolicy of its own.",
    enforcementLevel: "advisory",
    validateStack(resources) {
        const policies = resources.filter((r) => isKind(r, "NetworkPolicy"));
        const workloads = resources.filter((r) => podSpec(r) !== null && labels(r)["app.kubernetes.io/part-of"] === "tracing-platform");
        const out: Violation[] = [];
        for (const ns of new Set(workloads.map(metadataNamespace))) {
            if (!policies.some((p) => metadataNamespace(p) === ns && isDefaultDeny(p))) {
                out.push({ message: `Namespace ${String(ns)} has no default-deny NetworkPolicy. Add one (podSelector {} with Ingress and Egress).` });
            }
        }
        for (const w of workloads) {
            const pl = podLabels(w);
            const own = policies.some((p) => {
                const sel = obj(obj(obj(p.props.spec).podSelector).matchLabels);
                return metadataNamespace(p) === metadataNamespace(w) && Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => pl[k] === v);
            });
            if (!own) out.push(at(w, `${metadataName(w)} is selected by no NetworkPolicy of its own. Add one that allows only the flows it needs.`));
        }
        return out;
    },
};
