import { parse } from "yaml";
import { instrumentationChecksum, InstrumentationSpec } from "../../renderers/instrumentation";
import pinned from "../../versions.json";
import type { TailSamplingConfig } from "../../renderers/collector-types";
import { gatewayTerminationGraceSeconds } from "../../renderers/gateway-config";
import { configMapYaml, find, list, obj, Obj, ofType, podSpecOf as podSpec } from "./resources";
import { runStack, StackRun } from "./program";

function firstContainer(resource: { inputs: Obj }): Obj {
    return list(podSpec(resource).containers)[0];
}

/**
 * The assertions every stack must satisfy, with the values taken from that stack's own file, so the
 * dev and prod suites each prove their settings reach the cluster objects.
 */
export function describeFoundation(stack: string): () => StackRun {
    let run: StackRun;
    beforeAll(async () => {
        run = await runStack(stack);
    });

    describe(`stack ${stack}: foundation`, () => {
        it("creates (or, when it exists beforehand, labels) the platform namespace with Pod Security restricted enforced", () => {
            const type = run.config.createNamespace
                ? "kubernetes:core/v1:Namespace"
                : "kubernetes:core/v1:NamespacePatch";
            const other = run.config.createNamespace
                ? "kubernetes:core/v1:NamespacePatch"
                : "kubernetes:core/v1:Namespace";
            expect(
                ofType(run.sim.resources, other).filter((r) => obj(r.inputs.metadata).name === run.config.namespace),
            ).toEqual([]);
            const ns = find(run.sim.resources, type, run.config.namespace);
            expect(obj(obj(ns.inputs.metadata).labels)).toMatchObject({
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/audit": "restricted",
            });
        });

        it("reads each app's Deployment, a configured ClusterIssuer and Grafana's namespace first, so a missing one stops the update by name", () => {
            const reads = run.sim.resources
                .filter((r) => r.readId !== undefined)
                .map((r) => `${r.type} ${String(r.readId)}`);
            const expected = run.config.workloads.map((w) => `kubernetes:apps/v1:Deployment ${w.namespace}/${w.name}`);
            if (run.config.tls.clusterIssuer !== undefined)
                expected.push(`kubernetes:cert-manager.io/v1:ClusterIssuer ${run.config.tls.clusterIssuer}`);
            const grafana = run.config.monitoring.grafanaDashboardNamespace;
            if (grafana !== undefined && grafana !== run.config.namespace)
                expected.push(`kubernetes:core/v1:Namespace ${grafana}`);
            expect(reads.sort()).toEqual(expected.sort());
            // Each read registers before what depends on it: the inject patches, the Certificates, Grafana's ConfigMaps.
            const position = (pred: (r: (typeof run.sim.resources)[number]) => boolean): number =>
                run.sim.resources.findIndex(pred);
            const lastRead = Math.max(...run.sim.resources.map((r, i) => (r.readId === undefined ? -1 : i)));
            expect(lastRead).toBeLessThan(position((r) => r.type === "kubernetes:apps/v1:DeploymentPatch"));
            if (grafana !== undefined && grafana !== run.config.namespace) {
                expect(position((r) => r.readId === grafana)).toBeLessThan(
                    position(
                        (r) =>
                            r.type === "kubernetes:core/v1:ConfigMap" && obj(r.inputs.metadata).namespace === grafana,
                    ),
                );
            }
            if (run.config.tls.clusterIssuer !== undefined) {
                expect(position((r) => r.readId === run.config.tls.clusterIssuer)).toBeLessThan(
                    position((r) => r.type === "kubernetes:cert-manager.io/v1:Certificate"),
                );
            }
        });

        it("keeps a volume size change from replacing a StatefulSet: templates' changes ignored, each replica's claim patched to the size, data protected", () => {
            const stateful = ofType(run.sim.resources, "kubernetes:apps/v1:StatefulSet").filter(
                (r) => list(obj(r.inputs.spec).volumeClaimTemplates).length > 0,
            );
            expect(stateful.length).toBeGreaterThan(0);
            const claimPatches = ofType(run.sim.resources, "kubernetes:core/v1:PersistentVolumeClaimPatch");
            for (const sts of stateful) {
                expect(sts.options).toEqual({
                    ignoreChanges: ["spec.volumeClaimTemplates"],
                    ...(run.config.protectData ? { protect: true } : {}),
                });
                const spec = obj(sts.inputs.spec);
                const stsName = String(obj(sts.inputs.metadata).name);
                for (const template of list(spec.volumeClaimTemplates)) {
                    const size = obj(obj(obj(template.spec).resources).requests).storage;
                    const claims = Array.from(
                        { length: Number(spec.replicas) },
                        (_, i) => `${String(obj(template.metadata).name)}-${stsName}-${i}`,
                    );
                    const patched = claimPatches.filter((p) => claims.includes(String(obj(p.inputs.metadata).name)));
                    expect(patched.map((p) => String(obj(p.inputs.metadata).name)).sort()).toEqual(claims.sort());
                    for (const p of patched) expect(obj(obj(obj(p.inputs.spec).resources).requests).storage).toBe(size);
                    // The controller that created the claims owns their size until the patch takes it.
                    for (const p of patched)
                        expect(obj(obj(p.inputs.metadata).annotations)["pulumi.com/patchForce"]).toBe("true");
                    // Giving the size back on delete would leave a claim without one.
                    for (const p of patched) expect(p.options).toEqual({ retainOnDelete: true });
                }
            }
        });

        it("does not make pulumi up wait for a load-balancer address on the internal Ingress unless asked", () => {
            if (run.config.exposure.mode !== "ingress") return;
            const annotations = obj(
                obj(find(run.sim.resources, "kubernetes:networking.k8s.io/v1:Ingress", "jaeger-ui").inputs.metadata)
                    .annotations,
            );
            expect(annotations["pulumi.com/skipAwait"]).toBe(run.config.exposure.awaitAddress ? undefined : "true");
        });

        it("installs cert-manager from the pinned chart with its CRDs, unless the cluster runs one", () => {
            const installed = ofType(run.sim.resources, "kubernetes-cert-manager:index:CertManager");
            expect(installed).toHaveLength(run.config.tls.installCertManager ? 1 : 0);
            if (!run.config.tls.installCertManager) return;
            const [cm] = installed;
            expect(obj(cm.inputs.helmOptions)).toMatchObject({ values: { crds: { enabled: true, keep: true } } });
            expect(cm.inputs.installCRDs).toBeUndefined();
            expect(obj(cm.inputs.helmOptions).version).toMatch(/^v1\.21\.\d+$/);
        });

        it("installs the OpenTelemetry Operator with cert-manager serving its webhook", () => {
            const [release] = ofType(run.sim.resources, "kubernetes:helm.sh/v3:Release");
            // Its own namespace: the API server must reach its webhook, which the platform's default-deny would block.
            expect(release.inputs).toMatchObject({
                chart: "opentelemetry-operator",
                namespace: "opentelemetry-operator-system",
            });
            expect(release.inputs.version).toMatch(/^\d+\.\d+\.\d+$/);
            expect(obj(release.inputs.values)).toMatchObject({
                admissionWebhooks: {
                    certManager: { enabled: true },
                    pods: { failurePolicy: run.config.operator.webhookFailurePolicy },
                },
            });
        });

        it("creates the Instrumentation pointing at the node agent on 4318 with the stack's head sampling", () => {
            const instr = find(run.sim.resources, "kubernetes:opentelemetry.io/v1alpha1:Instrumentation", "tracing");
            expect(obj(instr.inputs.spec)).toMatchObject({
                exporter: { endpoint: `http://otel-agent.${run.config.namespace}.svc.cluster.local:4318` },
                propagators: ["tracecontext", "baggage"],
                sampler: { type: "parentbased_traceidratio", argument: String(run.config.sampling.headPercent / 100) },
            });
        });

        it("injects the agent images pinned in versions.json, never the Operator's moving defaults", () => {
            const spec = obj(
                find(run.sim.resources, "kubernetes:opentelemetry.io/v1alpha1:Instrumentation", "tracing").inputs.spec,
            );
            for (const w of run.config.workloads) {
                const agent = pinned.autoInstrumentation[w.language];
                expect(obj(spec[w.language]).image).toBe(`${agent.image}:${agent.version}`);
            }
        });

        it("patches only the inject annotation (and, opted in, the Instrumentation's checksum) onto each workload's pod template, without waiting for the app's rollout", () => {
            const patches = ofType(run.sim.resources, "kubernetes:apps/v1:DeploymentPatch");
            expect(patches).toHaveLength(run.config.workloads.length);
            const instrumentation = find(
                run.sim.resources,
                "kubernetes:opentelemetry.io/v1alpha1:Instrumentation",
                "tracing",
            );
            for (const w of run.config.workloads) {
                const patch = find(patches, "kubernetes:apps/v1:DeploymentPatch", w.name);
                // The platform's update does not wait for (or fail on) the app's own rollout.
                expect(obj(patch.inputs.metadata)).toEqual({
                    name: w.name,
                    namespace: w.namespace,
                    annotations: { "pulumi.com/skipAwait": "true" },
                });
                // Only the pod template's annotations: nothing the owning team manages.
                expect(patch.inputs.spec).toEqual({
                    template: {
                        metadata: {
                            annotations: {
                                [`instrumentation.opentelemetry.io/inject-${w.language}`]: `${run.config.namespace}/tracing`,
                                ...(w.restartOnChange
                                    ? instrumentationChecksum(instrumentation.inputs.spec as InstrumentationSpec)
                                    : {}),
                            },
                        },
                    },
                });
            }
            expect(run.config.workloads.map((w) => w.name)).toEqual(["shop-api", "crm-api", "mes-api"]);
        });

        it("runs the agent as a restricted DaemonSet with the stack's memory bound", () => {
            const ds = find(run.sim.resources, "kubernetes:apps/v1:DaemonSet", "otel-agent");
            const container = firstContainer(ds);
            const memory = run.config.collector.agent.memoryMiB;
            expect(obj(obj(container.resources).limits).memory).toBe(`${memory}Mi`);
            expect(list(container.env)).toContainEqual({ name: "GOMEMLIMIT", value: `${Math.floor(memory * 0.8)}MiB` });
            expect(container.securityContext).toMatchObject({
                runAsNonRoot: true,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
                seccompProfile: { type: "RuntimeDefault" },
            });
            expect(container.livenessProbe).toBeDefined();
            expect(container.readinessProbe).toBeDefined();
            // hostPort is forbidden under Pod Security restricted; pods reach the agent through a node-local Service.
            for (const port of list(container.ports)) expect(port.hostPort).toBeUndefined();
            expect(podSpec(ds).hostNetwork).toBeUndefined();
            const svc = find(run.sim.resources, "kubernetes:core/v1:Service", "otel-agent");
            expect(obj(svc.inputs.spec)).toMatchObject({ type: "ClusterIP", internalTrafficPolicy: "Local" });
        });

        it("gives the agent exactly the RBAC k8s_attributes and the k8s resolver need", () => {
            const role = find(
                run.sim.resources,
                "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
                "tracing-otel-agent",
            );
            expect(role.inputs.rules).toEqual([
                { apiGroups: [""], resources: ["pods", "namespaces"], verbs: ["get", "list", "watch"] },
                { apiGroups: ["apps"], resources: ["replicasets"], verbs: ["get", "list", "watch"] },
            ]);
            const resolver = find(
                run.sim.resources,
                "kubernetes:rbac.authorization.k8s.io/v1:Role",
                "otel-agent-resolver",
            );
            expect(obj(resolver.inputs.metadata).namespace).toBe(run.config.namespace);
            expect(resolver.inputs.rules).toEqual([
                { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] },
            ]);
        });

        it("renders the agent config from the stack's PII settings and headers", () => {
            const cfg = configMapYaml(find(run.sim.resources, "kubernetes:core/v1:ConfigMap", "otel-agent"));
            const processors = obj(cfg.processors);
            expect(obj(processors["redaction/pii"]).summary).toBe(run.config.pii.summary);
            const [blocked] = (obj(processors["redaction/pii"]).blocked_values ?? []) as string[];
            for (const m of run.config.pii.masks) expect(blocked).toContain(`(?:${m.pattern.replace(/\$/g, "$$$$")})`);
            expect(JSON.stringify(processors["transform/order_ids"])).toContain(
                `http.request.header.${run.config.orderIdHeader}`,
            );
            expect(obj(obj(cfg.exporters).load_balancing).resolver).toEqual({
                k8s: { service: `otel-gateway.${run.config.namespace}`, ports: [4317] },
            });
        });

        it("runs the gateway as a StatefulSet behind a headless Service with the stack's replicas and PDB", () => {
            const sts = find(run.sim.resources, "kubernetes:apps/v1:StatefulSet", "otel-gateway");
            const spec = obj(sts.inputs.spec);
            expect(spec.replicas).toBe(run.config.collector.gateway.replicas);
            expect(spec.serviceName).toBe("otel-gateway");
            expect(list(spec.volumeClaimTemplates)[0]).toMatchObject({
                spec: { resources: { requests: { storage: `${run.config.collector.gateway.queueStorageGi}Gi` } } },
            });
            const svc = find(run.sim.resources, "kubernetes:core/v1:Service", "otel-gateway");
            expect(obj(svc.inputs.spec).clusterIP).toBe("None");
            const pdb = find(run.sim.resources, "kubernetes:policy/v1:PodDisruptionBudget", "otel-gateway");
            expect(obj(pdb.inputs.spec)).toMatchObject({ maxUnavailable: 1 });
        });

        it("gives a stopping gateway the grace period its shutdown flush was measured against", () => {
            const sts = find(run.sim.resources, "kubernetes:apps/v1:StatefulSet", "otel-gateway");
            expect(podSpec(sts).terminationGracePeriodSeconds).toBe(gatewayTerminationGraceSeconds);
            const cfg = configMapYaml(find(run.sim.resources, "kubernetes:core/v1:ConfigMap", "otel-gateway"));
            expect(obj(obj(cfg.processors).tail_sampling).drop_pending_traces_on_shutdown).toBe(false);
        });

        it("renders the gateway's tail sampling from the stack's sampling settings", () => {
            const cfg = configMapYaml(find(run.sim.resources, "kubernetes:core/v1:ConfigMap", "otel-gateway"));
            const tail = obj(obj(cfg.processors).tail_sampling) as unknown as TailSamplingConfig;
            const s = run.config.sampling;
            expect(tail.policies).toContainEqual({
                name: "keep-share",
                type: "probabilistic",
                probabilistic: { sampling_percentage: s.percent },
            });
            expect(tail.policies).toContainEqual({
                name: "keep-slow",
                type: "latency",
                latency: { threshold_ms: s.slowTraceMs },
            });
            expect(tail.policies.some((p) => p.type === "status_code")).toBe(s.keepErrors);
        });

        it("pins every image to a version tag", () => {
            for (const r of run.sim.resources) {
                for (const c of [...list(podSpec(r).containers), ...list(podSpec(r).initContainers)]) {
                    expect(String(c.image)).toMatch(/:[v]?\d+\.\d+\.\d+$/);
                }
            }
        });

        it("keeps the rendered collector configs in the ConfigMaps, as YAML with a traces pipeline", () => {
            for (const name of ["otel-agent", "otel-gateway"]) {
                const cm = find(run.sim.resources, "kubernetes:core/v1:ConfigMap", name);
                const text = obj(cm.inputs.data)["config.yaml"];
                expect(typeof text).toBe("string");
                const pipelines = obj(obj(obj(parse(String(text))).service).pipelines);
                expect(obj(pipelines.traces).receivers).toEqual(expect.arrayContaining([expect.any(String)]));
                expect(obj(pipelines.traces).exporters).toEqual(expect.arrayContaining([expect.any(String)]));
            }
        });
    });
    return () => run;
}
