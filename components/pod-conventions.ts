import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
/**
 * What every pod of ours shares: the labels objects carry, the Pod Security `restricted` contexts,
 * probes, resource requests and limits, and the downward-API environment.
 */

type Container = k8s.types.input.core.v1.Container;
type Probe = k8s.types.input.core.v1.Probe;

/** Labels every object of ours carries; `app.kubernetes.io/name` is what NetworkPolicies select on. */
export function platformLabels(name: string, component: string): Record<string, string> {
    return {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": "tracing-platform",
        "app.kubernetes.io/managed-by": "pulumi",
    };
}

/** The label a workload's pods are selected by: its Service, PodDisruptionBudget and NetworkPolicies. */
export const podSelector = (name: string): Record<string, string> => ({ "app.kubernetes.io/name": name });

/**
 * A PodDisruptionBudget that lets drains and node upgrades take one pod of a replicated workload
 * at a time.
 */
export function onePodAtATime(
    resourceName: string,
    metadata: { name: string; namespace: string; labels: Record<string, string> },
    selector: Record<string, string>,
    opts: pulumi.CustomResourceOptions,
): k8s.policy.v1.PodDisruptionBudget {
    return new k8s.policy.v1.PodDisruptionBudget(
        resourceName,
        { metadata, spec: { maxUnavailable: 1, selector: { matchLabels: selector } } },
        opts,
    );
}

/** The Pod Security `restricted` profile for a container, with a read-only root filesystem. */
export const restrictedContainerSecurity: k8s.types.input.core.v1.SecurityContext = {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

export function restrictedPodSecurity(uid = 10001): k8s.types.input.core.v1.PodSecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: uid,
        fsGroup: uid,
        // Re-own a volume's files only when its root is not ours yet: a large queue volume would
        // otherwise be walked file by file on every start.
        fsGroupChangePolicy: "OnRootMismatch",
        seccompProfile: { type: "RuntimeDefault" },
    };
}

export function httpProbe(path: string, port: number | string, periodSeconds = 10): Probe {
    return { httpGet: { path, port }, periodSeconds, timeoutSeconds: 2, failureThreshold: 3 };
}

export function resources(cpu: string, memoryMiB: number): Container["resources"] {
    return {
        requests: { cpu, memory: `${memoryMiB}Mi` },
        limits: { cpu, memory: `${memoryMiB}Mi` },
    };
}

/** The pod IP and node name from the downward API, which collector configs bind to and filter by. */
export const downwardEnv: k8s.types.input.core.v1.EnvVar[] = [
    { name: "MY_POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
    { name: "K8S_NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
];
