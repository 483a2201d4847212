import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import { parseAllDocuments } from "yaml";
import { start, Started, waitFor } from "../../../harness/processes";
import { obj, Obj } from "../../support/resources";
import { clusterTool } from "./cluster-tools";
import type { ControlPlane } from "./control-plane";
import { instrumentationCrd } from "./instrumentation-crd";
import type { Kubectl } from "./kubectl";

/** The field manager for what the suite itself puts into the cluster (prerequisites and stand-ins). */
export const testManager = "cluster-suite";

function yamlFiles(dir: string): Obj[] {
    return readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), "utf8")).map((d) => d.toJSON() as Obj))
        .filter((o) => o !== null && o.kind === "CustomResourceDefinition");
}

export function applyOrThrow(kubectl: Kubectl, object: Obj, manager = testManager): void {
    const r = kubectl.applyServerSide(object, manager);
    if (r.status !== 0)
        throw new Error(
            `applying ${String(object.kind)} ${String(obj(object.metadata).name)} failed: ${r.stderr.trim()}`,
        );
}

/** Applies CRDs and waits until the API server serves them. */
export async function installCrds(kubectl: Kubectl, crds: Obj[]): Promise<string[]> {
    for (const crd of crds) applyOrThrow(kubectl, crd);
    const names = crds.map((c) => String(obj(c.metadata).name));
    for (const name of names) {
        await waitFor(`CRD ${name} established`, async () => {
            const crd = kubectl.get("crd", name);
            const conditions = (obj(crd?.status).conditions as { type: string; status: string }[] | undefined) ?? [];
            return conditions.some((c) => c.type === "Established" && c.status === "True");
        });
    }
    return names;
}

export const certManagerCrds = (): Obj[] => yamlFiles(clusterTool("certManagerCrds"));
export const gatewayApiCrds = (): Obj[] => yamlFiles(clusterTool("gatewayApiCrds"));
export const operatorCrds = (): Obj[] => [instrumentationCrd()];
/** PodMonitor, ServiceMonitor and PrometheusRule, which a cluster running kube-prometheus-stack has. */
export const prometheusOperatorCrds = (): Obj[] => yamlFiles(clusterTool("prometheusOperatorCrds"));
/** The CRDs of the controller in front of the UI (its installation has them), as the stack names it. */
export const controllerCrds = (controller: string): Obj[] =>
    controller === "traefik"
        ? yamlFiles(clusterTool("traefikCrds"))
        : controller === "envoy-gateway"
          ? yamlFiles(clusterTool("envoyGatewayCrds"))
          : [];

export const certManagerNamespace = "cert-manager";

/**
 * cert-manager as its chart would run it: its namespace (the chart's `createNamespace`), the CRDs of
 * the pinned chart version, and the real controller (see versions.json for its version) out of
 * cluster against the control plane. The chart's webhook and cainjector are not run: the CRDs'
 * OpenAPI schemas validate, and nothing here needs CA injection.
 */
export async function startCertManager(cp: ControlPlane): Promise<Started> {
    applyOrThrow(cp.kubectl, { apiVersion: "v1", kind: "Namespace", metadata: { name: certManagerNamespace } });
    await installCrds(cp.kubectl, certManagerCrds());
    const controller = start("cert-manager-controller", clusterTool("certManagerController"), [
        `--kubeconfig=${cp.kubeconfig}`,
        "--leader-elect=false",
        `--cluster-resource-namespace=${certManagerNamespace}`,
        "--metrics-listen-address=127.0.0.1:0",
        // What selfSigned and CA issuers need; without the approver (the webhook is not run) requests wait forever.
        "--controllers=clusterissuers,issuers,certificaterequests-approver,certificaterequests-issuer-selfsigned,certificaterequests-issuer-ca,certificates-trigger,certificates-issuing,certificates-key-manager,certificates-request-manager,certificates-readiness,certificates-revision-manager",
        "--v=2",
    ]);
    return controller;
}
