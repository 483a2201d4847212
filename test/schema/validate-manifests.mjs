// Validates Kubernetes manifests against the upstream OpenAPI models (kubernetes-models and its
// third-party packages). Those packages are ES modules only, so this runs as a child process.
// stdin: JSON array of manifests; stdout: JSON array of { apiVersion, kind, name, error }.
import { readFileSync } from "node:fs";

const modelPackages = {
    "cert-manager.io": "@kubernetes-models/cert-manager/cert-manager.io",
    "opentelemetry.io": "@kubernetes-models/opentelemetry-operator/opentelemetry.io",
    "gateway.networking.k8s.io": "@kubernetes-models/gateway-api/gateway.networking.k8s.io",
    "monitoring.coreos.com": "@kubernetes-models/prometheus-operator/monitoring.coreos.com",
};

function modulePath(apiVersion, kind) {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    if (group === "") return `kubernetes-models/${version}/${kind}`;
    if (modelPackages[group]) return `${modelPackages[group]}/${version}/${kind}`;
    return `kubernetes-models/${group}/${version}/${kind}`;
}

const manifests = JSON.parse(readFileSync(0, "utf8"));
const results = [];
for (const manifest of manifests) {
    const { apiVersion, kind } = manifest;
    const name = manifest.metadata?.name;
    let error = null;
    try {
        const mod = await import(modulePath(apiVersion, kind));
        const Model = mod[kind];
        new Model(manifest).validate();
    } catch (err) {
        error =
            err.code === "ERR_PACKAGE_PATH_NOT_EXPORTED" || err.code === "ERR_MODULE_NOT_FOUND"
                ? `no upstream model for ${apiVersion} ${kind}`
                : err.message;
    }
    results.push({ apiVersion, kind, name, error });
}
process.stdout.write(JSON.stringify(results));
