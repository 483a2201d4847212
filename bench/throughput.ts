import { execFileSync } from "child_process";
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { goMemLimit, toCollectorYaml } from "../renderers/collector-common";
import type { CollectorConfig } from "../renderers/collector-types";
import { queueBytesFor, renderGatewayConfig } from "../renderers/gateway-config";
import { spanMetricNames } from "../renderers/span-metrics";
import { parseStackConfig } from "../config/config";
import { readStackFile } from "../config/stack-file";
import type { StackConfig } from "../config/schema";
import { Collector, loopback, startAgent, startCollector, startGateway } from "../harness/pipeline";
import { freePort, runDir, sleep, stop } from "../harness/processes";
import { tools } from "../harness/tools";
import { projectDir } from "../harness/project";
import { sendLoad } from "../harness/load";
import { cpuSeconds, median, metric, rssMiB, samples } from "../harness/metrics";

export const dev = parseStackConfig(readStackFile(projectDir, "dev"));
/** The cost is measured with the prod stack's agent: its PII rules are the ones that run at volume. */
export const prod = parseStackConfig(readStackFile(projectDir, "prod"));

/** OTLP in, nothing out: the floor a collector costs. */
function bareConfig(listen: { host: string; otlpGrpcPort: number; healthPort: number; metricsPort: number }): string {
    return [
        "receivers:",
        "  otlp:",
        "    protocols:",
        `      grpc: { endpoint: "${listen.host}:${listen.otlpGrpcPort}" }`,
        "exporters:",
        "  nop: {}",
        "extensions:",
        `  health_check: { endpoint: "${listen.host}:${listen.healthPort}" }`,
        "service:",
        "  extensions: [health_check]",
        "  pipelines:",
        "    traces: { receivers: [otlp], exporters: [nop] }",
        "  telemetry:",
        "    metrics:",
        "      level: normal",
        `      readers: [{ pull: { exporter: { prometheus: { host: "${listen.host}", port: ${listen.metricsPort} } } } }]`,
        "",
    ].join("\n");
}

export async function startBare(name: string): Promise<Collector> {
    const listen = await loopback();
    return startCollector(name, bareConfig(listen), listen);
}

export interface Step {
    offeredSpansPerSecond: number;
    seconds: number;
    accepted: number;
    refused: number;
    failed: number;
    cpuSeconds: number;
    /** CPU-seconds per 10 000 spans in each equal window of the step (one window unless asked). */
    windowCpuPer10kSpans: number[];
    held: boolean;
}

/**
 * Drives `target` at `rate` for `seconds` and reads what it accepted, refused and failed to export,
 * and the CPU it used in each of `windows` equal windows (repeated measurements within one run).
 */
export async function step(
    target: Collector,
    rate: number,
    seconds: number,
    service: string,
    windows = 1,
): Promise<Step> {
    const pid = target.process.child.pid ?? 0;
    const m = target.listen.metricsPort;
    const read = async () => ({
        accepted: await metric(m, "otelcol_receiver_accepted_spans"),
        refused: await metric(m, "otelcol_receiver_refused_spans", "otelcol_processor_refused_spans"),
        failed: await metric(m, "otelcol_exporter_send_failed_spans", "otelcol_exporter_enqueue_failed_spans"),
        cpu: cpuSeconds(pid),
    });
    const marks = [await read()];
    const load = sendLoad({
        endpoint: `127.0.0.1:${target.listen.otlpGrpcPort}`,
        spansPerSecond: rate,
        seconds,
        service,
    });
    for (let w = 1; w < windows; w++) {
        await sleep((seconds / windows) * 1000);
        marks.push(await read());
    }
    await load;
    await sleep(1500);
    marks.push(await read());
    const first = marks[0];
    const last = marks[marks.length - 1];
    const accepted = last.accepted - first.accepted;
    const refused = last.refused - first.refused;
    const failed = last.failed - first.failed;
    const windowCpuPer10kSpans = marks.slice(1).map((b, i) => {
        const a = marks[i];
        return b.accepted > a.accepted ? ((b.cpu - a.cpu) / (b.accepted - a.accepted)) * 10000 : NaN;
    });
    // Held: nothing refused or lost, and the offered rate really arrived (within 10 %).
    const held = refused === 0 && failed === 0 && accepted >= rate * seconds * 0.9;
    return {
        offeredSpansPerSecond: rate,
        seconds,
        accepted,
        refused,
        failed,
        cpuSeconds: last.cpu - first.cpu,
        windowCpuPer10kSpans,
        held,
    };
}

export interface Throughput {
    label: string;
    steps: Step[];
    heldSpansPerSecond: number;
    confirmation: Step | null;
    /** Median over the confirmation run's windows. */
    cpuSecondsPer10kSpans: number;
}

export const rates = [2000, 4000, 8000, 16000, 32000];
/** The confirmation run is measured in this many windows; their median is quoted. */
export const confirmationWindows = 3;
/** The rate the agent's CPU per span is compared with the bare collector's (issue #15's baseline was measured at it). */
export const costRate = 4000;

export interface CostRound {
    agent: number;
    bare: number;
    ratio: number;
}

export interface PairedCost {
    spansPerSecond: number;
    windowSeconds: number;
    /** CPU-seconds per 10 000 spans of each pipeline in each round, and their ratio. */
    rounds: CostRound[];
    medianRatio: number;
    agentMedian: number;
    bareMedian: number;
}

/**
 * The agent's CPU per span against the bare collector's, at one rate both hold: `rounds` rounds of an
 * agent window then a bare window, so that both see the machine as it is at that moment (a shared
 * 2-core machine drifts by more than the difference being measured). The median of the rounds' ratios
 * is quoted, with every round. `during` runs alongside all the rounds (the agent is idle in the bare
 * windows, so a profile taken by it holds the agent's loaded windows only).
 */
export async function pairedCost(
    agent: Collector,
    bare: Collector,
    rate: number,
    rounds: number,
    windowSeconds: number,
    during?: (seconds: number) => Promise<void>,
): Promise<PairedCost> {
    const out: CostRound[] = [];
    // step() waits 1.5 s after each load for the counters to settle.
    const probe = during === undefined ? Promise.resolve() : during(rounds * 2 * (windowSeconds + 1.5));
    for (let r = 0; r < rounds; r++) {
        const a = await step(agent, rate, windowSeconds, "agent-cost");
        const b = await step(bare, rate, windowSeconds, "bare-cost");
        const [agentCpu, bareCpu] = [a.windowCpuPer10kSpans[0], b.windowCpuPer10kSpans[0]];
        out.push({ agent: agentCpu, bare: bareCpu, ratio: agentCpu / bareCpu });
    }
    await probe;
    return {
        spansPerSecond: rate,
        windowSeconds,
        rounds: out,
        medianRatio: median(out.map((r) => r.ratio)),
        agentMedian: median(out.map((r) => r.agent)),
        bareMedian: median(out.map((r) => r.bare)),
    };
}

/** Where the agent's CPU goes: the share of profile samples whose stack passes through each part. */
export const profileParts: { part: string; focus: string }[] = [
    {
        part: "OTLP receive (gRPC, protobuf decoding)",
        focus: "ptraceotlp.*Unmarshal|codecV2\\)\\.Unmarshal|http2Server|grpc\\.\\(\\*Server\\)\\.handleRawConn",
    },
    { part: "memory_limiter", focus: "memorylimiterprocessor" },
    { part: "k8s_attributes", focus: "k8sattributesprocessor" },
    { part: "transform (order ids, scrubbing)", focus: "transformprocessor" },
    { part: "attributes/drop_pii", focus: "attributesprocessor" },
    { part: "redaction", focus: "redactionprocessor" },
    { part: "batch (its own work)", focus: "batchprocessor" },
    {
        part: "export (load_balancing, OTLP client, compression)",
        focus: "loadbalancingexporter|exporterhelper|otlpexporter|grpc\\.\\(\\*ClientConn\\)|loopyWriter",
    },
    { part: "garbage collection (background)", focus: "gcBgMarkWorker" },
];

export interface ProfileShare {
    part: string;
    percent: number;
}

/** Samples the agent's CPU for `seconds` through its pprof endpoint and writes the profile to `file`. */
export async function captureProfile(pprofPort: number, seconds: number, file: string): Promise<void> {
    const res = await fetch(
        `http://127.0.0.1:${pprofPort}/debug/pprof/profile?seconds=${Math.max(1, Math.round(seconds))}`,
    );
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
}

/** The share of each part in a CPU profile, read with `go tool pprof` (Go is a prerequisite of the tools). */
export function profileShares(file: string): ProfileShare[] {
    const share = (focus: string): number => {
        // Every node shown, so that the header's total is every sample the focus keeps.
        const args = [
            "tool",
            "pprof",
            "-top",
            "-nodefraction=0",
            "-nodecount=1000000",
            `-focus=${focus}`,
            tools.otelcol(),
            file,
        ];
        const text = execFileSync("go", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
        const m = /Showing nodes accounting for [^,]+, ([0-9.]+)% of/.exec(text);
        return m === null ? 0 : Number(m[1]);
    };
    return profileParts.map(({ part, focus }) => ({ part, percent: share(focus) }));
}

/** The agent as the bench runs it: the rendered config plus a pprof endpoint to profile it. */
export async function startProfiledAgent(
    name: string,
    config: StackConfig,
    gatewayOtlpGrpcPort: number,
    memoryMiB: number,
): Promise<{ agent: Collector; pprofPort: number }> {
    const pprofPort = await freePort();
    const agent = await startAgent(name, config, gatewayOtlpGrpcPort, memoryMiB, {
        pprof: { endpoint: `127.0.0.1:${pprofPort}` },
    });
    return { agent, pprofPort };
}

/**
 * Rising rates in short steps, the pipelines side by side at each rate (each until one does not
 * hold), then each pipeline's highest held rate again for `confirmSeconds`.
 */
export async function throughput(
    targets: { label: string; collector: Collector }[],
    stepSeconds: number,
    confirmSeconds: number,
): Promise<Throughput[]> {
    const steps = new Map<string, Step[]>(targets.map((t) => [t.label, []]));
    for (const rate of rates) {
        const rising = targets.filter((t) => (steps.get(t.label) ?? []).every((s) => s.held));
        if (rising.length === 0) break;
        for (const t of rising)
            steps.get(t.label)?.push(await step(t.collector, rate, stepSeconds, `${t.label}-${rate}`));
    }
    const out: Throughput[] = [];
    for (const t of targets) {
        const own = steps.get(t.label) ?? [];
        const best = [...own].reverse().find((s) => s.held);
        const confirmation =
            best === undefined
                ? null
                : await step(
                      t.collector,
                      best.offeredSpansPerSecond,
                      confirmSeconds,
                      `${t.label}-confirm`,
                      confirmationWindows,
                  );
        out.push({
            label: t.label,
            steps: own,
            heldSpansPerSecond: confirmation?.held === true ? confirmation.offeredSpansPerSecond : 0,
            confirmation,
            cpuSecondsPer10kSpans: median((confirmation ?? own[0]).windowCpuPer10kSpans.filter(Number.isFinite)),
        });
    }
    return out;
}

export interface MemoryBurst {
    containerLimitMiB: number;
    offeredSpansPerSecond: number;
    seconds: number;
    peakRssMiB: number;
    /** Refused by memory_limiter (the OTLP receiver passes its refusal back to the sender). */
    refused: number;
    /** Seconds into the burst of the first refusal; null when memory_limiter never had to refuse. */
    firstRefusalSecond: number | null;
    /** Failed to enter the exporter's full queue: shed after being accepted. */
    dropped: number;
    accepted: number;
    survived: boolean;
}

/**
 * A burst at `rate` into an agent bounded like the dev stack's container, with its downstream frozen
 * (SIGSTOP) so that everything piles up in the agent: the case memory_limiter exists for. RSS is
 * sampled every 100 ms, the refusals every second.
 */
export async function memoryBurst(
    agent: Collector,
    downstream: Collector,
    containerLimitMiB: number,
    rate: number,
    seconds: number,
): Promise<MemoryBurst> {
    const frozen = downstream.process.child.pid ?? 0;
    process.kill(frozen, "SIGSTOP");
    const pid = agent.process.child.pid ?? 0;
    const m = agent.listen.metricsPort;
    const refusedNow = (): Promise<number> =>
        metric(m, "otelcol_receiver_refused_spans", "otelcol_processor_refused_spans");
    const droppedNow = (): Promise<number> =>
        metric(m, "otelcol_exporter_enqueue_failed_spans", "otelcol_exporter_send_failed_spans");
    const beforeRefused = await refusedNow();
    const beforeDropped = await droppedNow();
    const beforeAccepted = await metric(m, "otelcol_receiver_accepted_spans");
    const began = Date.now();
    let peak = 0;
    let firstRefusalSecond: number | null = null;
    const rss = setInterval(() => {
        try {
            peak = Math.max(peak, rssMiB(pid));
        } catch {
            /* exited */
        }
    }, 100);
    const refusals = setInterval(() => {
        void refusedNow()
            .then((r) => {
                if (firstRefusalSecond === null && r > beforeRefused)
                    firstRefusalSecond = Math.round((Date.now() - began) / 1000);
            })
            .catch(() => undefined);
    }, 1000);
    await sendLoad({
        endpoint: `127.0.0.1:${agent.listen.otlpGrpcPort}`,
        spansPerSecond: rate,
        seconds,
        service: "burst",
    });
    await sleep(2000);
    clearInterval(rss);
    clearInterval(refusals);
    process.kill(frozen, "SIGCONT");
    const survived = agent.process.child.exitCode === null && agent.process.child.signalCode === null;
    return {
        containerLimitMiB,
        offeredSpansPerSecond: rate,
        seconds,
        peakRssMiB: Math.round(peak),
        refused: survived ? (await refusedNow()) - beforeRefused : NaN,
        firstRefusalSecond,
        dropped: survived ? (await droppedNow()) - beforeDropped : NaN,
        accepted: survived ? (await metric(m, "otelcol_receiver_accepted_spans")) - beforeAccepted : NaN,
        survived,
    };
}

export { startAgent, stop };

export interface SpanMetricsCost {
    /** With: the gateway as rendered; without: the same with span_metrics taken out (one traces pipeline). */
    cost: PairedCost;
    /** Series on the span metrics endpoint after the rounds (telemetrygen's spans: one service, two operations). */
    series: number;
}

/**
 * What counting every span costs the gateway: the rendered gateway (prod sampling, persistent queue)
 * against the same config with the span metrics taken out, in alternating windows at one rate, both
 * exporting to a bare sink.
 */
export async function spanMetricsCost(
    sinkOtlpGrpcPort: number,
    rate: number,
    rounds: number,
    windowSeconds: number,
): Promise<SpanMetricsCost> {
    const endpoint = `127.0.0.1:${sinkOtlpGrpcPort}`;
    const withMetrics = await startGateway(
        "gateway-span-metrics",
        prod.sampling,
        endpoint,
        prod.collector.gateway.memoryMiB,
    );
    const listen = await loopback();
    const queueDirectory = join(runDir, "gateway-no-span-metrics-queue");
    mkdirSync(queueDirectory, { recursive: true });
    const rendered = renderGatewayConfig({
        listen,
        memoryLimitMiB: prod.collector.gateway.memoryMiB,
        sampling: prod.sampling,
        exportEndpoint: endpoint,
        queueDirectory,
        queueBytes: queueBytesFor(1),
        spanMetricsPort: await freePort(),
    });
    const { connectors: _connectors, ...rest } = rendered;
    const withoutConfig: CollectorConfig = {
        ...rest,
        exporters: Object.fromEntries(
            Object.entries(rendered.exporters).filter(([name]) => !name.startsWith("prometheus")),
        ),
        service: {
            ...rendered.service,
            pipelines: {
                traces: {
                    receivers: ["otlp"],
                    processors: [
                        ...rendered.service.pipelines["traces/all"].processors,
                        ...rendered.service.pipelines.traces.processors,
                    ],
                    exporters: rendered.service.pipelines.traces.exporters,
                },
            },
        },
    };
    const without = await startCollector("gateway-no-span-metrics", toCollectorYaml(withoutConfig), listen, {
        GOMEMLIMIT: goMemLimit(prod.collector.gateway.memoryMiB),
    });
    const cost = await pairedCost(withMetrics, without, rate, rounds, windowSeconds);
    const series = (await samples(withMetrics.spanMetricsPort as number)).filter(
        (s) => s.name === spanMetricNames.calls,
    ).length;
    for (const c of [withMetrics, without]) await stop(c.process);
    return { cost, series };
}
