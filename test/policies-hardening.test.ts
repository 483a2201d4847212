import { defaultConfig } from "../policies/config";
import type { PolicyInput } from "../policies/resource-view";
import {
    instrumentationAgentsPinned,
    networkPolicyCoverage,
    platformPodsRestricted,
    workloadHardening,
} from "../policies/rules/hardening";

/*
 * The hardening rules judged directly on small inputs: each field of Pod Security restricted and
 * where it may be set (pod or container), what counts as a pinned image, which workloads need probes,
 * what a default-deny NetworkPolicy is, and each message in full. The stack variants break one thing
 * each on a whole stack; these reach the edges of hardening.ts they do not.
 */

type Json = Record<string, unknown>;

const partOf = { "app.kubernetes.io/part-of": "tracing-platform" };

/** A workload of the given kind around a pod spec, labelled as ours unless told otherwise. */
function workload(
    kind: string,
    pod: Json,
    opts: { labels?: Json; podLabels?: Json; namespace?: string } = {},
): PolicyInput {
    const template = { metadata: { labels: opts.podLabels ?? {} }, spec: pod };
    const spec = kind === "Pod" ? pod : kind === "CronJob" ? { jobTemplate: { spec: { template } } } : { template };
    const group = kind === "Pod" ? "core/v1" : kind === "Job" || kind === "CronJob" ? "batch/v1" : "apps/v1";
    return {
        type: `kubernetes:${group}:${kind}`,
        name: "res",
        props: {
            metadata: { name: "app", namespace: opts.namespace ?? "tracing", labels: opts.labels ?? partOf },
            spec,
        },
    };
}

const restricted: Json = {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

const container = (sec: Json = restricted, more: Json = {}): Json => ({ name: "api", securityContext: sec, ...more });

describe("platform-pods-restricted", () => {
    const judge = (r: PolicyInput): string[] => platformPodsRestricted.validateResource(r, defaultConfig);
    const pod = (spec: Json): string[] => judge(workload("Deployment", spec));
    const withSec = (sec: Json, podSec: Json = {}): string[] =>
        pod({ securityContext: podSec, containers: [container(sec)] });
    const without = (key: string): Json => Object.fromEntries(Object.entries(restricted).filter(([k]) => k !== key));
    const msg = {
        nonRoot:
            "app/api: securityContext.runAsNonRoot must be true (in the pod's or the container's securityContext).",
        root: "app/api: securityContext.runAsUser must not be 0 (root).",
        privileged: "app/api: securityContext.privileged must not be true.",
        escalation: "app/api: securityContext.allowPrivilegeEscalation must be false.",
        drop: "app/api: securityContext.capabilities.drop must include ALL.",
        seccomp:
            "app/api: securityContext.seccompProfile.type must be RuntimeDefault (in the pod's or the container's securityContext).",
    };

    it("is mandatory, judged per resource, and reads no setting", () => {
        expect([
            platformPodsRestricted.name,
            platformPodsRestricted.kind,
            platformPodsRestricted.enforcementLevel,
        ]).toStrictEqual(["platform-pods-restricted", "resource", "mandatory"]);
        expect(platformPodsRestricted.config).toBeUndefined();
        expect(platformPodsRestricted.description).toMatch(/^Every pod .+\.$/);
    });

    it("passes a restricted container", () => {
        expect(withSec(restricted)).toStrictEqual([]);
    });

    it("names every field of a container without a security context, in order", () => {
        expect(pod({ containers: [{ name: "api" }] })).toStrictEqual([
            msg.nonRoot,
            msg.escalation,
            msg.drop,
            msg.seccomp,
        ]);
    });

    it.each(["Pod", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"])(
        "reads the pod spec of a %s",
        (kind) => {
            expect(
                judge(workload(kind, { containers: [container(without("allowPrivilegeEscalation"))] })),
            ).toStrictEqual([msg.escalation]);
        },
    );

    it("judges init containers as well as containers", () => {
        expect(
            pod({
                initContainers: [{ ...container(without("capabilities")), name: "init" }],
                containers: [container()],
            }),
        ).toStrictEqual(["app/init: securityContext.capabilities.drop must include ALL."]);
    });

    it.each([
        [
            "labelled on its pod template",
            workload("Deployment", { containers: [{ name: "api" }] }, { labels: {}, podLabels: partOf }),
        ],
        [
            "a CronJob labelled on its job's pod template",
            workload("CronJob", { containers: [{ name: "api" }] }, { labels: {}, podLabels: partOf }),
        ],
    ])("counts a workload %s as ours", (_what, r) => {
        expect(judge(r)).toStrictEqual([msg.nonRoot, msg.escalation, msg.drop, msg.seccomp]);
    });

    it.each([
        [
            "a workload of another project",
            workload(
                "Deployment",
                { containers: [{ name: "api" }] },
                { labels: { "app.kubernetes.io/part-of": "shop" } },
            ),
        ],
        ["an unlabelled workload", workload("Deployment", { containers: [{ name: "api" }] }, { labels: {} })],
        [
            "a labelled Service",
            {
                type: "kubernetes:core/v1:Service",
                name: "svc",
                props: { metadata: { labels: partOf }, spec: { containers: [{ name: "api" }] } },
            },
        ],
    ])("leaves %s alone", (_what, r) => {
        expect(judge(r)).toStrictEqual([]);
    });

    describe("the pod", () => {
        it.each(["hostPID", "hostIPC"])("refuses %s", (field) => {
            expect(pod({ [field]: true, containers: [container()] })).toStrictEqual([
                `app: spec.${field} must be unset or false (Pod Security restricted).`,
            ]);
        });

        it("accepts host namespaces set to false, or to anything but true", () => {
            expect(pod({ hostPID: false, hostIPC: "true", containers: [container()] })).toStrictEqual([]);
        });

        it("refuses a pod running as root", () => {
            expect(pod({ securityContext: { runAsUser: 0 }, containers: [container()] })).toStrictEqual([
                "app: spec.securityContext.runAsUser must not be 0 (root).",
            ]);
            expect(pod({ securityContext: { runAsUser: 1000 }, containers: [container()] })).toStrictEqual([]);
        });

        it("refuses volume types outside restricted, naming the volume and the allowed ones", () => {
            expect(
                pod({
                    volumes: [
                        { name: "logs", hostPath: { path: "/var/log" } },
                        { name: "data", nfs: { server: "nas" } },
                    ],
                    containers: [container()],
                }),
            ).toStrictEqual([
                "app: volume logs is of type hostPath; Pod Security restricted admits configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret.",
                "app: volume data is of type nfs; Pod Security restricted admits configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret.",
            ]);
        });

        it("accepts each volume type restricted admits, and a volume with a name only", () => {
            const volumes = [
                { name: "a", configMap: { name: "c" } },
                { csi: { driver: "d" }, name: "b" },
                { name: "c", downwardAPI: {} },
                { name: "d", emptyDir: {} },
                { name: "e", ephemeral: {} },
                { name: "f", persistentVolumeClaim: { claimName: "p" } },
                { name: "g", projected: {} },
                { name: "h", secret: { secretName: "s" } },
                { name: "i" },
            ];
            expect(pod({ volumes, containers: [container()] })).toStrictEqual([]);
        });
    });

    describe("runAsNonRoot", () => {
        it("is met by the pod's security context", () => {
            expect(withSec(without("runAsNonRoot"), { runAsNonRoot: true })).toStrictEqual([]);
        });

        it("is not met when the container sets it false over the pod's true", () => {
            expect(withSec({ ...restricted, runAsNonRoot: false }, { runAsNonRoot: true })).toStrictEqual([
                msg.nonRoot,
            ]);
        });

        it("is not met by a value other than true", () => {
            expect(withSec({ ...restricted, runAsNonRoot: "true" })).toStrictEqual([msg.nonRoot]);
        });

        const podFalse = "app: spec.securityContext.runAsNonRoot must be true or unset, not false.";

        it("is refused false on the pod even when the container sets it true, as admission does", () => {
            expect(withSec(restricted, { runAsNonRoot: false })).toStrictEqual([podFalse]);
        });

        it("is refused false on the pod, and not met by a container that leaves it to the pod", () => {
            expect(withSec(without("runAsNonRoot"), { runAsNonRoot: false })).toStrictEqual([podFalse, msg.nonRoot]);
        });

        it("is refused on the pod as any value but true, named as written", () => {
            expect(withSec(restricted, { runAsNonRoot: "true" })).toStrictEqual([
                'app: spec.securityContext.runAsNonRoot must be true or unset, not "true".',
            ]);
        });

        it("may be left unset (or null) on the pod when the container sets it true", () => {
            expect(withSec(restricted, { runAsNonRoot: null })).toStrictEqual([]);
        });
    });

    it.each([
        ["running as root", { runAsUser: 0 }, [msg.root]],
        ["privileged", { privileged: true }, [msg.privileged]],
        ["escalating privileges", { allowPrivilegeEscalation: true }, [msg.escalation]],
        ["dropping some capabilities only", { capabilities: { drop: ["NET_RAW"] } }, [msg.drop]],
        ["dropping ALL written as text, not a list", { capabilities: { drop: "ALL" } }, [msg.drop]],
        [
            "adding capabilities beside NET_BIND_SERVICE",
            { capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE", "SYS_ADMIN", "NET_RAW"] } },
            ["app/api: securityContext.capabilities.add may hold NET_BIND_SERVICE only, not SYS_ADMIN, NET_RAW."],
        ],
        [
            "adding one capability",
            { capabilities: { drop: ["ALL"], add: ["SYS_PTRACE"] } },
            ["app/api: securityContext.capabilities.add may hold NET_BIND_SERVICE only, not SYS_PTRACE."],
        ],
        ["an Unconfined seccomp profile", { seccompProfile: { type: "Unconfined" } }, [msg.seccomp]],
    ])("refuses a container %s", (_what, change, expected) => {
        expect(withSec({ ...restricted, ...change })).toStrictEqual(expected);
    });

    it.each([
        ["a non-root user", { runAsUser: 1000 }],
        ["privileged set false", { privileged: false }],
        ["NET_BIND_SERVICE added", { capabilities: { drop: ["NET_RAW", "ALL"], add: ["NET_BIND_SERVICE"] } }],
        ["a Localhost seccomp profile", { seccompProfile: { type: "Localhost", localhostProfile: "p.json" } }],
    ])("accepts a container with %s", (_what, change) => {
        expect(withSec({ ...restricted, ...change })).toStrictEqual([]);
    });

    describe("the seccomp profile", () => {
        it("is met by the pod's security context", () => {
            expect(withSec(without("seccompProfile"), { seccompProfile: { type: "RuntimeDefault" } })).toStrictEqual(
                [],
            );
        });

        it("is the container's when both set one", () => {
            expect(
                withSec(
                    { ...restricted, seccompProfile: { type: "Unconfined" } },
                    { seccompProfile: { type: "RuntimeDefault" } },
                ),
            ).toStrictEqual([msg.seccomp]);
        });

        const podType = (type: string): string =>
            `app: spec.securityContext.seccompProfile.type must be RuntimeDefault or Localhost, not ${type}.`;

        it("is refused Unconfined on the pod even when the container sets RuntimeDefault, as admission does", () => {
            expect(withSec(restricted, { seccompProfile: { type: "Unconfined" } })).toStrictEqual([
                podType("Unconfined"),
            ]);
        });

        it("is refused Unconfined on the pod, and not met by a container that leaves it to the pod", () => {
            expect(withSec(without("seccompProfile"), { seccompProfile: { type: "Unconfined" } })).toStrictEqual([
                podType("Unconfined"),
                msg.seccomp,
            ]);
        });

        it("is refused on the pod as a profile without a type", () => {
            expect(withSec(restricted, { seccompProfile: {} })).toStrictEqual([podType("unset")]);
        });

        it("is met by a Localhost profile on the pod", () => {
            expect(
                withSec(without("seccompProfile"), {
                    seccompProfile: { type: "Localhost", localhostProfile: "p.json" },
                }),
            ).toStrictEqual([]);
        });
    });
});

describe("workload-hardening", () => {
    const judge = (r: PolicyInput): string[] => workloadHardening.validateResource(r, defaultConfig);
    const probes = { livenessProbe: { httpGet: { path: "/" } }, readinessProbe: { httpGet: { path: "/" } } };
    const resources = { requests: { cpu: "100m" }, limits: { memory: "128Mi" } };
    const good: Json = { name: "api", image: "jaeger:1.57", resources, ...probes };
    const deployment = (...containers: Json[]): PolicyInput => workload("Deployment", { containers });
    const msg = {
        resources: "app/api: set resources.requests.cpu and resources.limits.memory.",
        cpu: "app/api: set resources.requests.cpu.",
        memory: "app/api: set resources.limits.memory.",
        probes: "app/api: add liveness and readiness probes.",
        pin: (image: string) => `app/api: pin the image to a version tag or digest instead of ${image}.`,
    };

    it("is advisory, judged per resource, and reads no setting", () => {
        expect([workloadHardening.name, workloadHardening.kind, workloadHardening.enforcementLevel]).toStrictEqual([
            "workload-hardening",
            "resource",
            "advisory",
        ]);
        expect(workloadHardening.config).toBeUndefined();
        expect(workloadHardening.description).toMatch(/^Every container .+\.$/);
    });

    it("passes a container with resources, probes and a pinned image", () => {
        expect(judge(deployment(good))).toStrictEqual([]);
    });

    it("names each missing piece of a bare container, in order", () => {
        expect(judge(deployment({ name: "api", image: "jaeger" }))).toStrictEqual([
            msg.resources,
            msg.probes,
            msg.pin("jaeger"),
        ]);
    });

    it.each([
        ["no memory limit", { requests: { cpu: "100m" }, limits: { cpu: "1" } }, msg.memory],
        ["a null memory limit", { requests: { cpu: "100m" }, limits: { memory: null } }, msg.memory],
        ["no limits", { requests: { cpu: "100m", memory: "64Mi" } }, msg.memory],
        ["no CPU request", { requests: { memory: "64Mi" }, limits: { memory: "128Mi" } }, msg.cpu],
        ["no requests", { limits: { memory: "128Mi" } }, msg.cpu],
        [
            "a CPU limit and a memory request only",
            { requests: { memory: "64Mi" }, limits: { cpu: "1" } },
            msg.resources,
        ],
    ])("asks for the missing resources with %s, naming them", (_what, res, expected) => {
        expect(judge(deployment({ ...good, resources: res }))).toStrictEqual([expected]);
    });

    it.each([
        ["no liveness probe", { readinessProbe: {} }],
        ["no readiness probe", { livenessProbe: {} }],
    ])("asks for probes with %s", (_what, p) => {
        const { livenessProbe: _l, readinessProbe: _r, ...rest } = good;
        expect(judge(deployment({ ...rest, ...p }))).toStrictEqual([msg.probes]);
    });

    it.each(["Pod", "StatefulSet", "DaemonSet", "ReplicaSet"])("asks a %s for probes", (kind) => {
        const { livenessProbe: _l, ...rest } = good;
        expect(judge(workload(kind, { containers: [rest] }))).toStrictEqual([msg.probes]);
    });

    it.each(["Job", "CronJob"])("asks a %s, which runs to completion, for no probes", (kind) => {
        expect(judge(workload(kind, { containers: [{ name: "api", image: "jaeger:1.57", resources }] }))).toStrictEqual(
            [],
        );
    });

    it("asks init containers for resources and a pinned image but not for probes", () => {
        const init = { name: "init", image: "busybox" };
        const { livenessProbe: _l, ...unprobed } = good;
        expect(judge(workload("Deployment", { initContainers: [init], containers: [unprobed] }))).toStrictEqual([
            "app/init: set resources.requests.cpu and resources.limits.memory.",
            "app/init: pin the image to a version tag or digest instead of busybox.",
            msg.probes,
        ]);
    });

    it.each([
        "jaeger:1.57",
        "jaeger:v1.57.0-alpine",
        "registry:5000/jaeger:1.57",
        "jaeger@sha256:0123abcd",
        "jaeger:latest@sha256:0123abcd",
    ])("takes %s as pinned", (image) => {
        expect(judge(deployment({ ...good, image }))).toStrictEqual([]);
    });

    it.each(["jaeger", "jaeger:latest", "registry:5000/jaeger", "jaeger:", "undefined"])("asks to pin %s", (image) => {
        expect(judge(deployment({ ...good, image }))).toStrictEqual([msg.pin(image)]);
    });

    it("asks to pin a container without an image", () => {
        const { image: _i, ...rest } = good;
        expect(judge(deployment(rest))).toStrictEqual([msg.pin("undefined")]);
    });

    it("judges any workload, not only the platform's, and nothing else", () => {
        expect(judge(workload("Deployment", { containers: [{ ...good, image: "x" }] }, { labels: {} }))).toStrictEqual([
            msg.pin("x"),
        ]);
        const svc: PolicyInput = {
            type: "kubernetes:core/v1:Service",
            name: "s",
            props: { spec: { containers: [{ name: "x" }] } },
        };
        expect(judge(svc)).toStrictEqual([]);
    });
});

describe("instrumentation-agents-pinned", () => {
    const judge = (r: PolicyInput): string[] => instrumentationAgentsPinned.validateResource(r, defaultConfig);
    const languages = ["java", "nodejs", "python", "dotnet", "go"];
    const instrumentation = (
        spec: Json,
        type = "kubernetes:opentelemetry.io/v1alpha1:Instrumentation",
    ): PolicyInput => ({
        type,
        name: "res",
        props: { metadata: { name: "agents" }, spec },
    });
    const pinnedAll = Object.fromEntries(languages.map((l) => [l, { image: `ghcr.io/otel/${l}:1.0.0` }]));
    const unset = (language: string): string =>
        `agents: set spec.${language}.image to a pinned agent image; without it the Operator injects whatever its release defaults to.`;
    const pin = (language: string, image: string): string =>
        `agents: pin spec.${language}.image to a version tag or digest instead of ${image}.`;

    it("is advisory, judged per resource, and reads no setting", () => {
        expect([
            instrumentationAgentsPinned.name,
            instrumentationAgentsPinned.kind,
            instrumentationAgentsPinned.enforcementLevel,
        ]).toStrictEqual(["instrumentation-agents-pinned", "resource", "advisory"]);
        expect(instrumentationAgentsPinned.config).toBeUndefined();
        expect(instrumentationAgentsPinned.description).toMatch(/^Every Instrumentation .+\.$/);
    });

    it("passes an Instrumentation pinning every agent", () => {
        expect(judge(instrumentation(pinnedAll))).toStrictEqual([]);
    });

    it("asks for every language's image when none is set, in order", () => {
        expect(judge(instrumentation({}))).toStrictEqual(languages.map(unset));
    });

    it("asks for an image set to null as for one not set", () => {
        expect(judge(instrumentation({ ...pinnedAll, nodejs: { image: null } }))).toStrictEqual([unset("nodejs")]);
    });

    it("names an unpinned agent image", () => {
        expect(judge(instrumentation({ ...pinnedAll, python: { image: "ghcr.io/otel/python:latest" } }))).toStrictEqual(
            [pin("python", "ghcr.io/otel/python:latest")],
        );
    });

    it("names an image that is not text, as written", () => {
        expect(
            judge(instrumentation({ ...pinnedAll, go: { image: 17 }, dotnet: { image: { tag: "1.0" } } })),
        ).toStrictEqual([pin("dotnet", '{"tag":"1.0"}'), pin("go", "17")]);
    });

    it("refuses an image that is not text even when it reads like a pinned one", () => {
        expect(judge(instrumentation({ ...pinnedAll, java: { image: ["ghcr.io/otel/java:1.0.0"] } }))).toStrictEqual([
            pin("java", '["ghcr.io/otel/java:1.0.0"]'),
        ]);
    });

    it("leaves other kinds alone", () => {
        expect(judge(instrumentation({}, "kubernetes:core/v1:ConfigMap"))).toStrictEqual([]);
    });
});

describe("network-policy-coverage", () => {
    const check = (rs: PolicyInput[]) => networkPolicyCoverage.validateStack(rs, defaultConfig);
    const app = (name: string, namespace = "tracing", labels: Json = partOf): PolicyInput => ({
        type: "kubernetes:apps/v1:Deployment",
        name,
        props: {
            metadata: { name, namespace, labels },
            spec: { template: { metadata: { labels: { app: name } }, spec: { containers: [{ name }] } } },
        },
    });
    const np = (name: string, spec: Json, namespace = "tracing"): PolicyInput => ({
        type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        name,
        props: { metadata: { name, namespace }, spec },
    });
    const denyAll: Json = { podSelector: {}, policyTypes: ["Ingress", "Egress"] };
    const deny = (namespace = "tracing"): PolicyInput => np("default-deny", denyAll, namespace);
    const own = (name: string, namespace = "tracing"): PolicyInput =>
        np(name, { podSelector: { matchLabels: { app: name } }, policyTypes: ["Ingress"], ingress: [] }, namespace);
    const noDeny = (ns: string) => ({
        message: `Namespace ${ns} has no default-deny NetworkPolicy. Add one (podSelector {} with Ingress and Egress).`,
    });
    const unselected = (name: string) => ({
        message: `${name} is selected by no NetworkPolicy of its own. Add one that allows only the flows it needs.`,
        resource: { type: "kubernetes:apps/v1:Deployment", name },
    });

    it("is advisory, judged on the whole stack, and reads no setting", () => {
        expect([
            networkPolicyCoverage.name,
            networkPolicyCoverage.kind,
            networkPolicyCoverage.enforcementLevel,
        ]).toStrictEqual(["network-policy-coverage", "stack", "advisory"]);
        expect(networkPolicyCoverage.config).toBeUndefined();
        expect(networkPolicyCoverage.description).toMatch(/^Every namespace .+\.$/);
    });

    it("passes a namespace that denies by default, with a policy for each workload", () => {
        expect(check([app("jaeger"), app("es"), deny(), own("jaeger"), own("es")])).toStrictEqual([]);
    });

    it("names a namespace without a default deny once, whatever its workloads", () => {
        expect(check([app("jaeger"), app("es"), own("jaeger"), own("es")])).toStrictEqual([noDeny("tracing")]);
    });

    it("names each namespace, and a workload without a namespace", () => {
        expect(
            check([app("jaeger", "a"), own("jaeger", "a"), app("es", "b"), own("es", "b"), deny("b")]),
        ).toStrictEqual([noDeny("a")]);
        const bare = app("x");
        bare.props.metadata = { name: "x", labels: partOf };
        expect(check([bare])).toStrictEqual([noDeny("undefined"), unselected("x")]);
    });

    it("does not count a default deny of another namespace", () => {
        expect(check([app("jaeger"), own("jaeger"), deny("monitoring")])).toStrictEqual([noDeny("tracing")]);
    });

    it.each([
        ["selecting some pods", { ...denyAll, podSelector: { matchLabels: { app: "jaeger" } } }],
        [
            "selecting some pods by expression",
            { ...denyAll, podSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["jaeger"] }] } },
        ],
        ["with its rules not as lists", { ...denyAll, ingress: {}, egress: {} }],
        ["for ingress only", { podSelector: {}, policyTypes: ["Ingress"] }],
        ["for egress only", { podSelector: {}, policyTypes: ["Egress"] }],
        ["without policy types", { podSelector: {} }],
        ["with its types as text", { podSelector: {}, policyTypes: "Ingress,Egress" }],
        ["with an ingress rule", { ...denyAll, ingress: [{ from: [{ podSelector: {} }] }] }],
        ["with an egress rule", { ...denyAll, egress: [{ to: [{ podSelector: {} }] }] }],
    ])("does not take a policy %s for a default deny", (_what, spec) => {
        expect(check([app("jaeger"), own("jaeger"), np("almost", spec)])).toStrictEqual([noDeny("tracing")]);
    });

    it.each([
        ["empty rule lists", { ...denyAll, ingress: [], egress: [] }],
        ["an empty ingress list", { ...denyAll, ingress: [] }],
        ["empty selector terms", { ...denyAll, podSelector: { matchLabels: {}, matchExpressions: [] } }],
    ])("takes a deny written with %s for a default deny", (_what, spec) => {
        expect(check([app("jaeger"), own("jaeger"), np("deny", spec)])).toStrictEqual([]);
    });

    it("takes a deny with no pod selector at all as selecting every pod", () => {
        expect(check([app("jaeger"), own("jaeger"), np("deny", { policyTypes: ["Egress", "Ingress"] })])).toStrictEqual(
            [],
        );
    });

    it("names each workload no policy of its own selects", () => {
        expect(check([app("jaeger"), app("es"), deny(), own("jaeger")])).toStrictEqual([unselected("es")]);
    });

    it("does not count a policy of another namespace, nor the default deny, as a workload's own", () => {
        expect(check([app("jaeger"), deny(), own("jaeger", "monitoring")])).toStrictEqual([unselected("jaeger")]);
    });

    it("reads only NetworkPolicies", () => {
        const lookalike: PolicyInput = { ...deny(), type: "kubernetes:example.com/v1:NetworkPolicyTemplate" };
        const ownLookalike: PolicyInput = { ...own("jaeger"), type: "kubernetes:example.com/v1:Firewall" };
        expect(check([app("jaeger"), lookalike, ownLookalike])).toStrictEqual([
            noDeny("tracing"),
            unselected("jaeger"),
        ]);
    });

    it.each([
        ["workloads of other projects", app("shop", "tracing", { "app.kubernetes.io/part-of": "shop" })],
        ["unlabelled workloads", app("shop", "tracing", {})],
        [
            "labelled resources that are not workloads",
            {
                type: "kubernetes:core/v1:ConfigMap",
                name: "c",
                props: { metadata: { name: "c", namespace: "tracing", labels: partOf } },
            },
        ],
    ])("asks nothing of %s", (_what, r) => {
        expect(check([r])).toStrictEqual([]);
    });
});
