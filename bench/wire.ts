import { spawn } from "child_process";
import { createServer, Socket } from "net";
import { Collector, Jaeger, startAgent, startGateway, startJaeger } from "../test/e2e/support/pipeline";
import { freePort, sleep, start, stop } from "../test/e2e/support/processes";
import { tools } from "../test/e2e/support/tools";
import { servicesDir } from "../test/e2e/support/stand-ins";
import { median } from "../test/e2e/support/metrics";
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
    /** Head sampling ratio the SDK is given; undefined without instrumentation. */
    headPercent?: number;
    /** Medians over the rounds. */
    requestsPerSecond: number;
    p50Ms: number;
    p99Ms: number;
    rounds: { requestsPerSecond: number; p50Ms: number; p99Ms: number }[];
}

/** The auto-instrumentation as the Operator injects it into a Node.js workload, sampling `headPercent` at the head. */
function instrumented(sinkPort: number, headPercent: number): Record<string, string> {
    return {
        NODE_OPTIONS: "--require @opentelemetry/auto-instrumentations-node/register",
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sinkPort}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
        OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
        OTEL_TRACES_SAMPLER_ARG: String(headPercent / 100),
        OTEL_METRICS_EXPORTER: "none",
        OTEL_LOGS_EXPORTER: "none",
    };
}

/** `seconds` of closed-loop load from `clients` concurrent clients; requests/s and latency percentiles. */
async function closedLoop(port: number, seconds: number, clients: number): Promise<Overhead["rounds"][number]> {
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
    await Promise.all(Array.from({ length: clients }, worker));
    const sorted = [...latencies].sort((a, b) => a - b);
    return { requestsPerSecond: latencies.length / seconds, p50Ms: median(latencies), p99Ms: sorted[Math.floor(sorted.length * 0.99)] };
}

/**
 * The 3D-storage stand-in without instrumentation, auto-instrumented at 100 % head sampling (what
 * both stacks deploy: sampling happens at the tail, in the gateway), and at the prod stack's keep
 * share applied at the head instead (what head sampling would save the app). The variants run side
 * by side, measured in turn for `rounds` rounds; medians are quoted.
 */
export async function instrumentationOverhead(seconds: number, rounds: number, prodKeepPercent: number): Promise<Overhead[]> {
    const sink = await startBare("overhead-sink");
    const variants: { variant: string; headPercent?: number; env: Record<string, string> }[] = [
        { variant: "no instrumentation", env: {} },
        { variant: "auto-instrumented, 100 % head sampling (both stacks)", headPercent: 100, env: instrumented(sink.listen.otlpGrpcPort, 100) },
        { variant: `auto-instrumented, ${prodKeepPercent} % head sampling (prod's keep share at the head)`, headPercent: prodKeepPercent, env: instrumented(sink.listen.otlpGrpcPort, prodKeepPercent) },
    ];
    const apps = await Promise.all(
        variants.map(async (v, i) => {
            const port = await freePort();
            const app = start(`overhead-${i}`, process.execPath, [`${servicesDir}/storage-3d.js`], { ...v.env, PORT: String(port), OTEL_SERVICE_NAME: "storage-3d" }, servicesDir);
            return { port, app };
        }),
    );
    await sleep(3000);
    // Warm-up: JIT and connection pools, not measured.
    for (const a of apps) await closedLoop(a.port, 1, 8);
    const measured: Overhead["rounds"][] = variants.map(() => []);
    for (let r = 0; r < rounds; r++) {
        for (const [i, a] of apps.entries()) measured[i].push(await closedLoop(a.port, seconds, 8));
    }
    for (const a of apps) await stop(a.app);
    await stop(sink.process);
    const round2 = (x: number): number => Math.round(x * 100) / 100;
    return variants.map((v, i) => ({
        variant: v.variant,
        ...(v.headPercent === undefined ? {} : { headPercent: v.headPercent }),
        requestsPerSecond: Math.round(median(measured[i].map((m) => m.requestsPerSecond))),
        p50Ms: round2(median(measured[i].map((m) => m.p50Ms))),
        p99Ms: round2(median(measured[i].map((m) => m.p99Ms))),
        rounds: measured[i].map((m) => ({ requestsPerSecond: Math.round(m.requestsPerSecond), p50Ms: round2(m.p50Ms), p99Ms: round2(m.p99Ms) })),
    }));
}
