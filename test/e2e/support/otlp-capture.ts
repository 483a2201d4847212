import { createServer, Server } from "http";
import { Collector, loopback, startCollector } from "../../../harness/pipeline";
import { freePort } from "../../../harness/processes";

/** OTLP/JSON as the collector's otlp_http exporter writes it (and as a test sends it). */
export interface OtlpValue {
    stringValue?: string;
    intValue?: string | number;
    boolValue?: boolean;
    arrayValue?: { values?: OtlpValue[] };
}
export interface OtlpAttribute {
    key: string;
    value: OtlpValue;
}
export interface OtlpSpan {
    traceId: string;
    spanId: string;
    parentSpanId?: string;
    name: string;
    kind: number;
    startTimeUnixNano: string;
    endTimeUnixNano: string;
    attributes?: OtlpAttribute[];
    events?: { timeUnixNano: string; name: string; attributes?: OtlpAttribute[] }[];
    links?: { traceId: string; spanId: string; attributes?: OtlpAttribute[] }[];
    status?: { code?: number; message?: string };
}
export interface OtlpRequest {
    resourceSpans: {
        resource: { attributes: OtlpAttribute[] };
        scopeSpans: { scope: { name: string; attributes?: OtlpAttribute[] }; spans: OtlpSpan[] }[];
    }[];
}

/** The exporter's output: every span with its resource and scope. */
export interface Captured {
    span: OtlpSpan;
    resource: OtlpAttribute[];
    scope: { name: string; attributes?: OtlpAttribute[] };
}

export interface OtlpCapture {
    /** OTLP/gRPC port of the relay collector to export to. */
    grpcPort: number;
    spans(): Captured[];
    relay: Collector;
    close(): void;
}

/**
 * What a collector exports, exactly: a relay collector (OTLP/gRPC in, OTLP/HTTP JSON out, nothing
 * in between) posting to an HTTP server in this process. Jaeger's model keeps less than OTLP
 * carries (no scope or link attributes), so the agent's output is read here too.
 */
export async function startOtlpCapture(name: string): Promise<OtlpCapture> {
    const received: OtlpRequest[] = [];
    const port = await freePort();
    const server: Server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            received.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as OtlpRequest);
            res.writeHead(200, { "content-type": "application/json" }).end("{}");
        });
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    const listen = await loopback();
    const yaml = [
        "receivers:",
        "  otlp:",
        "    protocols:",
        `      grpc: { endpoint: "${listen.host}:${listen.otlpGrpcPort}" }`,
        "exporters:",
        `  otlp_http: { endpoint: "http://127.0.0.1:${port}", encoding: json, compression: none, retry_on_failure: { enabled: false } }`,
        "extensions:",
        `  health_check: { endpoint: "${listen.host}:${listen.healthPort}" }`,
        "service:",
        "  extensions: [health_check]",
        "  pipelines:",
        "    traces: { receivers: [otlp], exporters: [otlp_http] }",
        "  telemetry:",
        "    metrics:",
        `      readers: [{ pull: { exporter: { prometheus: { host: "${listen.host}", port: ${listen.metricsPort} } } } }]`,
        "",
    ].join("\n");
    const relay = await startCollector(name, yaml, listen);
    return {
        grpcPort: listen.otlpGrpcPort,
        relay,
        spans: () =>
            received.flatMap((r) =>
                r.resourceSpans.flatMap((rs) =>
                    rs.scopeSpans.flatMap((ss) =>
                        ss.spans.map((span) => ({ span, resource: rs.resource.attributes, scope: ss.scope })),
                    ),
                ),
            ),
        close: () => server.close(),
    };
}

/** Posts an OTLP/JSON request to a collector's OTLP/HTTP receiver, as an SDK's exporter does. */
export async function sendOtlp(collector: Collector, request: OtlpRequest): Promise<void> {
    const res = await fetch(`http://127.0.0.1:${collector.listen.otlpHttpPort}/v1/traces`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(request),
    });
    if (!res.ok)
        throw new Error(`OTLP export to ${collector.listen.otlpHttpPort}: HTTP ${res.status} ${await res.text()}`);
}

export const str = (key: string, value: string): OtlpAttribute => ({ key, value: { stringValue: value } });
export const strs = (key: string, values: string[]): OtlpAttribute => ({
    key,
    value: { arrayValue: { values: values.map((v) => ({ stringValue: v })) } },
});

/** An attribute's value as text: strings as they are, anything else as JSON. */
export function attr(attributes: OtlpAttribute[] | undefined, key: string): string | undefined {
    const v = attributes?.find((a) => a.key === key)?.value;
    if (v === undefined) return undefined;
    return v.stringValue ?? JSON.stringify(v);
}
