import { parse } from "yaml";
import type { StackRun } from "./program";
import { configMapYaml, find, list, obj, Obj, ofType, podSpecOf as podSpec, strings } from "./resources";
const workloadTypes = [
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:DaemonSet",
    "kubernetes:batch/v1:CronJob",
];

/** Issue 3's promises, checked against a stack's own settings. */
export function describeStorageAndAccess(stack: string, run: () => StackRun): void {
    describe(`stack ${stack}: storage and access`, () => {
        const resources = () => run().sim.resources;
        const config = () => run().config;

        it("runs Jaeger v2 in the stack's layout and points the gateway at its collector", () => {
            const names = ofType(resources(), "kubernetes:apps/v1:Deployment").map((d) =>
                String(obj(d.inputs.metadata).name),
            );
            if (config().jaeger.roles === "combined") expect(names).toContain("jaeger");
            else expect(names).toEqual(expect.arrayContaining(["jaeger-collector", "jaeger-query"]));
            for (const d of ofType(resources(), "kubernetes:apps/v1:Deployment").filter((x) =>
                String(obj(x.inputs.metadata).name).startsWith("jaeger"),
            )) {
                expect(String(list(podSpec(d).containers)[0].image)).toMatch(/^jaegertracing\/jaeger:2\.\d+\.\d+$/);
            }
            const gw = configMapYaml(find(resources(), "kubernetes:core/v1:ConfigMap", "otel-gateway"));
            expect(obj(obj(gw.exporters)["otlp_grpc/jaeger"]).endpoint).toBe(
                `jaeger-collector.${config().namespace}.svc.cluster.local:4317`,
            );
        });

        it("sizes the daily indices for the cluster and never writes a password into Jaeger's config", () => {
            const es = config().elasticsearch;
            for (const cm of ofType(resources(), "kubernetes:core/v1:ConfigMap").filter((c) =>
                String(obj(c.inputs.metadata).name).startsWith("jaeger"),
            )) {
                const text = String(obj(cm.inputs.data)["config.yaml"]);
                const backend = obj(obj(obj(obj(configMapYaml(cm).extensions).jaeger_storage).backends).traces);
                expect(obj(obj(obj(backend.elasticsearch).indices).spans)).toMatchObject({
                    shards: es.shards,
                    replicas: es.replicas,
                });
                expect(text).toContain("password: ${env:ES_PASSWORD}");
            }
        });

        it("runs Elasticsearch with security, TLS from our issuer, generated credentials and the stack's size", () => {
            const es = config().elasticsearch;
            if (es.mode !== "in-cluster") throw new Error("both stacks run Elasticsearch in the cluster");
            const sts = find(resources(), "kubernetes:apps/v1:StatefulSet", "elasticsearch");
            expect(obj(sts.inputs.spec).replicas).toBe(es.nodes);
            expect(list(obj(sts.inputs.spec).volumeClaimTemplates)[0]).toMatchObject({
                spec: { resources: { requests: { storage: `${es.storageGi}Gi` } } },
            });
            const container = list(podSpec(sts).containers)[0];
            const env = Object.fromEntries(list(container.env).map((e) => [String(e.name), e.value ?? e.valueFrom]));
            expect(env).toMatchObject({
                "xpack.security.enabled": "true",
                "xpack.security.http.ssl.enabled": "true",
                "xpack.security.transport.ssl.enabled": "true",
                "node.store.allow_mmap": "false",
            });
            expect(env.ELASTIC_PASSWORD).toEqual({
                secretKeyRef: { name: "elasticsearch-credentials", key: "password" },
            });
            expect(obj(obj(container.resources).limits).memory).toBe(`${es.memoryMiB}Mi`);
            const cert = find(resources(), "kubernetes:cert-manager.io/v1:Certificate", "elasticsearch-tls");
            expect(obj(obj(cert.inputs.spec).issuerRef).name).toBe(run().sim.outputs.certificateIssuer);
            expect(ofType(resources(), "random:index/randomPassword:RandomPassword").map((r) => r.name)).toContain(
                "elasticsearch-password",
            );
            const pdb = ofType(resources(), "kubernetes:policy/v1:PodDisruptionBudget").filter(
                (p) => obj(p.inputs.metadata).name === "elasticsearch",
            );
            expect(pdb).toHaveLength(es.nodes > 1 ? 1 : 0);
        });

        it("gives Jaeger and the cleaner least-privilege Elasticsearch users, never the superuser", () => {
            const secretUser = (name: string): unknown =>
                obj(find(resources(), "kubernetes:core/v1:Secret", name).inputs.stringData).username;
            const credentialsOf = (container: Obj): string =>
                String(
                    obj(obj(list(container.env).find((e) => e.name === "ES_USERNAME")?.valueFrom).secretKeyRef).name,
                );
            const jaegers = ofType(resources(), "kubernetes:apps/v1:Deployment").filter((d) =>
                String(obj(d.inputs.metadata).name).startsWith("jaeger"),
            );
            const users = Object.fromEntries(
                jaegers.map((d) => [
                    String(obj(d.inputs.metadata).name),
                    secretUser(credentialsOf(list(podSpec(d).containers)[0])),
                ]),
            );
            // Each team view's Jaeger logs in as its own user, which reads and writes its view's indices only.
            const viewUsers = Object.fromEntries(
                config().views.map((v) => [`jaeger-${v.name}`, `jaeger-view-${v.name}`]),
            );
            expect(users).toEqual({
                ...(config().jaeger.roles === "combined"
                    ? { jaeger: "jaeger" }
                    : { "jaeger-collector": "jaeger-writer", "jaeger-query": "jaeger-reader" }),
                ...viewUsers,
            });
            const cleaner = list(
                podSpec(find(resources(), "kubernetes:batch/v1:CronJob", "jaeger-es-index-cleaner")).containers,
            )[0];
            expect(secretUser(credentialsOf(cleaner))).toBe("jaeger-index-cleaner");
            // The realm Elasticsearch reads them from: each user, its roles, the roles confined to Jaeger's indices.
            const sts = find(resources(), "kubernetes:apps/v1:StatefulSet", "elasticsearch");
            const mounts = list(list(podSpec(sts).containers)[0].volumeMounts).map((m) => String(m.mountPath));
            expect(mounts).toEqual(
                expect.arrayContaining([
                    "/usr/share/elasticsearch/config/users",
                    "/usr/share/elasticsearch/config/users_roles",
                    "/usr/share/elasticsearch/config/roles.yml",
                ]),
            );
            const realm = obj(find(resources(), "kubernetes:core/v1:Secret", "elasticsearch-realm").inputs.stringData);
            expect(
                String(realm.users)
                    .split("\n")
                    .filter(Boolean)
                    .map((l) => l.split(":")[0])
                    .sort(),
            ).toEqual(
                [
                    "jaeger",
                    "jaeger-index-cleaner",
                    "jaeger-reader",
                    "jaeger-writer",
                    ...Object.values(viewUsers),
                ].sort(),
            );
            expect(String(realm.users)).not.toContain("elastic:");
            const roles = parse(
                String(
                    obj(find(resources(), "kubernetes:core/v1:ConfigMap", "elasticsearch-roles").inputs.data)[
                        "roles.yml"
                    ],
                ),
            ) as Record<string, { indices: { names: string[] }[] }>;
            const prefix = config().elasticsearch.indexPrefix;
            const indicesOf = (role: string): string[] => roles[role].indices.flatMap((i) => i.names);
            const viewIndices = config().views.map((v) => `${prefix}-${v.name}-jaeger-*`);
            for (const role of ["jaeger_writer", "jaeger_reader"])
                expect(indicesOf(role)).toEqual([`${prefix}-jaeger-*`]);
            for (const v of config().views)
                expect(indicesOf(`jaeger_view_${v.name}`)).toEqual([`${prefix}-${v.name}-jaeger-*`]);
            expect(indicesOf("jaeger_index_cleaner")).toEqual([`${prefix}-jaeger-*`, ...viewIndices]);
            expect(Object.keys(roles).sort()).toEqual(
                [
                    "jaeger_index_cleaner",
                    "jaeger_reader",
                    "jaeger_writer",
                    ...config().views.map((v) => `jaeger_view_${v.name}`),
                ].sort(),
            );
        });

        it("enforces retention with the index cleaner: the stack's days, credentials from the Secret, TLS on", () => {
            const cron = find(resources(), "kubernetes:batch/v1:CronJob", "jaeger-es-index-cleaner");
            const spec = obj(cron.inputs.spec);
            expect(spec).toMatchObject({
                concurrencyPolicy: "Forbid",
                successfulJobsHistoryLimit: 3,
                failedJobsHistoryLimit: 3,
            });
            const container = list(podSpec(cron).containers)[0];
            expect(container.args).toEqual([
                String(config().retentionDays),
                "https://elasticsearch.tracing.svc.cluster.local:9200",
            ]);
            const env = list(container.env);
            expect(env).toContainEqual({
                name: "ES_PASSWORD",
                valueFrom: { secretKeyRef: { name: "elasticsearch-jaeger-index-cleaner", key: "password" } },
            });
            expect(env).toContainEqual({ name: "ES_TLS_ENABLED", value: "true" });
            expect(env).toContainEqual({ name: "INDEX_PREFIX", value: config().elasticsearch.indexPrefix });
            expect(obj(container.resources).limits).toBeDefined();
        });

        it("shows the storage budget as a stack output", () => {
            const es = config().elasticsearch;
            if (es.mode !== "in-cluster") throw new Error("both stacks run Elasticsearch in the cluster");
            expect(run().sim.outputs.storageBudget).toMatchObject({
                retentionDays: config().retentionDays,
                pvcGiPerNode: es.storageGi,
                pvcGiTotal: es.storageGi * es.nodes,
            });
        });

        it("puts oauth2-proxy in front of Jaeger query with the stack's IdP, groups and replicas", () => {
            const sso = config().sso;
            const d = find(resources(), "kubernetes:apps/v1:Deployment", "oauth2-proxy");
            expect(obj(d.inputs.spec).replicas).toBe(sso.replicas);
            const container = list(podSpec(d).containers)[0];
            expect(String(container.image)).toMatch(/^quay\.io\/oauth2-proxy\/oauth2-proxy:v7\.15\.([2-9]|\d{2,})$/);
            const args = strings(container.args);
            expect(args).toEqual(
                expect.arrayContaining([
                    `--oidc-issuer-url=${sso.issuerUrl}`,
                    `--upstream=http://jaeger-query.${config().namespace}.svc.cluster.local:16686`,
                ]),
            );
            expect(args.filter((a) => a.startsWith("--allowed-group="))).toEqual(
                sso.allowedGroups.map((g) => `--allowed-group=${g}`),
            );
            expect(args.filter((a) => a.startsWith("--trusted-proxy-ip="))).toEqual(
                config().exposure.proxyRanges.map((r) => `--trusted-proxy-ip=${r}`),
            );
            expect(list(container.env)).toContainEqual({
                name: "OAUTH2_PROXY_COOKIE_SECRET",
                valueFrom: { secretKeyRef: { name: "oauth2-proxy", key: "cookie-secret" } },
            });
            expect(obj(container.livenessProbe)).toMatchObject({ httpGet: { path: "/ping" } });
            expect(obj(container.readinessProbe)).toMatchObject({ httpGet: { path: "/ready" } });
        });

        it("gives oauth2-proxy the IdP's CA from the configured ConfigMap as a mounted file", () => {
            const providerCa = config().sso.providerCa;
            const d = find(resources(), "kubernetes:apps/v1:Deployment", "oauth2-proxy");
            const container = list(podSpec(d).containers)[0];
            const caArg = strings(container.args).find((a) => a.startsWith("--provider-ca-file="));
            if (providerCa === undefined) {
                expect(caArg).toBeUndefined();
                return;
            }
            const volume = list(podSpec(d).volumes).find((v) => obj(v.configMap).name === providerCa.configMap);
            expect(obj(volume?.configMap).items).toEqual([{ key: providerCa.key, path: "ca.crt" }]);
            const mount = list(container.volumeMounts).find((m) => m.name === volume?.name);
            expect(caArg).toBe(`--provider-ca-file=${String(mount?.mountPath)}/ca.crt`);
            expect(mount?.readOnly).toBe(true);
        });

        it("exposes the UI only through an internal Ingress: class, TLS, VPN ranges, oauth2-proxy backend", () => {
            const e = config().exposure;
            const ing = find(resources(), "kubernetes:networking.k8s.io/v1:Ingress", "jaeger-ui");
            // Both stacks sit behind Traefik: a Middleware with the VPN's ranges guards the Ingress.
            expect(e.controller).toBe("traefik");
            const middleware = find(resources(), "kubernetes:traefik.io/v1alpha1:Middleware", "jaeger-ui-vpn-only");
            expect(middleware.inputs.spec).toEqual({ ipAllowList: { sourceRange: e.sourceRanges } });
            expect(obj(obj(ing.inputs.metadata).annotations)["traefik.ingress.kubernetes.io/router.middlewares"]).toBe(
                `${config().namespace}-jaeger-ui-vpn-only@kubernetescrd`,
            );
            const spec = obj(ing.inputs.spec);
            expect(spec.ingressClassName).toBe(e.ingressClassName);
            expect(spec.tls).toEqual([{ hosts: [e.host], secretName: "jaeger-ui-tls" }]);
            const backends = list(spec.rules).flatMap((r) =>
                list(obj(r.http).paths).map((p) => [p.path, obj(obj(p.backend).service).name]),
            );
            // The all view at the root, each team view under its path, every one through its own proxy.
            expect(backends).toEqual([
                ["/", "oauth2-proxy"],
                ...config().views.map((v) => [`/views/${v.name}`, `oauth2-proxy-${v.name}`]),
            ]);
        });

        it("creates no LoadBalancer or NodePort Service and keeps Services ClusterIP", () => {
            for (const svc of ofType(resources(), "kubernetes:core/v1:Service")) {
                expect([undefined, "ClusterIP"]).toContain(obj(svc.inputs.spec).type);
                expect(obj(svc.inputs.spec).externalIPs).toBeUndefined();
            }
        });

        it("isolates the namespace: default deny plus a policy selecting every workload of ours", () => {
            const policies = ofType(resources(), "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((p) =>
                obj(p.inputs.spec),
            );
            expect(policies).toContainEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
            const selected = new Set(
                policies
                    .map((p) => obj(obj(p.podSelector).matchLabels)["app.kubernetes.io/name"])
                    .filter((n) => n !== undefined),
            );
            for (const w of workloadTypes.flatMap((t) => ofType(resources(), t))) {
                if (obj(w.inputs.metadata).namespace !== config().namespace) continue;
                const labels = obj(obj(obj(w.inputs.spec).selector).matchLabels);
                const name =
                    labels["app.kubernetes.io/name"] ?? obj(obj(w.inputs.metadata).labels)["app.kubernetes.io/name"];
                expect(selected).toContain(name);
            }
        });

        it("hardens every container of ours: limits, non-root, no escalation, no capabilities, RuntimeDefault seccomp", () => {
            for (const w of workloadTypes.flatMap((t) => ofType(resources(), t))) {
                const pod = podSpec(w);
                expect(obj(pod.securityContext)).toMatchObject({
                    runAsNonRoot: true,
                    seccompProfile: { type: "RuntimeDefault" },
                });
                // Volumes are re-owned only when their root is not the pod's group yet (large volumes start fast).
                if (obj(pod.securityContext).fsGroup !== undefined)
                    expect(obj(pod.securityContext).fsGroupChangePolicy).toBe("OnRootMismatch");
                for (const c of list(pod.containers)) {
                    expect(obj(obj(c.resources).limits).memory).toBeDefined();
                    expect(obj(obj(c.resources).requests).cpu).toBeDefined();
                    expect(obj(c.securityContext)).toMatchObject({
                        allowPrivilegeEscalation: false,
                        capabilities: { drop: ["ALL"] },
                        runAsNonRoot: true,
                    });
                    if (!w.type.endsWith(":CronJob")) expect(c.readinessProbe).toBeDefined();
                }
            }
        });

        it("gives each team view its own indices, Jaeger, proxy for its groups only, and path", () => {
            const prefix = config().elasticsearch.indexPrefix;
            expect(config().views.map((v) => v.name)).toEqual(["shop", "crm", "mes"]);
            for (const v of config().views) {
                const jaeger = configMapYaml(find(resources(), "kubernetes:core/v1:ConfigMap", `jaeger-${v.name}`));
                const ext = obj(jaeger.extensions);
                const es = obj(obj(obj(obj(ext.jaeger_storage).backends).traces).elasticsearch);
                expect(obj(es.indices).index_prefix).toBe(`${prefix}-${v.name}`);
                expect(obj(ext.jaeger_query).base_path).toBe(`/views/${v.name}`);
                // No Monitor tab: the span metrics in Prometheus answer for every service.
                expect(obj(ext.jaeger_query).storage).toEqual({ traces: "traces" });
                const proxy = list(
                    podSpec(find(resources(), "kubernetes:apps/v1:Deployment", `oauth2-proxy-${v.name}`)).containers,
                )[0];
                const args = strings(proxy.args);
                expect(args.filter((a) => a.startsWith("--allowed-group="))).toEqual(
                    v.groups.map((g) => `--allowed-group=${g}`),
                );
                expect(args).toContain(
                    `--upstream=http://jaeger-${v.name}-query.${config().namespace}.svc.cluster.local:16686`,
                );
                expect(args).toContain(
                    `--redirect-url=https://${config().exposure.host}/views/${v.name}/oauth2/callback`,
                );
            }
            const gw = configMapYaml(find(resources(), "kubernetes:core/v1:ConfigMap", "otel-gateway"));
            expect(Object.keys(obj(obj(gw.service).pipelines)).filter((p) => p.startsWith("traces/view-"))).toEqual(
                config().views.map((v) => `traces/view-${v.name}`),
            );
            const cleaner = find(resources(), "kubernetes:batch/v1:CronJob", "jaeger-es-index-cleaner");
            expect(
                list(podSpec(cleaner).containers).map((c) => list(c.env).find((e) => e.name === "INDEX_PREFIX")?.value),
            ).toEqual([prefix, ...config().views.map((v) => `${prefix}-${v.name}`)]);
            expect(run().sim.outputs.storageBudget).toMatchObject({ copiesPerSpan: 2 });
        });

        it("provisions a Jaeger data source per view in Grafana's namespace, each in its team's organisation", () => {
            const m = config().monitoring;
            expect(m.grafanaDatasources).toBe(true);
            const ns = config().namespace;
            const sources = ofType(resources(), "kubernetes:core/v1:ConfigMap")
                .filter((c) => obj(obj(c.inputs.metadata).labels).grafana_datasource === "1")
                .map((c) => {
                    expect(obj(c.inputs.metadata).namespace).toBe(m.grafanaDashboardNamespace);
                    const data = Object.values(obj(c.inputs.data)).map((t) => parse(String(t)) as Obj);
                    return list(data[0].datasources)[0];
                });
            expect(sources.map((d) => [d.name, d.orgId, d.url, d.type])).toEqual([
                ["Jaeger", m.grafanaOrgId, `http://jaeger-query.${ns}.svc.cluster.local:16686`, "jaeger"],
                ...config().views.map((v) => [
                    `Jaeger (${v.name})`,
                    v.grafanaOrgId,
                    `http://jaeger-${v.name}-query.${ns}.svc.cluster.local:16686/views/${v.name}`,
                    "jaeger",
                ]),
            ]);
        });
    });
}
