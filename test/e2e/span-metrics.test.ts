import { execFile } from "child_process";
import { promisify } from "util";
import { alertRulesInput } from "../../components/monitoring";
import { renderOrderFlowDashboard } from "../../renderers/grafana-dashboard";
import { renderAlertRules } from "../../renderers/prometheus-rules";
import { scrapeInterval, spanMetricNames } from "../../renderers/span-metrics";
import { parseStackConfig } from "../../config/config";
import type { StackConfig } from "../../config/schema";
import { readStackFile } from "../../config/stack-file";
import { projectDir } from "../support/resources";
import { findTraces } from "./support/jaeger-api";
import { exemplarTraceIds, samples, sumWhere } from "../../harness/metrics";
import { Collector, Jaeger, startAgent, startGateway, startJaeger } from "../../harness/pipeline";
import { sleep, stopAll, waitFor } from "../../harness/processes";
import { tools } from "../../harness/tools";

/*
 * The gateway's span metrics count every span, before tail sampling keeps its share: two pipelines
 * as the dev stack renders them, one with the keep-percentage at 0 and one at 10, each fed the same
 * number of ordinary traces by telemetrygen. Adapted only where there is no cluster: loopback ports,
 * a static resolver naming the gateway.
 */

const dev: StackConfig = parseStackConfig(readStackFile(projectDir, "dev"));
const traces = 300;
/** telemetrygen's traces: a parent and one child span each. */
const spansPerTrace = 2;
const run = Date.now().toString(36);

interface Pipeline {
    percent: number;
    service: string;
    agent: Collector;
    gateway: Collector;
}

let jaeger: Jaeger;
let pipelines: Pipeline[];
let exemplarsLife: Promise<ExemplarsLife>;

interface ExemplarsLife {
    /** Milliseconds from the burst's end until its exemplars were first served. */
    firstServedAfterMs: number;
    /** Whether they were still served one scrape interval (less a second of polling) later. */
    servedAScrapeLater: boolean;
}

/**
 * Watches the gateway's span metrics after a burst followed by quiet: when the burst's exemplars are
 * first served (polling every 250 ms), and whether they still are a whole scrape interval later, so
 * that the next scrape, wherever it falls, reads them.
 */
async function watchExemplars(p: Pipeline, burstEnded: number): Promise<ExemplarsLife> {
    const port = p.gateway.spanMetricsPort as number;
    const served = (): Promise<Set<string>> =>
        exemplarTraceIds(port, spanMetricNames.durationBucket, { service_name: p.service });
    let first = new Set<string>();
    await waitFor(
        "the burst's exemplars on the span metrics",
        async () => (first = await served()).size > 0,
        60000,
        250,
    );
    const firstServedAfterMs = Date.now() - burstEnded;
    await sleep(Number.parseInt(scrapeInterval, 10) * 1000 - 1000);
    const later = await served();
    return { firstServedAfterMs, servedAScrapeLater: [...first].some((id) => later.has(id)) };
}

jest.setTimeout(120000);

beforeAll(async () => {
    jaeger = await startJaeger("span-metrics-jaeger");
    pipelines = await Promise.all(
        [0, 10].map(async (percent) => {
            const gateway = await startGateway(
                `span-metrics-gateway-${percent}`,
                { ...dev.sampling, percent },
                jaeger.otlpGrpc,
            );
            const agent = await startAgent(`span-metrics-agent-${percent}`, dev, gateway.listen.otlpGrpcPort);
            return { percent, service: `ordinary-${percent}-${run}`, agent, gateway };
        }),
    );
    await Promise.all(
        pipelines.map((p) =>
            promisify(execFile)(
                tools.telemetrygen(),
                [
                    "traces",
                    "--otlp-endpoint",
                    `127.0.0.1:${p.agent.listen.otlpGrpcPort}`,
                    "--otlp-insecure",
                    "--traces",
                    String(traces),
                    "--rate",
                    "200",
                    "--service",
                    p.service,
                ],
                {
                    timeout: 60000,
                },
            ),
        ),
    );
    // Watched while the tests below run: a scrape interval of quiet is the point.
    const zero = pipelines.find((p) => p.percent === 0) as Pipeline;
    exemplarsLife = watchExemplars(zero, Date.now());
    exemplarsLife.catch(() => undefined);
}, 120000);

afterAll(async () => {
    await stopAll();
});

describe.each([0, 10])("with the keep-percentage at %i", (percent) => {
    const pipeline = (): Pipeline => pipelines.find((p) => p.percent === percent) as Pipeline;

    it(`the gateway's span metrics count all ${traces * spansPerTrace} spans sent, while Jaeger holds only the kept share`, async () => {
        const p = pipeline();
        const port = p.gateway.spanMetricsPort as number;
        let counted = 0;
        await waitFor(
            "the span metrics to count every span",
            async () => {
                counted = sumWhere(await samples(port), spanMetricNames.calls, { service_name: p.service });
                return counted >= traces * spansPerTrace;
            },
            60000,
            500,
        );
        expect(counted).toBe(traces * spansPerTrace);
        // What the agent took in is what was counted: the metrics saw every span, not a sample.
        expect(sumWhere(await samples(p.agent.listen.metricsPort), "otelcol_receiver_accepted_spans")).toBe(
            traces * spansPerTrace,
        );

        // Wait for the sampling decision on every trace (the gateway's own counter), then read Jaeger.
        const decided = async (sampled: "true" | "false"): Promise<number> =>
            sumWhere(
                await samples(p.gateway.listen.metricsPort),
                "otelcol_processor_tail_sampling_global_count_traces_sampled",
                { sampled },
            );
        await waitFor(
            "every trace decided",
            async () => (await decided("true")) + (await decided("false")) === traces,
            60000,
            500,
        );
        const kept = await decided("true");
        let inJaeger = -1;
        await waitFor(
            "the kept traces in Jaeger",
            async () => {
                inJaeger = (await findTraces(jaeger.queryUrl, p.service, {}, "1h", String(traces))).length;
                return inJaeger === kept;
            },
            30000,
            500,
        );
        expect(inJaeger).toBe(kept);
        // At 10 % of 300, between 1 and 74 kept in all but one run in millions.
        const expected = percent === 0 ? { min: 0, max: 0 } : { min: 1, max: traces * 0.25 - 1 };
        expect(kept >= expected.min && kept <= expected.max).toBe(true);
    });
});

it("a burst's exemplars (trace ids on the duration buckets) stay served until Prometheus's next scrape has read them", async () => {
    const life = await exemplarsLife;
    expect(life.firstServedAfterMs).toBeLessThan(2 * Number.parseInt(scrapeInterval, 10) * 1000);
    expect(life).toMatchObject({ servedAScrapeLater: true });
}, 120000);

describe("the metric names the alerts and the dashboard use", () => {
    /** Names in a PromQL expression: identifiers directly followed by a selector. */
    const namesIn = (expr: string): string[] => [...expr.matchAll(/([a-z_:][a-z0-9_:]*)\{/g)].map((m) => m[1]);
    const rules = renderAlertRules(alertRulesInput(dev)).groups.flatMap((g) => g.rules);
    const dashboard = renderOrderFlowDashboard({
        namespace: dev.namespace,
        services: [],
        slowTraceMs: dev.sampling.slowTraceMs,
    });
    const used = new Set([
        ...rules.flatMap((r) => namesIn(r.expr)),
        ...dashboard.panels.flatMap((p) => (p.type === "row" ? [] : p.targets.flatMap((t) => namesIn(t.expr)))),
    ]);
    // kube-state-metrics' and the kubelet's series are not ours to serve.
    const ours = [...used].filter((n) => n.startsWith("otelcol_") || n.startsWith("traces_span_metrics_"));
    // Counters created at their first event: no export fails in this run.
    const onFirstFailure = ["otelcol_exporter_send_failed_spans", "otelcol_exporter_send_failed_spans_total"];

    it("are served, exactly so named, by the real agent, gateway and Jaeger", async () => {
        // The pipeline that kept (and so exported) traces.
        const p = pipelines.find((x) => x.percent > 0) as Pipeline;
        const namesOn = async (port: number): Promise<Set<string>> => new Set((await samples(port)).map((s) => s.name));
        const collectors = [
            await namesOn(p.agent.listen.metricsPort),
            await namesOn(p.gateway.listen.metricsPort),
            await namesOn(p.gateway.spanMetricsPort as number),
        ];
        const jaegerNames = await namesOn(jaeger.metricsPort);
        const served = new Set([...collectors.flatMap((n) => [...n]), ...jaegerNames]);
        expect(ours.length).toBeGreaterThan(8);
        expect(ours.filter((n) => !served.has(n) && !onFirstFailure.includes(n))).toEqual([]);
        // The collector 0.161.0 names its counters without _total, Jaeger 2.13 (collector 0.140 inside)
        // with it: the storage alert's name is Jaeger's, the others the collector's.
        expect({
            collector: collectors[1].has("otelcol_exporter_sent_spans"),
            jaeger: jaegerNames.has("otelcol_exporter_sent_spans_total"),
        }).toEqual({ collector: true, jaeger: true });
        expect(rules.find((r) => r.alert === "TracingJaegerStorageWriteErrors")?.expr).toContain(
            "otelcol_exporter_send_failed_spans_total{",
        );
    });
});
