import { parseStackConfig } from "../stacks/config";
import { readStackFile } from "../stacks/stack-file";
import { Collector, loopback, startAgent, startCollector } from "../test/e2e/support/pipeline";
import { sleep, stop } from "../test/e2e/support/processes";
import { projectDir } from "../test/support/resources";
import { sendLoad } from "../test/e2e/support/load";
import { cpuSeconds, median, metric, rssMiB } from "../test/e2e/support/metrics";

export const dev = parseStackConfig(readStackFile(projectDir, "dev"));

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
export async function step(target: Collector, rate: number, seconds: number, service: string, windows = 1): Promise<Step> {
    const pid = target.process.child.pid ?? 0;
    const m = target.listen.metricsPort;
    const read = async () => ({
        accepted: await metric(m, "otelcol_receiver_accepted_spans"),
        refused: await metric(m, "otelcol_receiver_refused_spans", "otelcol_processor_refused_spans"),
        failed: await metric(m, "otelcol_exporter_send_failed_spans", "otelcol_exporter_enqueue_failed_spans"),
        cpu: cpuSeconds(pid),
    });
    const marks = [await read()];
    const load = sendLoad({ endpoint: `127.0.0.1:${target.listen.otlpGrpcPort}`, spansPerSecond: rate, seconds, service });
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
    return { offeredSpansPerSecond: rate, seconds, accepted, refused, failed, cpuSeconds: last.cpu - first.cpu, windowCpuPer10kSpans, held };
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

/**
 * Rising rates in short steps, the pipelines side by side at each rate (each until one does not
 * hold), then each pipeline's highest held rate again for `confirmSeconds`.
 */
export async function throughput(targets: { label: string; collector: Collector }[], stepSeconds: number, confirmSeconds: number): Promise<Throughput[]> {
    const steps = new Map<string, Step[]>(targets.map((t) => [t.label, []]));
    for (const rate of rates) {
        const rising = targets.filter((t) => (steps.get(t.label) ?? []).every((s) => s.held));
        if (rising.length === 0) break;
        for (const t of rising) steps.get(t.label)?.push(await step(t.collector, rate, stepSeconds, `${t.label}-${rate}`));
    }
    const out: Throughput[] = [];
    for (const t of targets) {
        const own = steps.get(t.label) ?? [];
        const best = [...own].reverse().find((s) => s.held);
        const confirmation = best === undefined ? null : await step(t.collector, best.offeredSpansPerSecond, confirmSeconds, `${t.label}-confirm`, confirmationWindows);
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
export async function memoryBurst(agent: Collector, downstream: Collector, containerLimitMiB: number, rate: number, seconds: number): Promise<MemoryBurst> {
    const frozen = downstream.process.child.pid ?? 0;
    process.kill(frozen, "SIGSTOP");
    const pid = agent.process.child.pid ?? 0;
    const m = agent.listen.metricsPort;
    const refusedNow = (): Promise<number> => metric(m, "otelcol_receiver_refused_spans", "otelcol_processor_refused_spans");
    const droppedNow = (): Promise<number> => metric(m, "otelcol_exporter_enqueue_failed_spans", "otelcol_exporter_send_failed_spans");
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
                if (firstRefusalSecond === null && r > beforeRefused) firstRefusalSecond = Math.round((Date.now() - began) / 1000);
            })
            .catch(() => undefined);
    }, 1000);
    await sendLoad({ endpoint: `127.0.0.1:${agent.listen.otlpGrpcPort}`, spansPerSecond: rate, seconds, service: "burst" });
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
