import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { parseStackConfig } from "../../config/config";
import type { StackConfig } from "../../config/schema";
import { readStackFile } from "../../config/stack-file";
import { viewPath } from "../../config/views";
import { projectDir, text as scalarText } from "../support/resources";
import { allViewExporter, GatewayView, viewExporter, viewFilter } from "../../renderers/gateway-config";
import {
    findTraces,
    getTrace,
    JaegerSpan,
    JaegerTrace,
    processTag,
    serviceOf,
    services,
    servicesIn,
    tag,
} from "./support/jaeger-api";
import { Collector, Jaeger, startAgent, startGateway, startJaeger } from "../../harness/pipeline";
import { samples, sumWhere } from "../../harness/metrics";
import { runDir, stopAll, waitFor } from "../../harness/processes";
import { Postgres, RabbitMq, startPostgres, startRabbitMq, stopEpmd } from "../../harness/servers";
import { renderedInjection, StandIns, startStandIns, warmUp } from "../../harness/stand-ins";

/*
 * Team views (issue #17) with the real software and our rendered configs:
 *
 *   stand-ins (the dev stack's injected environment, k8s.namespace.name from the Operator's
 *   OTEL_RESOURCE_ATTRIBUTES) ─→ agent (renderAgentConfig) ─→ one gateway (renderGatewayConfig with the
 *   dev stack's views and sampling) ─┬→ Jaeger of the all view (renderJaegerConfig, base path /)
 *                                    └→ forward/views → filter/view-<name> → Jaeger of each view
 *                                       (renderJaegerConfig, base path viewPath(<name>))
 *
 * Adapted only as trace-chains.test.ts is: loopback addresses on free ports, memory storage, a scratch
 * directory for the gateway's queue, k8s_attributes in passthrough. The price-calculation chain (MES
 * API → 3D storage → MES API → RabbitMQ → CRM API → CRM DB) crosses the namespaces mes, storage (which
 * no view selects) and crm; the shop's order creation stays in shop. Each runs once, for one order id.
 */

const dev: StackConfig = parseStackConfig(readStackFile(projectDir, "dev"));
const run = Date.now().toString(36);
const orderId = `4711-${run}`;
const timings: Record<string, number> = {};
const t0 = Date.now();
const mark = (what: string): void => {
    timings[what] = Date.now() - t0;
};

let pg: Postgres;
let rabbit: RabbitMq;
let all: Jaeger;
const viewJaegers: Record<string, Jaeger> = {};
let gateway: Collector;
let apps: StandIns;
const statuses: Record<string, number> = {};

jest.setTimeout(120000);

/** The dev stack's views as the program hands them to the gateway (stacks/platform.ts), each pointing at its Jaeger here. */
const gatewayViews = (): GatewayView[] =>
    dev.views.map((v) => ({
        name: v.name,
        namespaces: v.namespaces,
        services: v.services,
        exportEndpoint: viewJaegers[v.name].otlpGrpc,
    }));

/** Whether a view selects the span, by its process (resource): the view's namespaces or its service names. */
const selects = (view: StackConfig["views"][number], t: JaegerTrace, s: JaegerSpan): boolean =>
    view.namespaces.includes(String(processTag(t, s, "k8s.namespace.name"))) || view.services.includes(serviceOf(t, s));

const tracesDir = join(runDir, "views-traces");
mkdirSync(tracesDir, { recursive: true });
const keep = (name: string, data: unknown): void =>
    writeFileSync(join(tracesDir, `${name.replace(/[^A-Za-z0-9.+-]/g, "_")}.json`), JSON.stringify(data, null, 2));

async function request(method: string, url: string, body?: object): Promise<number> {
    const res = await fetch(url, {
        method,
        headers: { "x-order-id": orderId, "x-user-id": "operator-17", "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15000),
    });
    await res.text();
    return res.status;
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
    const res = await fetch(url, { signal: AbortSignal.timeout(10000) });
    const text = await res.text();
    try {
        return { status: res.status, body: JSON.parse(text) };
    } catch {
        return { status: res.status, body: text };
    }
}

beforeAll(async () => {
    const started = await Promise.all([
        startPostgres(),
        startRabbitMq(),
        startJaeger("jaeger-all"),
        ...dev.views.map((v) => startJaeger(`jaeger-view-${v.name}`, viewPath(v.name))),
    ]);
    [pg, rabbit, all] = started as [Postgres, RabbitMq, Jaeger];
    dev.views.forEach((v, i) => (viewJaegers[v.name] = started[3 + i] as Jaeger));
    mark("postgres, rabbitmq, jaegers up");
    gateway = await startGateway("gateway", dev.sampling, all.otlpGrpc, 1024, true, undefined, gatewayViews());
    const agent = await startAgent("agent", dev, gateway.listen.otlpGrpcPort);
    mark("agent and gateway up");
    apps = await startStandIns(agent.listen.otlpHttpPort, pg.url, rabbit.url, renderedInjection("dev"));
    await warmUp(apps, pg);
    mark("stand-ins up and warm");
    // The chains, once each, for one order.
    [statuses.price, statuses.shop] = await Promise.all([
        request("POST", `${apps.mes}/orders/${orderId}/price`),
        request("POST", `${apps.shop}/orders/${orderId}`, { item: "ring" }),
    ]);
    mark("requests sent");
}, 240000);

afterAll(async () => {
    const stopping = await stopAll();
    if (rabbit !== undefined) stopEpmd(rabbit);
    mark("everything stopped");
    process.stdout.write(
        `views e2e timings (ms since the suite started): ${JSON.stringify(timings)}\nstopping took (ms): ${JSON.stringify(stopping)}\n`,
    );
});

/**
 * Proof from the components' own counters that nothing is still on its way: the gateway has decided
 * every trace it received, every span the batch processor let out went to the all view's exporter and
 * into each view's filter, every span a filter let through was sent to that view's Jaeger, and every
 * Jaeger has stored what it accepted.
 */
async function settled(): Promise<void> {
    const received = sumWhere(
        await samples(gateway.listen.metricsPort),
        "otelcol_processor_tail_sampling_new_trace_id_received",
    );
    await waitFor(
        `the gateway to decide the ${received} traces it has received`,
        async () =>
            sumWhere(
                await samples(gateway.listen.metricsPort),
                "otelcol_processor_tail_sampling_global_count_traces_sampled",
            ) >= received,
        60000,
        500,
    );
    const jaegers = [all, ...Object.values(viewJaegers)];
    await waitFor(
        "every kept span to reach its Jaegers and be stored",
        async () => {
            const m = await samples(gateway.listen.metricsPort);
            const batched = sumWhere(m, "otelcol_processor_batch_batch_send_size_sum");
            const sent = (exporter: string): number => sumWhere(m, "otelcol_exporter_sent_spans", { exporter });
            const items = (direction: "incoming" | "outgoing", processor: string): number =>
                sumWhere(m, `otelcol_processor_${direction}_items`, { processor });
            const gatewayDone =
                sent(allViewExporter) === batched &&
                dev.views.every(
                    (v) =>
                        items("incoming", viewFilter(v.name)) === batched &&
                        sent(viewExporter(v.name)) === items("outgoing", viewFilter(v.name)),
                );
            if (!gatewayDone) return false;
            for (const j of jaegers) {
                const jm = await samples(j.metricsPort);
                const stored = sumWhere(jm, "otelcol_exporter_sent_spans_total", {
                    exporter: "jaeger_storage_exporter",
                });
                if (stored < sumWhere(jm, "otelcol_receiver_accepted_spans_total")) return false;
            }
            return true;
        },
        60000,
        500,
    );
}

/** The order's trace in the all view, once it holds `expected` services (and `done` says it is whole), after everything settled. */
async function allViewTrace(
    service: string,
    expected: string[],
    done: (t: JaegerTrace) => boolean = () => true,
): Promise<JaegerTrace> {
    let whole: JaegerTrace | null = null;
    await waitFor(
        `the all view's trace with order.id=${orderId} across ${expected.join(", ")}`,
        async () => {
            const found = await findTraces(all.queryUrl, service, { "order.id": orderId });
            if (found.length !== 1) return false;
            whole = await getTrace(all.queryUrl, found[0].traceID);
            return whole !== null && expected.every((s) => servicesIn(whole as JaegerTrace).includes(s)) && done(whole);
        },
        60000,
        1000,
    );
    await settled();
    const t = (await getTrace(all.queryUrl, (whole as unknown as JaegerTrace).traceID)) as JaegerTrace;
    keep(`all-${service}-${orderId}`, t);
    return t;
}

const ids = (spans: JaegerSpan[]): string[] => spans.map((s) => s.spanID).sort();
const sqlOf = (s: JaegerSpan): string => scalarText(tag(s, "db.statement") ?? tag(s, "db.query.text"));

let priceTrace: JaegerTrace;
let shopTrace: JaegerTrace;

describe("team views: one gateway samples once, each view's Jaeger gets its own services' spans of the kept traces", () => {
    it("the chains were answered as designed", () => {
        expect(statuses).toEqual({ price: 200, shop: 201 });
    });

    it("the all view holds the whole order traces, every span with the namespace its pod runs in", async () => {
        // Whole: CRM API (Java) has consumed the price and written it.
        priceTrace = await allViewTrace("mes-api", ["mes-api", "storage-3d", "crm-api"], (t) =>
            t.spans.some((s) => serviceOf(t, s) === "crm-api" && /^UPDATE orders SET price/.test(sqlOf(s))),
        );
        shopTrace = await allViewTrace("shop-api", ["shop-api"], (t) =>
            t.spans.some((s) => /^INSERT INTO shop_orders/.test(sqlOf(s))),
        );
        expect(servicesIn(priceTrace)).toEqual(["crm-api", "mes-api", "storage-3d"]);
        expect(servicesIn(shopTrace)).toEqual(["shop-api"]);
        // A span without a namespace would be in no namespace view: every span has the one of its pod.
        const namespaces = (t: JaegerTrace): Record<string, string[]> => {
            const byService: Record<string, Set<string>> = {};
            for (const s of t.spans)
                (byService[serviceOf(t, s)] ??= new Set()).add(String(processTag(t, s, "k8s.namespace.name")));
            return Object.fromEntries(Object.entries(byService).map(([k, v]) => [k, [...v]]));
        };
        expect(namespaces(priceTrace)).toEqual({ "mes-api": ["mes"], "storage-3d": ["storage"], "crm-api": ["crm"] });
        expect(namespaces(shopTrace)).toEqual({ "shop-api": ["shop"] });
        mark("all view asserted");
    });

    it.each(dev.views.map((view) => ({ name: view.name, view })))(
        "the $name view's Jaeger holds, under the same trace ids, exactly the spans of its namespaces",
        async ({ name, view }) => {
            const j = viewJaegers[name];
            let selected = 0;
            for (const t of [priceTrace, shopTrace]) {
                const expected = t.spans.filter((s) => selects(view, t, s));
                selected += expected.length;
                const got = await getTrace(j.queryUrl, t.traceID);
                keep(`view-${name}-${t.traceID}`, got);
                expect({ trace: t.traceID, spans: ids(got?.spans ?? []) }).toEqual({
                    trace: t.traceID,
                    spans: ids(expected),
                });
                // The view's copy is the same spans, not only the same ids: same service and operation.
                if (got !== null)
                    expect(got.spans.map((s) => `${serviceOf(got, s)} ${s.operationName}`).sort()).toEqual(
                        expected.map((s) => `${serviceOf(t, s)} ${s.operationName}`).sort(),
                    );
            }
            // Not vacuous: each dev view has spans in these traces.
            expect(selected).toBeGreaterThan(0);
        },
    );

    it("the 3D storage's spans (namespace storage, in no view) are in the all view only", async () => {
        const storageSpans = priceTrace.spans.filter((s) => serviceOf(priceTrace, s) === "storage-3d");
        expect(storageSpans.length).toBeGreaterThan(0);
        for (const j of Object.values(viewJaegers)) {
            const got = await getTrace(j.queryUrl, priceTrace.traceID);
            const inView = new Set((got?.spans ?? []).map((s) => s.spanID));
            expect(storageSpans.filter((s) => inView.has(s.spanID))).toEqual([]);
            expect(await services(j.queryUrl)).not.toContain("storage-3d");
        }
    });

    it("over the whole run, each view's filter let through exactly the kept spans of its namespaces, and no export failed", async () => {
        await settled();
        // Every span the all view holds (the warm-up's chains too), each trace once.
        const held = new Map<string, JaegerTrace>();
        for (const service of await services(all.queryUrl))
            for (const t of await findTraces(all.queryUrl, service, {}, "1h", "1000")) held.set(t.traceID, t);
        const spans = [...held.values()].flatMap((t) => t.spans.map((s) => ({ t, s })));
        const m = await samples(gateway.listen.metricsPort);
        const batched = sumWhere(m, "otelcol_processor_batch_batch_send_size_sum");
        const accepted = async (j: Jaeger): Promise<number> =>
            sumWhere(await samples(j.metricsPort), "otelcol_receiver_accepted_spans_total");
        expect({ batched, sent: sumWhere(m, "otelcol_exporter_sent_spans", { exporter: allViewExporter }) }).toEqual({
            batched: spans.length,
            sent: spans.length,
        });
        expect(await accepted(all)).toBe(spans.length);
        for (const v of dev.views) {
            const selected = spans.filter(({ t, s }) => selects(v, t, s)).length;
            const filter = viewFilter(v.name);
            expect({
                view: v.name,
                incoming: sumWhere(m, "otelcol_processor_incoming_items", { processor: filter }),
                outgoing: sumWhere(m, "otelcol_processor_outgoing_items", { processor: filter }),
                dropped: sumWhere(m, "otelcol_processor_filter_spans_filtered", { filter }),
                sent: sumWhere(m, "otelcol_exporter_sent_spans", { exporter: viewExporter(v.name) }),
                stored: await accepted(viewJaegers[v.name]),
            }).toEqual({
                view: v.name,
                incoming: spans.length,
                outgoing: selected,
                dropped: spans.length - selected,
                sent: selected,
                stored: selected,
            });
        }
        expect(sumWhere(m, "otelcol_exporter_send_failed_spans")).toBe(0);
        expect(sumWhere(m, "otelcol_processor_tail_sampling_sampling_trace_dropped_too_early")).toBe(0);
    });
});

describe("the shop view's HTTP API, under its base path, shows the shop's spans only", () => {
    const shopView = (): StackConfig["views"][number] => {
        const v = dev.views.find((x) => x.name === "shop");
        if (v === undefined) throw new Error("the dev stack has no shop view");
        return v;
    };
    const shop = (): Jaeger => viewJaegers.shop;
    /** The services the shop view selects, as the all view knows them. */
    const shopServices = (): string[] => servicesIn(shopTrace);
    const otherTeams = ["crm-api", "mes-api", "storage-3d"];

    it("is served under viewPath(shop), not at the root", async () => {
        expect(shop().queryUrl).toMatch(new RegExp(`${viewPath("shop")}$`));
        const atRoot = await getJson(`${new URL(shop().queryUrl).origin}/api/services`);
        // The root answers with the UI's page (a redirect target) or nothing, never with the API's data.
        expect(typeof atRoot.body === "object" && atRoot.body !== null && "data" in atRoot.body).toBe(false);
    });

    it("/api/services lists only shop services", async () => {
        const listed = await getJson(`${shop().queryUrl}/api/services`);
        expect(listed.status).toBe(200);
        expect(((listed.body as { data: string[] }).data ?? []).sort()).toEqual(shopServices());
        expect(shopView().namespaces).toEqual(["shop"]);
    });

    it("a search for another team's service finds nothing", async () => {
        for (const service of otherTeams) {
            for (const tags of [{}, { "order.id": orderId }]) {
                const q = new URLSearchParams({ service, tags: JSON.stringify(tags), lookback: "1h", limit: "20" });
                const res = await getJson(`${shop().queryUrl}/api/traces?${q.toString()}`);
                const data = (res.body as { data?: unknown[] | null }).data ?? [];
                expect({ service, tags, ok: res.status === 200 || res.status >= 400, found: data.length }).toEqual({
                    service,
                    tags,
                    ok: true,
                    found: 0,
                });
            }
        }
        // The shop's own order is found by its id.
        const own = await findTraces(shop().queryUrl, "shop-api", { "order.id": orderId });
        expect(own.map((t) => t.traceID)).toEqual([shopTrace.traceID]);
    });

    it("/api/traces/<id> of the price chain's trace shows no CRM or MES span", async () => {
        const res = await getJson(`${shop().queryUrl}/api/traces/${priceTrace.traceID}`);
        const traces = (res.body as { data?: JaegerTrace[] | null }).data ?? [];
        const servicesSeen = traces.flatMap((t) => t.spans.map((s) => serviceOf(t, s)));
        expect(servicesSeen).toEqual([]);
        // The all view has that trace, with those services.
        expect(servicesIn((await getTrace(all.queryUrl, priceTrace.traceID)) as JaegerTrace)).toEqual(otherTeams);
    });

    it("/api/dependencies names no other team's service", async () => {
        const q = new URLSearchParams({ endTs: String(Date.now()), lookback: String(3600 * 1000) });
        const res = await getJson(`${shop().queryUrl}/api/dependencies?${q.toString()}`);
        expect(res.status).toBe(200);
        const links = (res.body as { data: { parent: string; child: string }[] }).data ?? [];
        const named = [...new Set(links.flatMap((l) => [l.parent, l.child]))];
        expect(named.filter((s) => !shopServices().includes(s))).toEqual([]);
        // The all view's dependencies do link the other teams' services (the query itself works).
        const allRes = await getJson(`${all.queryUrl}/api/dependencies?${q.toString()}`);
        const allNamed = ((allRes.body as { data: { parent: string; child: string }[] }).data ?? []).flatMap((l) => [
            l.parent,
            l.child,
        ]);
        expect(allNamed).toEqual(expect.arrayContaining(["mes-api", "storage-3d"]));
        mark("shop view asserted");
    });
});
