import { randomBytes } from "crypto";
import { parseStackConfig } from "../../config/config";
import type { StackConfig } from "../../config/schema";
import { readStackFile } from "../../config/stack-file";
import { projectDir } from "../support/resources";
import { getTrace } from "./support/jaeger-api";
import { metric } from "../../harness/metrics";
import { OtlpSpan, sendOtlp, str } from "./support/otlp-capture";
import { Collector, Jaeger, startAgent, startGateway, startJaeger } from "../../harness/pipeline";
import { stopAll, waitFor } from "../../harness/processes";

/*
 * Trace-consistent routing with the prod stack's topology: the agent's load_balancing exporter in
 * front of two gateways (prod runs three), each tail-sampling with prod's settings (10 % of ordinary
 * traces kept, every error kept) and exporting to a Jaeger of its own, so that where each span went
 * can be read back. Spans of one trace arrive at the agent in separate requests, one per service,
 * as three services' SDKs send them. Adapted only where there is no cluster: loopback ports, a
 * static resolver naming the two gateways.
 */

const prod: StackConfig = parseStackConfig(readStackFile(projectDir, "prod"));
const services = ["shop-api", "crm-api", "mes-api"];
const traces = 60;

let agent: Collector;
let gateways: Collector[];
let jaegers: Jaeger[];

beforeAll(async () => {
    jaegers = [await startJaeger("routing-jaeger-a"), await startJaeger("routing-jaeger-b")];
    gateways = [
        await startGateway("routing-gateway-a", prod.sampling, jaegers[0].otlpGrpc),
        await startGateway("routing-gateway-b", prod.sampling, jaegers[1].otlpGrpc),
    ];
    agent = await startAgent(
        "routing-agent",
        prod,
        gateways.map((g) => g.listen.otlpGrpcPort),
        prod.collector.agent.memoryMiB,
    );
}, 120000);

afterAll(async () => {
    await stopAll();
});

it(`keeps each of ${traces} three-service traces whole on one gateway, the error in one service keeping the others' spans`, async () => {
    const ids = Array.from({ length: traces }, () => randomBytes(16).toString("hex"));
    const t = `${BigInt(Date.now()) * 1_000_000n}`;
    // One request per service, each carrying its span of every trace: a trace's spans arrive apart.
    for (const [s, service] of services.entries()) {
        const spans: OtlpSpan[] = ids.map((traceId) => ({
            traceId,
            spanId: randomBytes(8).toString("hex"),
            name: `${service} step`,
            kind: 2,
            startTimeUnixNano: t,
            endTimeUnixNano: t,
            attributes: [str("order.id", traceId.slice(0, 8))],
            // The error is in the last service only: the first two services' spans are ordinary, and
            // a gateway that saw only them would keep 10 % of them.
            ...(s === services.length - 1 ? { status: { code: 2, message: "price calculation failed" } } : {}),
        }));
        await sendOtlp(agent, {
            resourceSpans: [
                {
                    resource: { attributes: [str("service.name", service)] },
                    scopeSpans: [{ scope: { name: "routing-e2e" }, spans }],
                },
            ],
        });
    }
    const where = new Map<string, number[]>();
    await waitFor(
        `all ${traces} traces in one Jaeger or the other`,
        async () => {
            for (const id of ids) {
                if (where.has(id)) continue;
                const found = await Promise.all(
                    jaegers.map(async (j) => (await getTrace(j.queryUrl, id))?.spans.length ?? 0),
                );
                if (found.some((n) => n > 0)) where.set(id, found);
            }
            return where.size === traces;
        },
        (prod.sampling.decisionWaitSeconds + 40) * 1000,
        1000,
    );
    // Read again: a trace split over the gateways would be decided on each at about the same time
    // (each part's own decision wait), so by now its other part shows (or was dropped: then it is short).
    for (const id of ids)
        where.set(id, await Promise.all(jaegers.map(async (j) => (await getTrace(j.queryUrl, id))?.spans.length ?? 0)));
    const rows = ids.map((id) => ({ id, perJaeger: (where.get(id) ?? []).join("+") }));
    const split = rows.filter((r) => !["3+0", "0+3"].includes(r.perJaeger));
    expect(split).toEqual([]);
    // Both gateways took part: the routing spreads traces, it does not send everything to one.
    const perGateway = await Promise.all(
        gateways.map((g) => metric(g.listen.metricsPort, "otelcol_receiver_accepted_spans")),
    );
    expect(perGateway.every((n) => n > 0)).toBe(true);
}, 120000);
