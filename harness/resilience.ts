/**
 * Failure scenarios on the real agent → gateway → Jaeger pipeline: the gateway stopped and started
 * again, Jaeger frozen. Shared by the end-to-end test (which asserts) and the benchmark (which reports).
 */
import { gatewayTerminationGraceSeconds } from "../renderers/gateway-config";
import { parseStackConfig } from "../config/config";
import { readStackFile } from "../config/stack-file";
import { projectDir } from "./project";
import { sendSpans } from "./load";
import { metric } from "./metrics";
import { Collector, Jaeger, startAgent, startGateway, startJaeger } from "./pipeline";
import { sleep, stop } from "./processes";

const dev = parseStackConfig(readStackFile(projectDir, "dev"));

/** Longer than the gateway exporter's 30 s retry ceiling: a count this still is final. */
const quietMs = 35000;
const spansPerSecond = 400;

/** Spans Jaeger holds for a service, each (trace id, span id) once: a redelivered span is not two. */
async function uniqueSpansIn(jaeger: Jaeger, service: string): Promise<number> {
    const q = new URLSearchParams({ service, lookback: "2h", limit: "100000" });
    const res = await fetch(`${jaeger.queryUrl}/api/traces?${q.toString()}`);
    if (!res.ok) throw new Error(`Jaeger query for ${service} answered ${res.status}`);
    const body = (await res.json()) as { data: { spans: { traceID: string; spanID: string }[] }[] | null };
    return new Set((body.data ?? []).flatMap((t) => t.spans.map((s) => `${s.traceID}/${s.spanID}`))).size;
}

/**
 * Waits until Jaeger holds `expected` unique spans, or what it has accepted has not moved for
 * `quietMs`. Its accepted-spans metric is cheap to poll but counts redeliveries twice (an export
 * that timed out against a frozen Jaeger is retried, and both copies arrive), so the unique count
 * is queried, at most once a second, whenever the metric says enough may be there, and once more
 * when it has gone quiet: spans the receiver counted may still be in Jaeger's batch, not yet
 * stored, when the count is first taken. Returns that count and when the metric last grew.
 */
async function settle(jaeger: Jaeger, service: string, expected: number): Promise<{ stored: number; grewAt: number }> {
    let accepted = -1;
    let grewAt = Date.now();
    let stored = 0;
    let queriedAt = 0;
    for (;;) {
        const now = await metric(jaeger.metricsPort, "otelcol_receiver_accepted_spans");
        if (now !== accepted) grewAt = Date.now();
        accepted = now;
        const quiet = Date.now() - grewAt > quietMs;
        if ((accepted >= expected && Date.now() - queriedAt >= 1000) || quiet) {
            stored = await uniqueSpansIn(jaeger, service);
            queriedAt = Date.now();
        }
        if (stored >= expected || quiet) return { stored, grewAt };
        await sleep(250);
    }
}

interface Pipeline {
    jaeger: Jaeger;
    gateway: Collector;
    agent: Collector;
    service: string;
}

async function pipeline(tag: string, persistentQueue = true): Promise<Pipeline> {
    const jaeger = await startJaeger(`${tag}-jaeger`);
    const gateway = await startGateway(`${tag}-gateway`, dev.sampling, jaeger.otlpGrpc, 1024, persistentQueue);
    const agent = await startAgent(`${tag}-agent`, dev, gateway.listen.otlpGrpcPort);
    return { jaeger, gateway, agent, service: `${tag}-${Date.now().toString(36)}` };
}

async function teardown(p: Pipeline): Promise<void> {
    for (const c of [p.agent, p.gateway]) await stop(c.process);
    await stop(p.jaeger.process);
}

/** What the agent refused or could not export: spans lost before the gateway, not by it. */
async function agentLosses(agent: Collector): Promise<number> {
    return metric(
        agent.listen.metricsPort,
        "otelcol_receiver_refused_spans",
        "otelcol_processor_refused_spans",
        "otelcol_exporter_send_failed_spans",
        "otelcol_exporter_enqueue_failed_spans",
    );
}

export type GatewayStop = "restart" | "crash";

export interface Restart {
    persistentQueue: boolean;
    /** restart: SIGTERM, SIGKILL only after the pod's grace period (what the kubelet does); crash: SIGKILL. */
    stop: GatewayStop;
    sentSpans: number;
    /** Refused or failed at the agent (0 means every loss is the gateway's). */
    agentLosses: number;
    storedSpans: number;
    lost: number;
    /** SIGTERM to exit; for a crash, 0. */
    shutdownSeconds: number;
    /** The grace period ran out and the process had to be killed. */
    killedAfterGrace: boolean;
}

/**
 * A fixed number of spans through agent → gateway → Jaeger while the gateway is stopped mid-run and
 * started again on the same ports and queue directory. Jaeger is frozen (SIGSTOP) from the start, so
 * that at the stop the gateway holds both traces waiting for their sampling decision and sampled
 * spans waiting in its export queue: both are what a restart could lose.
 */
export async function gatewayRestart(persistentQueue: boolean, how: GatewayStop, spans: number): Promise<Restart> {
    const tag = `restart-${how}-${persistentQueue ? "persistent" : "memory"}`;
    const p = await pipeline(tag, persistentQueue);
    const jaegerPid = p.jaeger.process.child.pid ?? 0;
    process.kill(jaegerPid, "SIGSTOP");
    const load = sendSpans({
        endpoint: `127.0.0.1:${p.agent.listen.otlpGrpcPort}`,
        spans,
        spansPerSecond,
        service: p.service,
    });
    // Past the decision wait: the first traces are decided and queued, the latest still waiting.
    await sleep((dev.sampling.decisionWaitSeconds + 5) * 1000);
    const stopping = Date.now();
    await stop(p.gateway.process, how === "restart" ? "SIGTERM" : "SIGKILL", gatewayTerminationGraceSeconds * 1000);
    const shutdownSeconds = how === "restart" ? (Date.now() - stopping) / 1000 : 0;
    const killedAfterGrace = how === "restart" && p.gateway.process.child.signalCode === "SIGKILL";
    await sleep(2000);
    p.gateway = await startGateway(
        `${tag}-gateway`,
        dev.sampling,
        p.jaeger.otlpGrpc,
        1024,
        persistentQueue,
        p.gateway.listen,
    );
    process.kill(jaegerPid, "SIGCONT");
    await load;
    const { stored } = await settle(p.jaeger, p.service, spans);
    const losses = await agentLosses(p.agent);
    await teardown(p);
    return {
        persistentQueue,
        stop: how,
        sentSpans: spans,
        agentLosses: losses,
        storedSpans: stored,
        lost: spans - stored,
        shutdownSeconds: Math.round(shutdownSeconds * 10) / 10,
        killedAfterGrace,
    };
}

export interface Outage {
    outageSeconds: number;
    sentSpans: number;
    storedSpans: number;
    lost: number;
    /**
     * From Jaeger's return until it holds what it would without the outage: every span the agent had
     * accepted a decision wait (+1 s) earlier. Whole seconds, from the timeline.
     */
    drainSeconds: number;
    /** From Jaeger's return until Jaeger holds every span (the load's tail and the decision wait included). */
    caughtUpSeconds: number;
    /** Every second from the start of the load: spans the agent and Jaeger had accepted. */
    timeline: { second: number; agent: number; jaeger: number }[];
    frozenFromSecond: number;
    frozenToSecond: number;
}

/** Jaeger frozen (SIGSTOP) for `outageSeconds` in the middle of a fixed load, then let go. */
export async function backendOutage(outageSeconds: number): Promise<Outage> {
    const p = await pipeline("outage");
    const pid = p.jaeger.process.child.pid ?? 0;
    const spans = spansPerSecond * (outageSeconds + 10);
    const began = Date.now();
    const second = (): number => Math.round((Date.now() - began) / 1000);
    const load = sendSpans({
        endpoint: `127.0.0.1:${p.agent.listen.otlpGrpcPort}`,
        spans,
        spansPerSecond,
        service: p.service,
    });
    const timeline: Outage["timeline"] = [];
    let frozen = false;
    const sampler = setInterval(() => {
        const at = second();
        // A frozen Jaeger cannot answer: it has accepted what it had at the freeze.
        const jaegerCount = frozen
            ? Promise.resolve(timeline[timeline.length - 1]?.jaeger ?? 0)
            : metric(p.jaeger.metricsPort, "otelcol_receiver_accepted_spans");
        void Promise.all([metric(p.agent.listen.metricsPort, "otelcol_receiver_accepted_spans"), jaegerCount])
            .then(([agent, jaeger]) => timeline.push({ second: at, agent, jaeger }))
            .catch(() => undefined);
    }, 1000);
    await sleep(5000);
    const frozenFromSecond = second();
    frozen = true;
    process.kill(pid, "SIGSTOP");
    await sleep(outageSeconds * 1000);
    process.kill(pid, "SIGCONT");
    frozen = false;
    const frozenToSecond = second();
    const resumed = Date.now();
    await load;
    const { stored, grewAt } = await settle(p.jaeger, p.service, spans);
    clearInterval(sampler);
    await teardown(p);
    const since = (t: number): number => Math.round((t - resumed) / 100) / 10;
    timeline.sort((a, b) => a.second - b.second);
    const lag = dev.sampling.decisionWaitSeconds + 1;
    const agentAt = (sec: number): number => [...timeline].reverse().find((x) => x.second <= sec)?.agent ?? 0;
    const caughtUp = timeline.find((x) => x.second > frozenToSecond && x.jaeger >= agentAt(x.second - lag));
    return {
        outageSeconds,
        sentSpans: spans,
        storedSpans: stored,
        lost: spans - stored,
        drainSeconds: caughtUp === undefined ? NaN : caughtUp.second - frozenToSecond,
        caughtUpSeconds: since(grewAt),
        timeline,
        frozenFromSecond,
        frozenToSecond,
    };
}
