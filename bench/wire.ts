import { spawn } from "child_process";
import { createServer, Socket } from "net";
import { Collector, Jaeger, startAgent, startGateway, startJaeger } from "../harness/pipeline";
import { freePort, sleep, start, stop } from "../harness/processes";
import { tools } from "../harness/tools";
import { servicesDir } from "../harness/stand-ins";
import { cpuSeconds, median } from "../harness/metrics";
import { prod, startBare } from "./throughput";

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

/**
 * Bytes per span as telemetrygen sends OTLP/gRPC, and as Jaeger returns the stored span (its JSON
 * model), through the prod stack's agent: what it adds (the redaction summary, none with `silent`)
 * is stored too, and prod is the stack whose storage matters. The gateway keeps every trace here.
 */
export async function wireSize(): Promise<WireSize> {
    const jaeger: Jaeger = await startJaeger("wire-jaeger");
    const gateway: Collector = await startGateway("wire-gateway", { ...prod.sampling, percent: 100 }, jaeger.otlpGrpc);
    const agent = await startAgent("wire-agent", prod, gateway.listen.otlpGrpcPort);
    const relay = await countingRelay(agent.listen.otlpGrpcPort);
    const traces = 2000;
    const service = `wire-${Date.now().toString(36)}`;
    await new Promise<void>((resolve) => {
        const child = spawn(
            tools.telemetrygen(),
            [
                "traces",
                "--otlp-endpoint",
                `127.0.0.1:${relay.port}`,
                "--otlp-insecure",
                "--traces",
                String(traces),
                "--child-spans",
                "1",
                "--rate",
                "1000",
                "--service",
                service,
            ],
            { stdio: "ignore" },
        );
        child.on("exit", () => resolve());
    });
    const spans = traces * 2;
    const otlpBytesPerSpan = relay.bytes() / spans;
    relay.close();
    await sleep((prod.sampling.decisionWaitSeconds + 5) * 1000);
    const res = await fetch(
        `${jaeger.queryUrl}/api/traces?${new URLSearchParams({ service, limit: "50000", lookback: "1h" }).toString()}`,
    );
    const body = (await res.json()) as { data: { spans: unknown[] }[] };
    const stored = body.data.flatMap((t) => t.spans);
    const storedJsonBytesPerSpan =
        stored.reduce((n: number, s) => n + JSON.stringify(s).length, 0) / Math.max(stored.length, 1);
    for (const c of [agent.process, gateway.process, jaeger.process]) await stop(c);
    return {
        spans,
        otlpBytesPerSpan: Math.round(otlpBytesPerSpan),
        storedJsonBytesPerSpan: Math.round(storedJsonBytesPerSpan),
    };
}

export interface OverheadRound {
    requestsPerSecond: number;
    p50Ms: number;
    p99Ms: number;
    /** The app process's user + system CPU per request served. */
    cpuMsPerRequest: number;
}

export interface Overhead extends OverheadRound {
    variant: string;
    /** Head sampling ratio the SDK is given; undefined without instrumentation. */
    headPercent?: number;
    /**
     * Medians of each round's ratio to the uninstrumented app in the same round: paired, so the
     * machine's drift between rounds cancels. Absent from results written before 2026-11-30.
     */
    vsPlain?: OverheadRound;
    rounds: OverheadRound[];
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

/** `seconds` of closed-loop load from `clients` concurrent clients against the app process `pid`. */
async function closedLoop(port: number, pid: number, seconds: number, clients: number): Promise<OverheadRound> {
    const latencies: number[] = [];
    const cpuBefore = cpuSeconds(pid);
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
    const cpuMs = (cpuSeconds(pid) - cpuBefore) * 1000;
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
        requestsPerSecond: latencies.length / seconds,
        p50Ms: median(latencies),
        p99Ms: sorted[Math.floor(sorted.length * 0.99)],
        cpuMsPerRequest: latencies.length > 0 ? cpuMs / latencies.length : NaN,
    };
}

type RoundMetric = keyof OverheadRound;

/** A round's figures, each computed by `f`. */
function eachMetric(f: (metric: RoundMetric) => number): OverheadRound {
    return {
        requestsPerSecond: f("requestsPerSecond"),
        p50Ms: f("p50Ms"),
        p99Ms: f("p99Ms"),
        cpuMsPerRequest: f("cpuMsPerRequest"),
    };
}

/** Per metric, the median over the rounds of `f(metric, round index)`. */
function medianOf(rounds: OverheadRound[], f: (metric: RoundMetric, i: number) => number): OverheadRound {
    return eachMetric((metric) => median(rounds.map((_, i) => f(metric, i))));
}

/**
 * The 3D-storage stand-in without instrumentation, auto-instrumented at 100 % head sampling (what
 * both stacks deploy: sampling happens at the tail, in the gateway), and at the prod stack's keep
 * share applied at the head instead (what head sampling would save the app). The variants run side
 * by side and are measured in turn for `rounds` rounds, the order rotating each round so no variant
 * always goes first; each round's figures are divided by the plain app's in the same round, and
 * the medians of those paired ratios are quoted.
 */
export async function instrumentationOverhead(
    seconds: number,
    rounds: number,
    prodKeepPercent: number,
): Promise<Overhead[]> {
    const sink = await startBare("overhead-sink");
    const variants: { variant: string; headPercent?: number; env: Record<string, string> }[] = [
        { variant: "no instrumentation", env: {} },
        {
            variant: "auto-instrumented, 100 % head sampling (both stacks)",
            headPercent: 100,
            env: instrumented(sink.listen.otlpGrpcPort, 100),
        },
        {
            variant: `auto-instrumented, ${prodKeepPercent} % head sampling (prod's keep share at the head)`,
            headPercent: prodKeepPercent,
            env: instrumented(sink.listen.otlpGrpcPort, prodKeepPercent),
        },
    ];
    const apps = await Promise.all(
        variants.map(async (v, i) => {
            const port = await freePort();
            const app = start(
                `overhead-${i}`,
                process.execPath,
                [`${servicesDir}/storage-3d.js`],
                { ...v.env, PORT: String(port), OTEL_SERVICE_NAME: "storage-3d" },
                servicesDir,
            );
            const pid = app.child.pid;
            if (pid === undefined) throw new Error(`overhead-${i} did not start`);
            return { port, pid, app };
        }),
    );
    await sleep(3000);
    // Warm-up: JIT and connection pools, not measured.
    for (const a of apps) await closedLoop(a.port, a.pid, 1, 8);
    const measured: OverheadRound[][] = variants.map(() => []);
    for (let r = 0; r < rounds; r++) {
        for (let k = 0; k < apps.length; k++) {
            const i = (r + k) % apps.length;
            measured[i].push(await closedLoop(apps[i].port, apps[i].pid, seconds, 8));
        }
    }
    for (const a of apps) await stop(a.app);
    await stop(sink.process);
    const round2 = (x: number): number => Math.round(x * 100) / 100;
    const rounded = (x: OverheadRound): OverheadRound => ({
        requestsPerSecond: Math.round(x.requestsPerSecond),
        p50Ms: round2(x.p50Ms),
        p99Ms: round2(x.p99Ms),
        cpuMsPerRequest: Math.round(x.cpuMsPerRequest * 1000) / 1000,
    });
    const plain = measured[0];
    return variants.map((v, i) => {
        const own = measured[i];
        const vsPlain = medianOf(own, (m, r) => own[r][m] / plain[r][m]);
        return {
            variant: v.variant,
            ...(v.headPercent === undefined ? {} : { headPercent: v.headPercent }),
            ...rounded(medianOf(own, (m, r) => own[r][m])),
            vsPlain: eachMetric((m) => round2(vsPlain[m])),
            rounds: own.map(rounded),
        };
    });
}
