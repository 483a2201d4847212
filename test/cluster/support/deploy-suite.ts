import { execFileSync } from "child_process";
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { parseStackConfig } from "../../../config/config";
import type { StackConfig } from "../../../config/schema";
import { simulateProgram } from "../../../harness/simulate";
import { readStackFile } from "../../../config/stack-file";
import { runDir, Started, stop, waitFor } from "../../../harness/processes";
import { list, obj, Obj, projectDir, simulateVariant, strings } from "../../support/resources";
import {
    appManager,
    appManifest,
    createPrerequisites,
    grafanaNamespace,
    prerequisiteNotes,
    provisionVolumes,
} from "./prerequisites";
import { ControlPlane, startControlPlane, stopControlPlane } from "./control-plane";
import { DeployPlan, describeObject, metadataOf, PlannedObject, planDeploy, withIgnoredChanges } from "./plan";
import {
    controllerCrds,
    gatewayApiCrds,
    installCrds,
    operatorCrds,
    prometheusOperatorCrds,
    startCertManager,
} from "./stand-ins";

/** The field manager of the Pulumi Kubernetes provider's server-side apply (one per patch resource). */
export const pulumiManager = "pulumi-kubernetes";
/** Pulumi forces its own objects; a patch only with the pulumi.com/patchForce annotation. */
export const forced = (p: PlannedObject): boolean =>
    !p.patch || obj(obj(p.object.metadata).annotations)["pulumi.com/patchForce"] === "true";
export const managerOf = (p: PlannedObject): string =>
    p.patch ? `pulumi-patch-${p.resource}`.slice(0, 128) : pulumiManager;

const workloadKinds = ["Deployment", "StatefulSet", "DaemonSet"];

interface Condition {
    type: string;
    status: string;
    message?: string;
}
const conditionsOf = (o: Obj | null): Condition[] => (obj(o?.status).conditions as Condition[] | undefined) ?? [];

/** Desired and ready replicas of a workload, as its controller reports them. */
function readiness(o: Obj): { desired: number; ready: number } {
    const status = obj(o.status);
    if (o.kind === "DaemonSet")
        return { desired: Number(status.desiredNumberScheduled ?? -1), ready: Number(status.numberReady ?? 0) };
    return { desired: Number(obj(o.spec).replicas ?? 1), ready: Number(status.readyReplicas ?? 0) };
}

/** Every Secret/ConfigMap key, claim and ServiceAccount a pod spec needs, as `kind/name[:key]`. */
export function podReferences(
    spec: Obj,
): { kind: "Secret" | "ConfigMap" | "PersistentVolumeClaim" | "ServiceAccount"; name: string; key?: string }[] {
    const refs: ReturnType<typeof podReferences> = [];
    if (typeof spec.serviceAccountName === "string")
        refs.push({ kind: "ServiceAccount", name: spec.serviceAccountName });
    for (const v of list(spec.volumes)) {
        const secret = obj(v.secret);
        if (typeof secret.secretName === "string" && secret.optional !== true) {
            const items = list(secret.items);
            if (items.length === 0) refs.push({ kind: "Secret", name: secret.secretName });
            for (const i of items) refs.push({ kind: "Secret", name: secret.secretName, key: String(i.key) });
        }
        const cm = obj(v.configMap);
        if (typeof cm.name === "string" && cm.optional !== true) {
            const items = list(cm.items);
            if (items.length === 0) refs.push({ kind: "ConfigMap", name: cm.name });
            for (const i of items) refs.push({ kind: "ConfigMap", name: cm.name, key: String(i.key) });
        }
        const pvc = obj(v.persistentVolumeClaim);
        if (typeof pvc.claimName === "string") refs.push({ kind: "PersistentVolumeClaim", name: pvc.claimName });
        for (const source of list(obj(v.projected).sources)) {
            const s = obj(source.secret);
            for (const i of list(s.items))
                if (s.optional !== true) refs.push({ kind: "Secret", name: String(s.name), key: String(i.key) });
            const c = obj(source.configMap);
            for (const i of list(c.items))
                if (c.optional !== true) refs.push({ kind: "ConfigMap", name: String(c.name), key: String(i.key) });
        }
    }
    for (const c of [...list(spec.initContainers), ...list(spec.containers)]) {
        for (const e of list(c.env)) {
            const from = obj(e.valueFrom);
            const s = obj(from.secretKeyRef);
            if (typeof s.name === "string" && s.optional !== true)
                refs.push({ kind: "Secret", name: s.name, key: String(s.key) });
            const m = obj(from.configMapKeyRef);
            if (typeof m.name === "string" && m.optional !== true)
                refs.push({ kind: "ConfigMap", name: m.name, key: String(m.key) });
        }
        for (const e of list(c.envFrom)) {
            const s = obj(e.secretRef);
            if (typeof s.name === "string" && s.optional !== true) refs.push({ kind: "Secret", name: s.name });
            const m = obj(e.configMapRef);
            if (typeof m.name === "string" && m.optional !== true) refs.push({ kind: "ConfigMap", name: m.name });
        }
    }
    return refs;
}

function certificateText(pem: string, args: string[], caFile?: string): string {
    const dir = join(runDir, "certs");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `leaf-${Date.now()}-${Math.random().toString(36).slice(2)}.crt`);
    writeFileSync(file, pem);
    const command =
        caFile === undefined ? ["x509", "-in", file, "-noout", ...args] : ["verify", "-CAfile", caFile, file];
    return execFileSync("openssl", command, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
}

/**
 * `pulumi up` of a stack against a real API server: everything the program registers (from the same
 * simulation `npm run check` uses), applied in dependency order with server-side apply and strict
 * field validation, then checked the way a running cluster would show a broken deploy.
 */
export function describeClusterDeploy(stack: string, overrides: Record<string, string> = {}, variant = ""): void {
    const label = variant === "" ? stack : `${stack}-${variant}`;
    let cp: ControlPlane;
    let certManager: Started;
    let config: StackConfig;
    let plan: DeployPlan;
    const applied: string[] = [];
    /** What was last applied per Pulumi resource: the state an update starts from. */
    const last = new Map<string, PlannedObject>();
    let provisioner: NodeJS.Timeout | undefined;

    beforeAll(async () => {
        const raw = { ...readStackFile(projectDir, stack), ...overrides };
        config = parseStackConfig(raw);
        plan = planDeploy((await simulateProgram(stack, raw)).resources);
        cp = await startControlPlane(`cluster-${label}`);
        provisioner = setInterval(() => provisionVolumes(cp.kubectl), 1000);
        // Stand-ins for the Helm releases (see plan.ts), then what the README lists as prerequisites.
        certManager = await startCertManager(cp);
        await installCrds(cp.kubectl, operatorCrds());
        if (config.exposure.mode === "gateway-api") await installCrds(cp.kubectl, gatewayApiCrds());
        // The ingress controller in front is the cluster's: its CRDs come with it.
        const controller = controllerCrds(config.exposure.controller);
        if (controller.length > 0) await installCrds(cp.kubectl, controller);
        // The cluster's Prometheus (kube-prometheus-stack) brings these: a README prerequisite.
        if (config.monitoring.prometheusOperator) await installCrds(cp.kubectl, prometheusOperatorCrds());
        await createPrerequisites(cp, config);
        const notes = [
            `stack ${label}: ${plan.objects.length} objects to apply, ${plan.reads.length} to read (must exist)`,
            ...plan.notApplied.map((n) => `  not applied: ${n.type} ${n.resource}: ${n.why}`),
            ...prerequisiteNotes(config).map((n) => `  prerequisite: ${n}`),
        ];
        writeFileSync(join(runDir, `cluster-${label}-plan.txt`), `${notes.join("\n")}\n`);
        process.stdout.write(`${notes.join("\n")}\n`);
    }, 300000);

    afterAll(async () => {
        clearInterval(provisioner);
        if (certManager !== undefined) await stop(certManager);
        if (cp !== undefined) await stopControlPlane(cp);
    }, 60000);

    describe(`stack ${label} on a real API server`, () => {
        it("finds what the program reads before it applies anything (the apps' Deployments, a configured ClusterIssuer, Grafana's namespace)", async () => {
            expect(plan.reads.length).toBe(
                config.workloads.length +
                    (config.tls.clusterIssuer === undefined ? 0 : 1) +
                    (grafanaNamespace(config) === undefined ? 0 : 1),
            );
            const missing: string[] = [];
            for (const r of plan.reads)
                if ((await cp.api.get(r.object)) === null) missing.push(describeObject(r.object));
            expect(missing).toEqual([]);
            // And the check can fail: a workload nobody deployed is not found.
            const [first] = plan.reads;
            expect(
                await cp.api.get({
                    ...first.object,
                    metadata: { ...obj(first.object.metadata), name: "not-deployed" },
                }),
            ).toBeNull();
        });

        it("applies every object with server-side apply and strict field validation: dry run first, then for real, without warnings", async () => {
            const failures: string[] = [];
            for (const p of plan.objects) {
                // A patch's target comes from an app's pipeline or a controller (a StatefulSet's claims):
                // Pulumi reaches it only after what it depends on is ready, so it exists by then.
                if (p.patch)
                    await waitFor(
                        `${describeObject(p.object)} to exist`,
                        async () => (await cp.api.get(p.object)) !== null,
                        120000,
                        500,
                    ).catch(() => undefined);
                // Pulumi forces ownership of its own objects; a patch takes no field from another
                // manager unless it says so (pulumi.com/patchForce).
                const options = { force: forced(p) };
                const dry = await cp.api.apply(p.object, managerOf(p), { ...options, dryRun: true });
                if (dry.status >= 300) {
                    failures.push(`dry run of ${describeObject(p.object)}: ${String(dry.body.message)}`);
                    continue;
                }
                const real = await cp.api.apply(p.object, managerOf(p), options);
                last.set(p.resource, p);
                if (real.status >= 300) failures.push(`${describeObject(p.object)}: ${String(real.body.message)}`);
                else if (real.warnings.length > 0 || dry.warnings.length > 0)
                    failures.push(
                        `${describeObject(p.object)} warned: ${[...dry.warnings, ...real.warnings].join("; ")}`,
                    );
                else applied.push(describeObject(p.object));
            }
            expect(failures).toEqual([]);
            expect(applied).toHaveLength(plan.objects.length);
        });

        it("keeps the injection annotation when the apps' own pipelines re-apply their manifests (client-side and server-side)", () => {
            const patches = plan.objects.filter((p) => p.patch && p.object.kind === "Deployment");
            expect(patches.length).toBe(config.workloads.length);
            for (const p of patches) {
                const { name, namespace } = metadataOf(p.object);
                const wanted = obj(obj(obj(obj(p.object.spec).template).metadata).annotations);
                expect(Object.keys(wanted).length).toBeGreaterThan(0);
                const workload = config.workloads.find((w) => w.name === name && w.namespace === namespace);
                if (workload === undefined)
                    throw new Error(`a patch for ${namespace}/${name}, which is not a configured workload`);
                const manifest = appManifest(workload);
                cp.kubectl.ok(["apply", "-f", "-"], JSON.stringify(manifest));
                cp.kubectl.ok(
                    ["apply", "--server-side", `--field-manager=${appManager(workload)}-ssa`, "-f", "-"],
                    JSON.stringify(manifest),
                );
                const live = cp.kubectl.get("deployment", name, namespace);
                expect(obj(obj(obj(obj(live?.spec).template).metadata).annotations)).toMatchObject(wanted);
            }
        });

        it("brings every Deployment, StatefulSet and DaemonSet to its desired ready replicas (kwok as the kubelet)", async () => {
            const workloads = plan.objects.filter((p) => !p.patch && workloadKinds.includes(String(p.object.kind)));
            expect(workloads.length).toBeGreaterThan(0);
            const notReady = (): string[] =>
                workloads.flatMap((p) => {
                    const { name, namespace } = metadataOf(p.object);
                    const live = cp.kubectl.get(String(p.object.kind).toLowerCase(), name, namespace);
                    const r = live === null ? { desired: -1, ready: 0 } : readiness(live);
                    return r.desired > 0 && r.ready === r.desired
                        ? []
                        : [`${describeObject(p.object)} ${r.ready}/${r.desired}`];
                });
            await waitFor("every workload ready", async () => notReady().length === 0, 180000, 1000).catch(
                () => undefined,
            );
            expect(notReady()).toEqual([]);
        }, 240000);

        it("admits every pod of ours under Pod Security restricted, and refuses a privileged one", () => {
            const ns = config.namespace;
            const labels = obj(obj(cp.kubectl.get("namespace", ns)?.metadata).labels);
            expect(labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
            const expected = plan.objects
                .filter(
                    (p) =>
                        !p.patch &&
                        workloadKinds.includes(String(p.object.kind)) &&
                        metadataOf(p.object).namespace === ns,
                )
                .reduce(
                    (n, p) =>
                        n +
                        (p.object.kind === "DaemonSet" ? cp.nodes.length : Number(obj(p.object.spec).replicas ?? 1)),
                    0,
                );
            const pods = cp.kubectl.list("pods", ns).filter((p) => obj(p.status).phase === "Running");
            process.stdout.write(
                `stack ${label}: ${pods.length} pods of ours admitted under restricted and Running (expected ${expected})\n`,
            );
            expect(pods.length).toBe(expected);
            const privileged = {
                apiVersion: "v1",
                kind: "Pod",
                metadata: { name: "privileged-probe", namespace: ns },
                spec: { containers: [{ name: "c", image: "busybox", securityContext: { privileged: true } }] },
            };
            const r = cp.kubectl.run(["create", "-f", "-"], JSON.stringify(privileged));
            expect(r.status).not.toBe(0);
            expect(r.stderr).toMatch(/violates PodSecurity "restricted/);
        });

        it("runs the index cleaner's CronJob as a Job whose pod is admitted", async () => {
            const cronJobs = plan.objects.filter((p) => p.object.kind === "CronJob");
            expect(cronJobs.length).toBeGreaterThan(0);
            for (const c of cronJobs) {
                const { name, namespace } = metadataOf(c.object);
                cp.kubectl.ok(["create", "job", `${name}-now`, `--from=cronjob/${name}`, "-n", String(namespace)]);
                await waitFor(
                    `a pod of job ${name}-now`,
                    async () =>
                        cp.kubectl
                            .list("pods", namespace)
                            .some((p) => obj(obj(p.metadata).labels)["job-name"] === `${name}-now`),
                    60000,
                    500,
                );
            }
        });

        it("binds each claim to a volume of the size and class the stack asks for (static provisioning by the test)", async () => {
            const claims = (): Obj[] => cp.kubectl.list("pvc", config.namespace);
            await waitFor(
                "every claim bound",
                async () => claims().length > 0 && claims().every((c) => obj(c.status).phase === "Bound"),
                60000,
                500,
            ).catch(() => undefined);
            const wanted: Record<string, string> = { queue: `${config.collector.gateway.queueStorageGi}Gi` };
            if (config.elasticsearch.mode === "in-cluster") wanted.data = `${config.elasticsearch.storageGi}Gi`;
            const seen = claims().map((c) => ({
                name: String(obj(c.metadata).name),
                phase: obj(c.status).phase,
                size: obj(obj(obj(c.spec).resources).requests).storage,
                storageClass: obj(c.spec).storageClassName ?? null,
            }));
            expect(seen.length).toBeGreaterThan(0);
            for (const s of seen) {
                const template = s.name.split("-")[0];
                expect({ name: s.name, phase: s.phase, size: s.size }).toEqual({
                    name: s.name,
                    phase: "Bound",
                    size: wanted[template],
                });
                // Unset, a claim gets the cluster's default class (the test's is "standard").
                if (template === "data")
                    expect(s.storageClass).toBe(
                        config.elasticsearch.mode === "in-cluster"
                            ? (config.elasticsearch.storageClass ?? "standard")
                            : null,
                    );
            }
        });

        it("issues every Certificate with the real cert-manager controller: ca.crt, tls.crt, tls.key, verified against the CA with the names clients use", async () => {
            const certificates = plan.objects.filter((p) => p.object.kind === "Certificate");
            expect(certificates.length).toBeGreaterThan(0);
            const notReady = (): string[] =>
                certificates.flatMap((c) => {
                    const { name, namespace } = metadataOf(c.object);
                    const live = cp.kubectl.get("certificate", name, namespace);
                    const ready = conditionsOf(live).find((x) => x.type === "Ready");
                    return ready?.status === "True"
                        ? []
                        : [`${describeObject(c.object)}: ${ready?.message ?? "no Ready condition"}`];
                });
            await waitFor("every Certificate ready", async () => notReady().length === 0, 120000, 1000).catch(
                () => undefined,
            );
            expect(notReady()).toEqual([]);
            for (const c of certificates) {
                const { namespace } = metadataOf(c.object);
                const spec = obj(c.object.spec);
                const secret = cp.kubectl.get("secret", String(spec.secretName), namespace);
                const data = obj(secret?.data);
                expect(Object.keys(data).sort()).toEqual(["ca.crt", "tls.crt", "tls.key"]);
                const decode = (k: string): string => Buffer.from(String(data[k]), "base64").toString("utf8");
                const caFile = join(runDir, "certs", `${String(spec.secretName)}-ca.crt`);
                mkdirSync(join(runDir, "certs"), { recursive: true });
                writeFileSync(caFile, decode("ca.crt"));
                expect(certificateText(decode("tls.crt"), [], caFile)).toMatch(/: OK/);
                const sans = certificateText(decode("tls.crt"), ["-ext", "subjectAltName"]);
                for (const dns of strings(spec.dnsNames)) expect(sans).toContain(`DNS:${dns}`);
            }
            // The names the clients dial: Jaeger and the cleaner reach Elasticsearch by its Service name.
            const esCert = certificates.find((c) => metadataOf(c.object).name === "elasticsearch-tls");
            if (config.elasticsearch.mode === "in-cluster") {
                expect(esCert).toBeDefined();
                const esHost = `elasticsearch.${config.namespace}.svc.cluster.local`;
                expect(strings(obj(esCert?.object.spec).dnsNames)).toContain(esHost);
            }
            const ui = certificates.find((c) => metadataOf(c.object).name === "jaeger-ui-tls");
            expect(strings(obj(ui?.object.spec).dnsNames)).toContain(config.exposure.host);
        }, 180000);

        it("finds every Secret and key, ConfigMap, claim and ServiceAccount our pods reference", () => {
            const missing: string[] = [];
            const pods = cp.kubectl.list("pods", config.namespace);
            expect(pods.length).toBeGreaterThan(0);
            for (const pod of pods) {
                for (const ref of podReferences(obj(pod.spec))) {
                    const live = cp.kubectl.get(ref.kind.toLowerCase(), ref.name, config.namespace);
                    const podName = String(obj(pod.metadata).name);
                    if (live === null) missing.push(`${podName}: ${ref.kind} ${ref.name}`);
                    else if (ref.key !== undefined && !(ref.key in { ...obj(live.data), ...obj(live.binaryData) }))
                        missing.push(`${podName}: ${ref.kind} ${ref.name} key ${ref.key}`);
                }
            }
            expect([...new Set(missing)]).toEqual([]);
        });

        it("accepts the Instrumentation, the NetworkPolicies, the UI route (Ingress, or HTTPRoute and ReferenceGrant) and the PodMonitors and PrometheusRule", async () => {
            const kinds = [
                "Instrumentation",
                "NetworkPolicy",
                ...(config.exposure.mode === "ingress" ? ["Ingress"] : ["HTTPRoute", "ReferenceGrant"]),
                ...(config.monitoring.prometheusOperator ? ["PodMonitor", "PrometheusRule"] : []),
            ];
            for (const kind of kinds) {
                const objects = plan.objects.filter((p) => p.object.kind === kind);
                expect(objects.length).toBeGreaterThan(0);
                for (const p of objects)
                    expect({ object: describeObject(p.object), found: (await cp.api.get(p.object)) !== null }).toEqual({
                        object: describeObject(p.object),
                        found: true,
                    });
            }
        });

        it("changes nothing on a second apply", async () => {
            const changed: string[] = [];
            for (const p of plan.objects) {
                // A real second apply: an unchanged object keeps its resourceVersion (nothing is written).
                const changes = async (): Promise<string | null> => {
                    const before = await cp.api.get(p.object);
                    const again = await cp.api.apply(p.object, managerOf(p), { force: forced(p) });
                    const [was, now] = [
                        obj(before?.metadata).resourceVersion,
                        obj(again.body.metadata).resourceVersion,
                    ];
                    return again.status < 300 && was === now
                        ? null
                        : `${describeObject(p.object)}: ${again.status} resourceVersion ${String(was)} -> ${String(now)}`;
                };
                // A controller may write status between the read and the apply: one more try tells them apart.
                const first = await changes();
                if (first !== null && (await changes()) !== null) changed.push(first);
            }
            expect(changed).toEqual([]);
        });

        it("on a day-2 change grows the volumes by patching the claims (no StatefulSet replaced) and rolls only the apps that opted in to new Instrumentation settings", async () => {
            const bigger: Record<string, string> = {
                "tracing:collector": JSON.stringify({
                    ...config.collector,
                    gateway: {
                        ...config.collector.gateway,
                        queueStorageGi: config.collector.gateway.queueStorageGi + 1,
                    },
                }),
                // A setting the agents read: head sampling.
                "tracing:sampling": JSON.stringify({
                    ...config.sampling,
                    headPercent: config.sampling.headPercent === 50 ? 60 : 50,
                }),
            };
            const generationOf = async (w: (typeof config.workloads)[number]): Promise<number> =>
                Number(
                    obj(
                        (
                            await cp.api.get({
                                apiVersion: "apps/v1",
                                kind: "Deployment",
                                metadata: { name: w.name, namespace: w.namespace },
                            })
                        )?.metadata,
                    ).generation,
                );
            const generations = new Map<string, number>();
            for (const w of config.workloads) generations.set(w.name, await generationOf(w));
            if (config.elasticsearch.mode === "in-cluster")
                bigger["tracing:elasticsearch"] = JSON.stringify({
                    ...config.elasticsearch,
                    storageGi: config.elasticsearch.storageGi + 5,
                });
            const next = planDeploy(simulateVariant(stack, { ...overrides, ...bigger })).objects;
            const stateful = next.filter(
                (p) => p.object.kind === "StatefulSet" && list(obj(p.object.spec).volumeClaimTemplates).length > 0,
            );
            expect(stateful.length).toBeGreaterThan(0);
            const uids = new Map<string, unknown>();
            for (const p of stateful) {
                uids.set(p.resource, obj((await cp.api.get(p.object))?.metadata).uid);
                // Sent as rendered, the new templates are refused: this is why Pulumi would replace the StatefulSet.
                const raw = await cp.api.apply(p.object, managerOf(p), { force: true, dryRun: true });
                expect({ object: describeObject(p.object), status: raw.status }).toEqual({
                    object: describeObject(p.object),
                    status: 422,
                });
                expect(String(raw.body.message)).toMatch(
                    /Forbidden: updates to statefulset spec for fields other than/,
                );
            }
            const failures: string[] = [];
            for (const p of next) {
                const sent = withIgnoredChanges(p, last.get(p.resource));
                const r = await cp.api.apply(sent, managerOf(p), { force: forced(p) });
                if (r.status >= 300) failures.push(`${describeObject(p.object)}: ${String(r.body.message)}`);
            }
            expect(failures).toEqual([]);
            for (const p of stateful)
                expect(obj((await cp.api.get(p.object))?.metadata).uid).toBe(uids.get(p.resource));
            // The Operator injects only at pod start: an opted-in app's template changed (a rollout), the others' did not.
            for (const w of config.workloads) {
                const rolled = (await generationOf(w)) > (generations.get(w.name) ?? 0);
                expect({ workload: w.name, rolled }).toEqual({ workload: w.name, rolled: w.restartOnChange });
            }
            const sizes = Object.fromEntries(
                cp.kubectl
                    .list("pvc", config.namespace)
                    .map((c) => [String(obj(c.metadata).name), obj(obj(obj(c.spec).resources).requests).storage]),
            );
            for (const [name, size] of Object.entries(sizes)) {
                const wanted = name.startsWith("queue-")
                    ? `${config.collector.gateway.queueStorageGi + 1}Gi`
                    : `${config.elasticsearch.mode === "in-cluster" ? config.elasticsearch.storageGi + 5 : 0}Gi`;
                expect({ name, size }).toEqual({ name, size: wanted });
            }
        }, 120000);

        it("leaves nothing of ours behind when everything is deleted", async () => {
            for (const p of [...plan.objects].reverse()) {
                if (p.retainOnDelete) continue;
                if (p.patch) {
                    // Deleting a patch gives its fields back: the same manager applies nothing.
                    const { name, namespace } = metadataOf(p.object);
                    const empty = {
                        apiVersion: p.object.apiVersion,
                        kind: p.object.kind,
                        metadata: { name, namespace },
                    };
                    const r = await cp.api.apply(empty, managerOf(p), { force: forced(p) });
                    expect({ object: describeObject(p.object), status: r.status }).toEqual({
                        object: describeObject(p.object),
                        status: 200,
                    });
                    continue;
                }
                const r = await cp.api.delete(p.object);
                expect({
                    object: describeObject(p.object),
                    deleted: r.status < 300 || r.status === 404,
                    message: r.status < 300 ? "" : r.body.message,
                }).toEqual({
                    object: describeObject(p.object),
                    deleted: true,
                    message: "",
                });
            }
            const leftovers = async (): Promise<string[]> => {
                const left: string[] = [];
                for (const p of plan.objects.filter((x) => !x.retainOnDelete)) {
                    const live = await cp.api.get(p.object);
                    if (!p.patch) {
                        if (live !== null) left.push(describeObject(p.object));
                        continue;
                    }
                    // What a patch set is gone from the object, which stays with its owner.
                    const owned =
                        p.object.kind === "Deployment"
                            ? obj(obj(obj(live?.spec).template).metadata).annotations
                            : obj(live?.metadata).labels;
                    const wanted =
                        p.object.kind === "Deployment"
                            ? obj(obj(obj(p.object.spec).template).metadata).annotations
                            : obj(p.object.metadata).labels;
                    for (const k of Object.keys(obj(wanted)))
                        if (k in obj(owned)) left.push(`${describeObject(p.object)}: ${k}`);
                }
                return left;
            };
            let left: string[] = [];
            await waitFor(
                "everything deleted",
                async () => (left = await leftovers()).length === 0,
                120000,
                1000,
            ).catch(() => undefined);
            expect(left).toEqual([]);
        }, 180000);
    });
}
