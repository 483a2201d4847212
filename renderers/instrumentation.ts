import { createHash } from "crypto";
import type { WorkloadLanguage } from "../config/schema";

/** Typed spec of the OpenTelemetry Operator's `Instrumentation` (opentelemetry.io/v1alpha1). */
export interface EnvVar {
    name: string;
    value: string;
}

export interface LanguageSpec {
    /** The agent image the Operator copies into the pod; pinned so an Operator upgrade changes no agent unseen. */
    image: string;
    env?: EnvVar[];
}

export interface InstrumentationSpec {
    exporter: { endpoint: string };
    propagators: ("tracecontext" | "baggage" | "b3" | "b3multi" | "jaeger" | "xray" | "ottrace" | "none")[];
    sampler: { type: "parentbased_traceidratio"; argument: string };
    env: EnvVar[];
    java: LanguageSpec;
    nodejs: LanguageSpec;
    python: LanguageSpec;
    dotnet: LanguageSpec;
    go: LanguageSpec;
}

export interface InstrumentationInput {
    /** OTLP/HTTP endpoint of the node-local collector agent. */
    agentEndpoint: string;
    headPercent: number;
    orderIdHeader: string;
    userIdHeader: string;
    /** Agent image per language (versions.json `autoInstrumentation`). */
    agentImages: Record<WorkloadLanguage, string>;
}

/**
 * Header capture per language agent. Each agent has its own switch; the Node.js and Go agents have
 * none that takes a header list from the environment, so for them the collector reads ids from the
 * messaging and URL attributes the agents do record.
 */
export function headerCaptureEnv(headers: string[]): Record<WorkloadLanguage, EnvVar[]> {
    const list = headers.join(",");
    return {
        java: [
            { name: "OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS", value: list },
            { name: "OTEL_INSTRUMENTATION_HTTP_CLIENT_CAPTURE_REQUEST_HEADERS", value: list },
            { name: "OTEL_INSTRUMENTATION_MESSAGING_EXPERIMENTAL_CAPTURE_HEADERS", value: list },
        ],
        python: [
            { name: "OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_REQUEST", value: list },
            { name: "OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_CLIENT_REQUEST", value: list },
        ],
        dotnet: [
            { name: "OTEL_DOTNET_AUTO_TRACES_ASPNETCORE_INSTRUMENTATION_CAPTURE_REQUEST_HEADERS", value: list },
            { name: "OTEL_DOTNET_AUTO_TRACES_HTTP_INSTRUMENTATION_CAPTURE_REQUEST_HEADERS", value: list },
        ],
        nodejs: [],
        go: [],
    };
}

export function renderInstrumentationSpec(input: InstrumentationInput): InstrumentationSpec {
    const capture = headerCaptureEnv([input.orderIdHeader, input.userIdHeader]);
    const lang = (language: WorkloadLanguage): LanguageSpec => {
        const image = input.agentImages[language];
        return capture[language].length > 0 ? { image, env: capture[language] } : { image };
    };
    return {
        exporter: { endpoint: input.agentEndpoint },
        propagators: ["tracecontext", "baggage"],
        sampler: { type: "parentbased_traceidratio", argument: (input.headPercent / 100).toString() },
        env: [
            // Every agent sends OTLP/HTTP to :4318; Node.js would otherwise pick gRPC in some Operator versions.
            { name: "OTEL_EXPORTER_OTLP_PROTOCOL", value: "http/protobuf" },
            // The node agent takes traces only. The Java agent exports metrics and logs by default and
            // the Operator turns Node.js metrics on: each would be refused (404) and retried by every pod.
            { name: "OTEL_METRICS_EXPORTER", value: "none" },
            { name: "OTEL_LOGS_EXPORTER", value: "none" },
        ],
        java: lang("java"),
        nodejs: lang("nodejs"),
        python: lang("python"),
        dotnet: lang("dotnet"),
        go: lang("go"),
    };
}

/** The pod-template annotations that ask the Operator to inject a language agent. */
export function injectionAnnotations(
    language: WorkloadLanguage,
    instrumentationRef: string,
    containers?: string[],
    goTargetExecutable?: string,
): Record<string, string> {
    const annotations: Record<string, string> = {
        [`instrumentation.opentelemetry.io/inject-${language}`]: instrumentationRef,
    };
    if (containers !== undefined)
        annotations[`instrumentation.opentelemetry.io/${language}-container-names`] = containers.join(",");
    if (goTargetExecutable !== undefined)
        annotations["instrumentation.opentelemetry.io/otel-go-auto-target-exe"] = goTargetExecutable;
    return annotations;
}

/**
 * A pod-template annotation that changes whenever the Instrumentation's settings do. The Operator
 * injects only when a pod starts, so a workload that opts in (tracing:workloads[].restartOnChange)
 * rolls out with the new settings; others pick them up at their next restart.
 */
export function instrumentationChecksum(spec: InstrumentationSpec): Record<string, string> {
    return {
        "tracing-platform/instrumentation-checksum": createHash("sha256")
            .update(canonicalJson(spec))
            .digest("hex")
            .slice(0, 16),
    };
}

/** JSON with every object's keys sorted: the same settings give the same text, however they were built. */
function canonicalJson(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
    if (value !== null && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
        return `{${entries
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
            .join(",")}}`;
    }
    return JSON.stringify(value);
}
