import { parseStackConfig } from "../stacks/config";
import { readStackFile } from "../stacks/stack-file";
import { Collector, loopback, startAgent, startCollector } from "../test/e2e/support/pipeline";
import { sleep, stop } from "../test/e2e/support/processes";
import { projectDir } from "../test/support/resources";
import { sendLoad } from "./load";
import { cpuSeconds, metric, rssMiB } from "./metrics";

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
    held: boolean;
}

/** Drives `target` at `rate` for `seconds` and reads what it accepted, refused and failed to export. */
export async function step(target: Collector, rate: number, seconds: number, service: string): Promise<Step> {
    const pid = target.process.child.pid ?? 0;
    const m = target.listen.metricsPort;
    const read = async () => ({
        accepted: await metric(m, "otelcol_receiver_accepted_spans"),
        refused: await metric(m, "otelcol_receiver_refused_spans", "otelcol_processor_refused_spans"),
        failed: await metric(m, "otelcol_exporter_send_failed_spans", "otelcol_exporter_enqueue_failed_spans"),
        cpu: cpuSeconds(pid),
    });
    const before = await read();
    await sendLoad({ endpoint: `127.0.0.1:${target.listen.otlpGrpcPort}`, spansPerSecond: rate, seconds, service });
    await sleep(1500);
    const after = await read();
    const accepted = after.accepted - before.accepted;
    const refused = after.refused - before.refused;
    const failed = after.failed - before.failed;
    // Held: nothing refused or lost, and the offered rate really arrived (within 10 %).
    const held = refused === 0 && failed === 0 && accepted >= rate * seconds * 0.9;
    return { offeredSpansPerSecond: rate, seconds, accepted, refused, failed, cpuSeconds: after.cpu - before.cpu, held };
}

export interface Throughput {
    label: string;
    steps: Step[];
    heldSpansPerSecond: number;
    confirmation: Step | null;
    cpuSecondsPer10kSpans: number;
}

export const rates = [2000, 4000, 8000, 16000, 32000];

/** Rising rates in short steps, then the highest one that held, for 60 s. */
export async function throughput(label: string, target: Collector, stepSeconds: number, confirmSeconds: number): Promise<Throughput> {
    const steps: Step[] = [];
    for (const rate of rates) {
        const s = await step(target, rate, stepSeconds, `${label}-${rate}`);
        steps.push(s);
        if (!s.held) break;
    }
    const best = [...steps].reverse().find((s) => s.held);
    const confirmation = best === undefined ? null : await step(target, best.offeredSpansPerSecond, confirmSeconds, `${label}-confirm`);
    const basis = confirmation ?? steps[0];
    return {
        label,
        steps,
        heldSpansPerSecond: confirmation?.held === true ? confirmation.offeredSpansPerSecond : 0,
        confirmation,
        cpuSecondsPer10kSpans: basis.accepted > 0 ? (basis.cpuSeconds / basis.accepted) * 10000 : NaN,
    };
}

export interface MemoryBurst {
    containerLimitMiB: number;
    offeredSpansPerSecond: number;
    seconds: number;
    peakRssMiB: number;
    refused: number;
    accepted: number;
    survived: boolean;
}

/**
 * A burst at `rate` into an agent bounded like the dev stack's container, with its downstream frozen
 * (SIGSTOP) so that everything piles up in the agent: the case memory_limiter exists for. RSS is
 * sampled every 100 ms.
 */
export async function memoryBurst(agent: Collector, downstream: Collector, containerLimitMiB: number, rate: number, seconds: number): Promise<MemoryBurst> {
    const frozen = downstream.process.child.pid ?? 0;
    process.kill(frozen, "SIGSTOP");
    const pid = agent.process.child.pid ?? 0;
    const m = agent.listen.metricsPort;
    const beforeRefused = await metric(m, "otelcol_receiver_refused_spans", "otelcol_processor_refused_spans");
    const beforeAccepted = await metric(m, "otelcol_receiver_accepted_spans");
    let peak = 0;
    const sampler = setInterval(() => {
        try {
            peak = Math.max(peak, rssMiB(pid));
        } catch {
            /* exited */
        }
    }, 100);
    await sendLoad({ endpoint: `127.0.0.1:${agent.listen.otlpGrpcPort}`, spansPerSecond: rate, seconds, service: "burst" });
    await sleep(2000);
    clearInterval(sampler);
    process.kill(frozen, "SIGCONT");
    const survived = agent.process.child.exitCode === null;
    return {
        containerLimitMiB,
        offeredSpansPerSecond: rate,
        seconds,
        peakRssMiB: Math.round(peak),
        refused: survived ? (await metric(m, "otelcol_receiver_refused_spans", "otelcol_processor_refused_spans")) - beforeRefused : NaN,
        accepted: survived ? (await metric(m, "otelcol_receiver_accepted_spans")) - beforeAccepted : NaN,
        survived,
    };
}

export { startAgent, stop };
