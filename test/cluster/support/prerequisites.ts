import { execFileSync } from "child_process";
import { readFileSync } from "fs";
import { join } from "path";
import type { StackConfig, Workload } from "../../../config/schema";
import { obj, Obj } from "../../support/resources";
import type { ControlPlane } from "./control-plane";
import type { Kubectl } from "./kubectl";
import { applyOrThrow, certManagerNamespace } from "./stand-ins";

/** The field manager of an application team's pipeline. */
export const appManager = (w: Workload): string => `${w.name}-pipeline`;

/** An application Deployment as its team's pipeline deploys it (before and after the platform). */
export function appManifest(w: Workload): Obj {
    const labels = { app: w.name };
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: w.name, namespace: w.namespace, labels },
        spec: {
            replicas: 1,
            selector: { matchLabels: labels },
            template: {
                metadata: { labels, annotations: { "jewellery.example/team": w.namespace } },
                spec: {
                    containers: [
                        { name: w.containers?.[0] ?? w.name, image: `registry.jewellery.internal/${w.name}:1.0.0` },
                    ],
                },
            },
        },
    };
}

/** What the README's "First deploy" checklist asks of the user, as this suite provides it. */
export function prerequisiteNotes(config: StackConfig): string[] {
    const notes = [
        `the apps' namespaces and Deployments (${config.workloads.map((w) => `${w.namespace}/${w.name}`).join(", ")}), deployed by their own pipelines`,
    ];
    if (!config.createNamespace)
        notes.push(`the namespace ${config.namespace} (the program labels it for Pod Security)`);
    if (config.sso.existingSecret !== undefined)
        notes.push(`the Secret ${config.namespace}/${config.sso.existingSecret} with key client-secret`);
    if (config.sso.providerCa !== undefined)
        notes.push(
            `the ConfigMap ${config.namespace}/${config.sso.providerCa.configMap} with the IdP's CA under ${config.sso.providerCa.key}`,
        );
    if (!config.tls.installCertManager) notes.push("cert-manager, already installed (its CRDs and controller)");
    if (config.tls.clusterIssuer !== undefined) notes.push(`the ClusterIssuer ${config.tls.clusterIssuer}`);
    const grafana = grafanaNamespace(config);
    if (grafana !== undefined) notes.push(`Grafana's namespace ${grafana} (its sidecars load our ConfigMaps there)`);
    return notes;
}

/**
 * A static provisioner: each claim that waits for a volume gets a PersistentVolume of the size and
 * class it asks for, bound to it (no dynamic provisioner runs here).
 */
export function provisionVolumes(kubectl: Kubectl): number {
    let created = 0;
    const claims = JSON.parse(kubectl.ok(["get", "pvc", "--all-namespaces", "-o", "json"])) as { items: Obj[] };
    for (const c of claims.items) {
        const meta = obj(c.metadata);
        const spec = obj(c.spec);
        if (obj(c.status).phase !== "Pending" || typeof spec.volumeName === "string") continue;
        const name = `pv-${String(meta.namespace)}-${String(meta.name)}`.slice(0, 63);
        const pv = {
            apiVersion: "v1",
            kind: "PersistentVolume",
            metadata: { name },
            spec: {
                capacity: { storage: obj(obj(spec.resources).requests).storage },
                accessModes: spec.accessModes,
                persistentVolumeReclaimPolicy: "Delete",
                storageClassName: spec.storageClassName ?? "",
                claimRef: { namespace: meta.namespace, name: meta.name, uid: meta.uid },
                hostPath: { path: `/var/lib/test-volumes/${name}` },
            },
        };
        if (kubectl.run(["create", "-f", "-"], JSON.stringify(pv)).status === 0) created++;
    }
    return created;
}

function openssl(cwd: string, args: string[]): void {
    execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

/** The corporate CA behind a configured ClusterIssuer, as an existing cert-manager would hold it. */
function corporateIssuer(cp: ControlPlane, name: string): void {
    const dir = cp.pki.dir;
    openssl(dir, [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "corporate-ca.key",
        "-out",
        "corporate-ca.crt",
        "-days",
        "2",
        "-subj",
        "/CN=corporate CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    applyOrThrow(cp.kubectl, {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: `${name}-key-pair`, namespace: certManagerNamespace },
        type: "kubernetes.io/tls",
        data: {
            "tls.crt": readFileSync(join(dir, "corporate-ca.crt")).toString("base64"),
            "tls.key": readFileSync(join(dir, "corporate-ca.key")).toString("base64"),
        },
    });
    applyOrThrow(cp.kubectl, {
        apiVersion: "cert-manager.io/v1",
        kind: "ClusterIssuer",
        metadata: { name },
        spec: { ca: { secretName: `${name}-key-pair` } },
    });
}

/** Everything the README says must exist before the first `pulumi up`, created the way it says. */
/** Grafana's namespace when the program writes ConfigMaps for it there, and it is not the platform's. */
export function grafanaNamespace(config: StackConfig): string | undefined {
    const m = config.monitoring;
    const ns = m.grafanaDashboardNamespace;
    return (m.grafanaDashboard || m.grafanaDatasources) && ns !== undefined && ns !== config.namespace ? ns : undefined;
}

export async function createPrerequisites(cp: ControlPlane, config: StackConfig): Promise<void> {
    // A cluster's default storage class, one that lets claims grow (as most CSI drivers' classes do).
    applyOrThrow(cp.kubectl, {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: {
            name:
                config.elasticsearch.mode === "in-cluster"
                    ? (config.elasticsearch.storageClass ?? "standard")
                    : "standard",
            annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
        },
        provisioner: "test.local/static",
        allowVolumeExpansion: true,
        volumeBindingMode: "Immediate",
    });
    for (const ns of new Set(config.workloads.map((w) => w.namespace))) cp.kubectl.ok(["create", "namespace", ns]);
    for (const w of config.workloads) cp.kubectl.ok(["apply", "-f", "-"], JSON.stringify(appManifest(w)));
    if (config.tls.clusterIssuer !== undefined) corporateIssuer(cp, config.tls.clusterIssuer);
    // Grafana (kube-prometheus-stack) runs in its namespace.
    const grafana = grafanaNamespace(config);
    if (grafana !== undefined && !config.workloads.some((w) => w.namespace === grafana))
        cp.kubectl.ok(["create", "namespace", grafana]);
    // As the README's "First deploy" says: the namespace, then the OIDC client secret in it.
    if (!config.createNamespace) cp.kubectl.ok(["create", "namespace", config.namespace]);
    if (config.sso.existingSecret !== undefined) {
        cp.kubectl.ok([
            "-n",
            config.namespace,
            "create",
            "secret",
            "generic",
            config.sso.existingSecret,
            "--from-literal=client-secret=test-client-secret",
        ]);
    }
    if (config.sso.providerCa !== undefined) {
        const { configMap, key } = config.sso.providerCa;
        cp.kubectl.ok([
            "-n",
            config.namespace,
            "create",
            "configmap",
            configMap,
            `--from-file=${key}=${cp.pki.caCert}`,
        ]);
    }
}
