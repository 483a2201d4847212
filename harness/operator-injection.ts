import type { EnvVar, InstrumentationSpec } from "../renderers/instrumentation";
import type { SimulatedResource } from "./simulate";
import type { WorkloadLanguage } from "../config/schema";

/**
 * The environment the OpenTelemetry Operator (0.158.0, internal/instrumentation/sdk.go) gives an
 * application container it injects, computed from our rendered `Instrumentation`, so that the e2e
 * stand-ins run with exactly the settings a pod gets and a change to the Instrumentation reaches them.
 *
 * The Operator's order, each step adding a variable only when the container does not set it:
 *   1. the language section's `env` (spec.java.env, spec.nodejs.env, …);
 *   2. OTEL_POD_IP and OTEL_NODE_IP, then the common `spec.env`;
 *   3. the language's own defaults: the agent on JAVA_TOOL_OPTIONS / NODE_OPTIONS (appended to what
 *      the container has), OTEL_METRICS_EXPORTER=otlp for Node.js;
 *   4. OTEL_SERVICE_NAME (the Deployment's name), OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_PROPAGATORS,
 *      OTEL_TRACES_SAMPLER and its argument (only when neither is set), OTEL_RESOURCE_ATTRIBUTES with
 *      the pod's Kubernetes identity.
 * The kubelet's $(VAR) expansion of the pod and node name is done here directly.
 */

/** A workload the stack asks the Operator to inject, read off its DeploymentPatch. */
export interface InjectedWorkload {
    namespace: string;
    /** The Deployment, which names the service. */
    name: string;
    language: WorkloadLanguage;
    /** The Instrumentation it refers to, `<namespace>/<name>`. */
    instrumentation: string;
}

/** Where the agent the Operator copies into the pod lies on this machine (the only part adapted). */
export interface AgentFiles {
    javaAgentJar: string;
    nodeRegister: string;
}

export interface PodIdentity {
    podName: string;
    nodeName: string;
    /** The image tag, which the Operator takes as service.version. */
    imageTag: string;
    /** Loopback in the tests. */
    podIp: string;
}

export const instrumentationKind = "kubernetes:opentelemetry.io/v1alpha1:Instrumentation";

/** The Instrumentation the program rendered, by `<namespace>/<name>`. */
export function renderedInstrumentations(resources: SimulatedResource[]): Map<string, InstrumentationSpec> {
    const found = new Map<string, InstrumentationSpec>();
    for (const r of resources.filter((res) => res.type === instrumentationKind)) {
        const metadata = r.inputs.metadata as { name: string; namespace: string };
        found.set(`${metadata.namespace}/${metadata.name}`, r.inputs.spec as InstrumentationSpec);
    }
    return found;
}

/** The workloads whose pod template carries an `inject-<language>` annotation. */
export function injectedWorkloads(resources: SimulatedResource[]): InjectedWorkload[] {
    return resources
        .filter((r) => r.type === "kubernetes:apps/v1:DeploymentPatch")
        .flatMap((r) => {
            const metadata = r.inputs.metadata as { name: string; namespace: string };
            const template = (r.inputs.spec as { template?: { metadata?: { annotations?: Record<string, string> } } })
                .template;
            return Object.entries(template?.metadata?.annotations ?? {}).flatMap(([key, value]) => {
                const m = /^instrumentation\.opentelemetry\.io\/inject-(java|nodejs|python|dotnet|go)$/.exec(key);
                return m === null
                    ? []
                    : [
                          {
                              namespace: metadata.namespace,
                              name: metadata.name,
                              language: m[1] as WorkloadLanguage,
                              instrumentation: value,
                          },
                      ];
            });
        });
}

/**
 * The injected container's environment. `language` is the agent actually run (a stand-in may run
 * another language's agent than the workload declares); `containerEnv` is the container's own.
 */
export function operatorEnv(
    spec: InstrumentationSpec,
    workload: InjectedWorkload,
    language: "java" | "nodejs",
    pod: PodIdentity,
    files: AgentFiles,
    containerEnv: Record<string, string> = {},
    /** The test's only change: the agent's address on loopback instead of the cluster Service. */
    exporterEndpoint: (endpoint: string) => string = (e) => e,
): Record<string, string> {
    const env: Record<string, string> = { ...containerEnv };
    const setIfAbsent = (name: string, value: string): void => {
        if (!(name in env)) env[name] = value;
    };
    const append = (name: string, value: string): void => {
        env[name] = `${env[name] ?? ""}${value}`;
    };
    const addAll = (vars: EnvVar[] | undefined): void => (vars ?? []).forEach((v) => setIfAbsent(v.name, v.value));

    addAll(spec[language].env);
    setIfAbsent("OTEL_POD_IP", pod.podIp);
    setIfAbsent("OTEL_NODE_IP", pod.podIp);
    addAll(spec.env);
    if (language === "java") append("JAVA_TOOL_OPTIONS", ` -javaagent:${files.javaAgentJar}`);
    if (language === "nodejs") {
        append("NODE_OPTIONS", ` --require ${files.nodeRegister}`);
        setIfAbsent("OTEL_METRICS_EXPORTER", "otlp");
    }
    setIfAbsent("OTEL_SERVICE_NAME", workload.name);
    setIfAbsent("OTEL_EXPORTER_OTLP_ENDPOINT", exporterEndpoint(spec.exporter.endpoint));
    setIfAbsent("OTEL_RESOURCE_ATTRIBUTES_POD_NAME", pod.podName);
    setIfAbsent("OTEL_RESOURCE_ATTRIBUTES_NODE_NAME", pod.nodeName);
    setIfAbsent("OTEL_PROPAGATORS", spec.propagators.join(","));
    if (!("OTEL_TRACES_SAMPLER" in env) && !("OTEL_TRACES_SAMPLER_ARG" in env)) {
        env.OTEL_TRACES_SAMPLER = spec.sampler.type;
        env.OTEL_TRACES_SAMPLER_ARG = spec.sampler.argument;
    }
    const container = workload.name;
    const attributes: Record<string, string> = {
        "k8s.container.name": container,
        "k8s.deployment.name": workload.name,
        "k8s.namespace.name": workload.namespace,
        "k8s.node.name": pod.nodeName,
        "k8s.pod.name": pod.podName,
        "service.instance.id": `${workload.namespace}.${pod.podName}.${container}`,
        "service.namespace": workload.namespace,
        "service.version": pod.imageTag,
    };
    const own = env.OTEL_RESOURCE_ATTRIBUTES;
    const ownKeys = new Set((own ?? "").split(",").map((kv) => kv.split("=")[0]));
    const added = Object.entries(attributes)
        .filter(([k]) => !ownKeys.has(k))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
    env.OTEL_RESOURCE_ATTRIBUTES = own === undefined || own === "" ? added : `${own},${added}`;
    return env;
}
