import { list, obj, Obj, text } from "../harness/resource-view";
import type { SimulatedResource, Simulation } from "../harness/simulate";

function podDetail(spec: Obj): string {
    const template = obj(obj(spec.template).spec);
    const images = list(template.containers).map((c) => text(c.image));
    const replicas = spec.replicas === undefined ? "" : `replicas=${text(spec.replicas)} `;
    return `${replicas}images=${images.join(",")}`;
}

/** One line of the most telling settings of a resource. */
function detail(r: SimulatedResource): string {
    if (r.readId !== undefined) return `${r.readId} (read: must exist before the deploy)`;
    const inputs = r.inputs;
    const meta = obj(inputs.metadata);
    const where = meta.namespace === undefined ? text(meta.name) : `${text(meta.namespace)}/${text(meta.name)}`;
    const spec = obj(inputs.spec);
    switch (r.type) {
        case "kubernetes:core/v1:Namespace":
            return `${where} pod-security=${text(obj(meta.labels)["pod-security.kubernetes.io/enforce"])}`;
        case "kubernetes:apps/v1:DaemonSet":
        case "kubernetes:apps/v1:StatefulSet":
        case "kubernetes:apps/v1:Deployment":
            return `${where} ${podDetail(spec)}`;
        case "kubernetes:apps/v1:DeploymentPatch":
            return `${where} pod annotations ${JSON.stringify(obj(obj(spec.template).metadata).annotations)}`;
        case "kubernetes:core/v1:Service":
            return `${where} type=${text(spec.type, "ClusterIP")}${spec.clusterIP === "None" ? " headless" : ""}${
                spec.internalTrafficPolicy ? ` internalTrafficPolicy=${text(spec.internalTrafficPolicy)}` : ""
            }`;
        case "kubernetes:core/v1:ConfigMap":
            return `${where} keys=${Object.keys(obj(inputs.data)).join(",")}`;
        case "kubernetes:helm.sh/v3:Release":
            return `${text(inputs.chart)}@${text(inputs.version)} in ${text(inputs.namespace)}`;
        case "kubernetes-cert-manager:index:CertManager":
            return `chart ${text(obj(inputs.helmOptions).version)}`;
        case "kubernetes:policy/v1:PodDisruptionBudget":
            return `${where} ${JSON.stringify({ minAvailable: spec.minAvailable, maxUnavailable: spec.maxUnavailable })}`;
        default:
            return inputs.kind !== undefined ? `${text(inputs.kind)} ${where}` : where;
    }
}

export function summarize(sim: Simulation): string {
    const reads = sim.resources.filter((r) => r.readId !== undefined).length;
    const lines = [
        `stack ${sim.stack}: ${sim.resources.length - reads} resources would be deployed, ${reads} existing objects read`,
        "",
    ];
    const width = Math.max(...sim.resources.map((r) => r.type.length));
    for (const r of sim.resources) lines.push(`  ${r.type.padEnd(width)}  ${r.name.padEnd(28)} ${detail(r)}`);
    lines.push("", "outputs:");
    for (const [k, v] of Object.entries(sim.outputs)) lines.push(`  ${k}: ${JSON.stringify(v)}`);
    return `${lines.join("\n")}\n`;
}
