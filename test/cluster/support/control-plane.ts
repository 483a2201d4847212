import { readdirSync } from "fs";
import { join } from "path";
import { freePort, runDir, start, Started, stop, waitFor } from "../../../harness/processes";
import { ApiClient } from "./api-client";
import { clusterTool } from "./cluster-tools";
import { Kubectl } from "./kubectl";
import { makePki, Pki, writeKubeconfig } from "./pki";

/**
 * A real Kubernetes control plane on 127.0.0.1: etcd, kube-apiserver (RBAC, the default admission
 * plugins with PodSecurity), kube-controller-manager, kube-scheduler, and kwok as the nodes' kubelet
 * (pods become Running and Ready without containers). No container runtime, no kube-proxy, no CNI:
 * Service IPs are allocated but nothing routes to them, and NetworkPolicies are stored, not enforced.
 */
export interface ControlPlane {
    server: string;
    kubeconfig: string;
    pki: Pki;
    kubectl: Kubectl;
    /** Requests as the Pulumi Kubernetes provider sends them (server-side apply). */
    api: ApiClient;
    processes: Started[];
    /** The fake nodes kwok runs. */
    nodes: string[];
}

/** Fake nodes: three, so that required anti-affinity across hosts (3 Elasticsearch nodes) can schedule. */
export const nodeNames = ["kwok-node-0", "kwok-node-1", "kwok-node-2"];
const serviceRange = "10.96.0.0/16";

function fakeNode(name: string): Record<string, unknown> {
    return {
        apiVersion: "v1",
        kind: "Node",
        metadata: {
            name,
            annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
            labels: {
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                type: "kwok",
            },
        },
        status: {
            allocatable: { cpu: "32", memory: "128Gi", pods: "110" },
            capacity: { cpu: "32", memory: "128Gi", pods: "110" },
            nodeInfo: {
                architecture: "amd64",
                operatingSystem: "linux",
                kubeletVersion: "fake",
                kubeProxyVersion: "fake",
            },
        },
    };
}

async function apiServerReady(kubectl: Kubectl): Promise<boolean> {
    const r = kubectl.run(["get", "--raw", "/readyz"]);
    return r.status === 0 && r.stdout.trim() === "ok";
}

export async function startControlPlane(name = "cluster"): Promise<ControlPlane> {
    const dir = join(runDir, name);
    const pki = makePki(join(dir, "pki"));
    const processes: Started[] = [];
    const run = (proc: string, command: string, args: string[]): void => {
        processes.push(start(`${name}-${proc}`, command, args));
    };

    const etcdClient = await freePort();
    const etcdPeer = await freePort();
    run("etcd", clusterTool("etcd"), [
        "--name=etcd",
        `--data-dir=${join(dir, "etcd")}`,
        `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=etcd=http://127.0.0.1:${etcdPeer}`,
        // A throwaway store: no fsync (the suite's own data only).
        "--unsafe-no-fsync",
        "--log-level=warn",
    ]);
    await waitFor("etcd", async () => (await fetch(`http://127.0.0.1:${etcdClient}/health`)).ok, 30000);

    const port = await freePort();
    const server = `https://127.0.0.1:${port}`;
    run("kube-apiserver", clusterTool("kubeApiserver"), [
        `--etcd-servers=http://127.0.0.1:${etcdClient}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        `--secure-port=${port}`,
        `--tls-cert-file=${pki.serverCert}`,
        `--tls-private-key-file=${pki.serverKey}`,
        `--client-ca-file=${pki.caCert}`,
        `--service-account-key-file=${pki.serviceAccountPub}`,
        `--service-account-signing-key-file=${pki.serviceAccountKey}`,
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        `--service-cluster-ip-range=${serviceRange}`,
        "--authorization-mode=Node,RBAC",
        // The default admission plugins (PodSecurity among them) stay on.
        // Privileged containers are allowed by the server, so that Pod Security is what refuses them.
        "--allow-privileged=true",
        // No kubernetes Service endpoints to keep: nothing routes to 127.0.0.1 from a pod here.
        "--endpoint-reconciler-type=none",
        "--profiling=false",
    ]);
    const kubeconfig = join(dir, "kubeconfig");
    writeKubeconfig(kubeconfig, server, pki);
    const kubectl = new Kubectl(kubeconfig);
    await waitFor("kube-apiserver /readyz", () => apiServerReady(kubectl), 60000, 500);

    // What the controller manager and the scheduler share: the admin kubeconfig, one instance each,
    // their own HTTPS endpoints on loopback.
    const componentFlags = async (): Promise<string[]> => [
        `--kubeconfig=${kubeconfig}`,
        `--authentication-kubeconfig=${kubeconfig}`,
        `--authorization-kubeconfig=${kubeconfig}`,
        "--bind-address=127.0.0.1",
        `--secure-port=${await freePort()}`,
        "--leader-elect=false",
    ];
    run("kube-controller-manager", clusterTool("kubeControllerManager"), [
        ...(await componentFlags()),
        `--service-account-private-key-file=${pki.serviceAccountKey}`,
        `--root-ca-file=${pki.caCert}`,
        `--service-cluster-ip-range=${serviceRange}`,
        "--use-service-account-credentials=false",
        // Nodes are kwok's: their leases are kept, no eviction is needed while the suite runs.
        "--controllers=*,-nodeipam,-cloud-node-lifecycle,-service,-route",
    ]);
    run("kube-scheduler", clusterTool("kubeScheduler"), await componentFlags());

    const stages = readdirSync(clusterTool("kwokStages"))
        .filter((f) => f.endsWith(".yaml"))
        .map((f) => join(clusterTool("kwokStages"), f));
    run("kwok", clusterTool("kwok"), [
        `--kubeconfig=${kubeconfig}`,
        "--manage-all-nodes=false",
        "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
        "--node-ip=127.0.0.1",
        "--node-lease-duration-seconds=40",
        `--server-address=127.0.0.1:${await freePort()}`,
        ...stages.flatMap((s) => ["--config", s]),
    ]);
    for (const node of nodeNames) kubectl.ok(["create", "-f", "-"], JSON.stringify(fakeNode(node)));
    await waitFor(
        "kwok to report the nodes Ready",
        async () => {
            const nodes = kubectl.list("nodes");
            const ready = nodes.filter((n) =>
                ((n.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some(
                    (c) => c.type === "Ready" && c.status === "True",
                ),
            );
            return ready.length === nodeNames.length;
        },
        60000,
        500,
    );
    // The controller manager creates each namespace's `default` ServiceAccount, which admission needs.
    await waitFor(
        "the default ServiceAccount",
        async () => kubectl.get("serviceaccount", "default", "default") !== null,
        60000,
        500,
    );
    return { server, kubeconfig, pki, kubectl, api: new ApiClient(server, pki), processes, nodes: nodeNames };
}

export async function stopControlPlane(cp: ControlPlane): Promise<void> {
    for (const p of [...cp.processes].reverse()) await stop(p, "SIGTERM", 10000);
}
