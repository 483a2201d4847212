import { Collector, Jaeger, startAgent, startGateway, startJaeger } from "../test/e2e/support/pipeline";
import { sleep, stop } from "../test/e2e/support/processes";
import { sendLoad } from "./load";
import { metric } from "./metrics";
import { dev } from "./throughput";

/** Spans Jaeger holds for a service. */
async function spansIn(jaeger: Jaeger, service: string): Promise<number> {
    const q = new URLSearchParams({ service, lookback: "2h", limit: "50000" });
    const res = await fetch(`${jaeger.queryUrl}/api/traces?${q.toString()}`);
    if (!res.ok) return 0;
    const body = (await res.json()) as { data: { spans: unknown[] }[] | null };
    return (body.data ?? []).reduce((n, t) => n + t.spans.length, 0);
}

/**
 * Waits until Jaeger holds `expected` spans, or its count has not moved for 45 s (longer than the
 * exporter's 30 s retry ceiling); returns the count and when it last grew.
 */
async function settle(jaeger: Jaeger, service: string, expected: number, timeoutMs: number): Promise<{ count: number; settledAt: number }> {
    let count = -1;
    let settledAt = Date.now();
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        const now = await spansIn(jaeger, service);
        if (now !== count) settledAt = Date.now();
        count = now;
        if (count >= expected || Date.now() - settledAt > 45000) break;
        await sleep(1000);
    }
    return { count, settledAt };
}

export interface Outage {
    outageSeconds: number;
    sentSpans: number;
    storedSpans: number;
    lost: number;
    drainSeconds: number;
}

/** Jaeger frozen (SIGSTOP) for `outageSeconds` in the middle of a steady load, then let go. */
export async function backendOutage(outageSeconds: number): Promise<Outage> {
    const jaeger = await startJaeger("outage-jaeger");
    const gateway = await startGateway("outage-gateway", dev.sampling, jaeger.otlpGrpc);
    const agent = await startAgent("outage-agent", dev, gateway.listen.otlpGrpcPort);
    const service = `outage-${Date.now().toString(36)}`;
    const pid = jaeger.process.child.pid ?? 0;
    const load = sendLoad({ endpoint: `127.0.0.1:${agent.listen.otlpGrpcPort}`, spansPerSecond: 400, seconds: outageSeconds + 10, service });
    await sleep(5000);
    process.kill(pid, "SIGSTOP");
    await sleep(outageSeconds * 1000);
    process.kill(pid, "SIGCONT");
    const resumed = Date.now();
    await load;
    const sent = await metric(agent.listen.metricsPort, "otelcol_receiver_accepted_spans");
    const { count, settledAt } = await settle(jaeger, service, sent, 120000);
    for (const c of [agent, gateway]) await stop(c.process);
    await stop(jaeger.process);
    return { outageSeconds, sentSpans: sent, storedSpans: count, lost: sent - count, drainSeconds: Math.round((settledAt - resumed) / 100) / 10 };
}

export interface Restart {
    persistentQueue: boolean;
    sentSpans: number;
    storedSpans: number;
    lost: number;
}

/**
 * The gateway killed (SIGKILL) mid-run and started again on the same ports and queue directory,
 * with the persistent queue and without it. Jaeger is frozen around the kill so that exports are
 * queued at that moment, which is what the queue is for.
 */
export async function gatewayRestart(persistentQueue: boolean): Promise<Restart> {
    const tag = persistentQueue ? "persistent" : "memory";
    const jaeger = await startJaeger(`restart-jaeger-${tag}`);
    let gateway: Collector = await startGateway(`restart-gateway-${tag}`, dev.sampling, jaeger.otlpGrpc, 1024, persistentQueue);
    const agent = await startAgent(`restart-agent-${tag}`, dev, gateway.listen.otlpGrpcPort);
    const service = `restart-${tag}-${Date.now().toString(36)}`;
    const jaegerPid = jaeger.process.child.pid ?? 0;
    const load = sendLoad({ endpoint: `127.0.0.1:${agent.listen.otlpGrpcPort}`, spansPerSecond: 400, seconds: 40, service });
    process.kill(jaegerPid, "SIGSTOP");
    // Past the gateway's decision wait, the sampled spans sit in its export queue.
    await sleep((dev.sampling.decisionWaitSeconds + 8) * 1000);
    await stop(gateway.process, "SIGKILL");
    await sleep(2000);
    gateway = await startGateway(`restart-gateway-${tag}`, dev.sampling, jaeger.otlpGrpc, 1024, persistentQueue, gateway.listen);
    process.kill(jaegerPid, "SIGCONT");
    await load;
    const sent = await metric(agent.listen.metricsPort, "otelcol_receiver_accepted_spans");
    const { count } = await settle(jaeger, service, sent, 120000);
    for (const c of [agent, gateway]) await stop(c.process);
    await stop(jaeger.process);
    return { persistentQueue, sentSpans: sent, storedSpans: count, lost: sent - count };
}
