import { existsSync } from "fs";
import { join } from "path";
import { versions } from "../../../components/versions";
import { toolsDir } from "../../../harness/tools";

/**
 * The Kubernetes the cluster suite runs, where `npm run tools` builds it (versions.json
 * `testCluster`): ${TRACING_TOOLS_DIR:-~/.cache/tracing-platform/tools}/<tool>-<version>/...
 */
const pinned = versions.testCluster;
const kubernetesDir = join(toolsDir, `kubernetes-${pinned.kubernetes.version}`);
const kwokDir = join(toolsDir, `kwok-${pinned.kwok.version}`);

const paths = {
    kubeApiserver: join(kubernetesDir, "bin", "kube-apiserver"),
    kubeControllerManager: join(kubernetesDir, "bin", "kube-controller-manager"),
    kubeScheduler: join(kubernetesDir, "bin", "kube-scheduler"),
    kubectl: join(kubernetesDir, "bin", "kubectl"),
    etcd: join(toolsDir, `etcd-${pinned.etcd.version}`, "bin", "etcd"),
    kwok: join(kwokDir, "bin", "kwok"),
    kwokStages: join(kwokDir, "stages"),
    certManagerController: join(
        toolsDir,
        `cert-manager-${pinned.certManagerController.version}`,
        "bin",
        "cert-manager-controller",
    ),
    /** The CRDs of the deployed cert-manager chart version. */
    certManagerCrds: join(
        toolsDir,
        `cert-manager-${pinned.certManagerController.version}`,
        `crds-${versions.certManager.chartVersion}`,
    ),
    gatewayApiCrds: join(toolsDir, `gateway-api-${pinned.gatewayApi.version}`, "crds"),
    traefikCrds: join(
        toolsDir,
        `controller-crds-traefik-${pinned.traefik.version}-envoy-gateway-${pinned.envoyGateway.version}`,
        "traefik",
    ),
    envoyGatewayCrds: join(
        toolsDir,
        `controller-crds-traefik-${pinned.traefik.version}-envoy-gateway-${pinned.envoyGateway.version}`,
        "envoy-gateway",
    ),
    prometheusOperatorCrds: join(toolsDir, `prometheus-operator-crds-${pinned.prometheusOperator.version}`, "crds"),
};

export type ClusterTool = keyof typeof paths;

export function clusterTool(name: ClusterTool): string {
    const path = paths[name];
    if (!existsSync(path)) throw new Error(`${path} is missing: run npm run tools`);
    return path;
}

export function missingClusterTools(): string[] {
    return Object.values(paths).filter((p) => !existsSync(p));
}
