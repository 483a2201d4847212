import { spawn } from "child_process";
import { createServer, Socket } from "net";
import { Collector, Jaeger, startAgent, startGateway, startJaeger } from "../test/e2e/support/pipeline";
import { freePort, sleep, start, stop } from "../test/e2e/support/processes";
import { tools } from "../test/e2e/support/tools";
import { servicesDir } from "../test/e2e/support/stand-ins";
import { median } from "./metrics";
import { dev, startBare } from "./throughput";

/** A TCP relay that counts the bytes clients send. */
async function countingRelay(targetPort: number): Promise<{ port: number; bytes: () => number; close: () => void }> {
    let bytes = 0;
    const port = await freePort();
    const server = createServer((client) => {
        const upstream = new Socket();
        upstream.connect(targetPort, "127.0.0.1");
        client.on("data", (d) => {
            bytes += d.length;
            upstream.write(d);
        });
        upstream.on("data", (d) => client.write(d));
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
        client.on("error", () => upstream.destroy());
        upstream.on("error", () => client.destroy());
    });
    await new Promise<void>((r) => server.listen(port, "127.0.0.1", () => r()));
    return { port, bytes: () => bytes, close: () => server.close() };
}

export interface WireSize {
    spans: number;
    otlpBytesPerSpan: number;
    storedJsonBytesPerSpan: number;
}

/** Bytes per span as telemetrygen sends OTLP/gRPC, and as Jaeger returns the stored span (its JSON model). */
export async function wireSize(): Promise<WireSize> {
    const jaeger: Jaeger = await startJaeger("wire-jaeger");
    const gateway: Collector = await startGateway("wire-gateway", { ...dev.sampling, percent: 100 }, jaeger.otlpGrpc);
    const agent = await startAgent("wire-agent", dev, gateway.listen.otlpGrpcPort);
    const relay = await countingRelay(agent.listen.otlpGrpcPort);
    const traces = 2000;
    const service = `wire-${Date.now().toString(36)}`;
    await new Promise<void>((resolve) => {
        const child = spawn(tools.telemetrygen(), ["traces", "--otlp-endpoint", `127.0.0.1:${relay.port}`, "--otlp-insecure", "--traces", String(traces), "--child-spans", "1", "--rate", "1000", "--service", service], { stdio: "ignore" });
        child.on("exit", () => resolve());
    });
    const spans = traces * 2;
    const otlpBytesPerSpan = relay.bytes() / spans;
    relay.close();
    await sleep((dev.sampling.decisionWaitSeconds + 5) * 1000);
    const res = await fetch(`${jaeger.queryUrl}/api/traces?${new URLSearchParams({ service, limit: "50000", lookback: "1h" }).toString()}`);
    const body = (await res.json()) as { data: { spans: unknown[] }[] };
    const stored = body.data.flatMap((t) => t.spans);
    const storedJsonBytesPerSpan = stored.reduce((n: number, s) => n + JSON.stringify(s).length, 0) / Math.max(stored.length, 1);
    for (const c of [agent.process, gateway.process, jaeger.process]) await stop(c);
    return { spans, otlpBytesPerSpan: Math.round(otlpBytesPerSpan), storedJsonBytesPerSpan: Math.round(storedJsonBytesPerSpan) };
}

export interface Overhead {
    variant: string;
    requestsPerSecond: number;
    p50Ms: number;
    p99Ms: number;
}

/** The 3D-storage stand-in under a closed-loop load, without and with the auto-instrumentation. */
export async function instrumentationOverhead(seconds: number): Promise<Overhead[]> {
    const sink = await startBare("overhead-sink");
    const variants: [string, Record<string, string>][] = [
        ["no instrumentation", {}],
        [
            "auto-instrumented, 100 % head sampling (both stacks)",
            {
                NODE_OPTIONS: "--require @opentelemetry/auto-instrumentations-node/register",
                OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sink.listen.otlpGrpcPort}`,
                OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
                OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
                OTEL_TRACES_SAMPLER_ARG: String(dev.sampling.headPercent / 100),
                OTEL_METRICS_EXPORTER: "none",
                OTEL_LOGS_EXPORTER: "none",
            },
        ],
    ];
    const out: Overhead[] = [];
    for (const [variant, env] of variants) {
        const port = await freePort();
        const app = start(`overhead-${out.length}`, process.execPath, [`${servicesDir}/storage-3d.js`], { ...env, PORT: String(port), OTEL_SERVICE_NAME: "storage-3d" }, servicesDir);
        await sleep(2500);
        const latencies: number[] = [];
        const deadline = Date.now() + seconds * 1000;
        const worker = async (): Promise<void> => {
            while (Date.now() < deadline) {
                const t = process.hrtime.bigint();
                const res = await fetch(`http://127.0.0.1:${port}/models/order-${latencies.length}`);
                await res.text();
                latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
            }
        };
        await Promise.all(Array.from({ length: 8 }, worker));
        const sorted = [...latencies].sort((a, b) => a - b);
        out.push({
            variant,
            requestsPerSecond: Math.round(latencies.length / seconds),
            p50Ms: Math.round(median(latencies) * 100) / 100,
            p99Ms: Math.round(sorted[Math.floor(sorted.length * 0.99)] * 100) / 100,
        });
        await stop(app);
    }
    await stop(sink.process);
    return out;
}
