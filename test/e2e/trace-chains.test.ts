import { execFile } from "child_process";
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { promisify } from "util";
import { parseStackConfig } from "../../config/config";
import type { StackConfig } from "../../config/schema";
import { readStackFile } from "../../config/stack-file";
import { projectDir, text as scalarText } from "../support/resources";
import { versions } from "../../components/versions";
import { spanMetricNames } from "../../renderers/span-metrics";
import {
    descendsFrom,
    findTraces,
    getTrace,
    JaegerSpan,
    JaegerTrace,
    parentOf,
    processTag,
    serviceOf,
    servicesIn,
    tag,
} from "./support/jaeger-api";
import { Collector, Jaeger, startAgent, startGateway, startJaeger } from "../../harness/pipeline";
import { samples, sumWhere } from "../../harness/metrics";
import { alertRulesInput, scrapeInterval } from "../../components/monitoring";
import { renderOrderFlowDashboard, spanKind } from "../../renderers/grafana-dashboard";
import { renderAlertRules } from "../../renderers/prometheus-rules";
import { expand, legend, rateInterval, serviceChoices, timeseriesPanels } from "./support/grafana";
import { Prometheus, PromSeries, query, queryRange, rules, startPrometheus } from "./support/prometheus";
import { runDir, sleep, stop, stopAll, waitFor } from "../../harness/processes";
import { Postgres, RabbitMq, startPostgres, startRabbitMq, stopEpmd } from "../../harness/servers";
import { renderedInjection, StandIns, startStandIns, warmUp } from "../../harness/stand-ins";
import { tools } from "../../harness/tools";

/*
 * The company's seed trace chains (price calculation, order confirmation, a reseller's order, active
 * orders, the shop: one test each below) through the real pipeline with our rendered configs:
 *
 *   stand-ins (Node.js, and CRM API on Spring Boot with the Java agent, their environment computed
 *   from the dev stack's rendered Instrumentation as the Operator does) ─OTLP/HTTP→ agent (renderAgentConfig,
 *   dev stack) ─load_balancing→ gateway (renderGatewayConfig, dev sampling) ─OTLP/gRPC→ Jaeger v2
 *   (renderJaegerConfig, memory storage)
 *
 * Adapted only where there is no cluster: loopback listen addresses on free ports, k8s_attributes in
 * passthrough (no Kubernetes API; the binary needs none in passthrough), a static load_balancing
 * resolver naming the one gateway, a scratch directory for the gateway's persistent queue. The
 * sampling policies and decision_wait (10 s) stay as the dev stack renders them.
 *
 * A second pipeline, identical but for the gateway's keep-percentage set to 0, has its own set of
 * stand-ins (own RabbitMQ exchange) and checks what tail sampling keeps. Both pipelines are started
 * and fed at once, so their decision waits overlap.
 */

const dev: StackConfig = parseStackConfig(readStackFile(projectDir, "dev"));
const run = Date.now().toString(36);
const orderId = (scenario: string): string => `${scenario}-${run}`;
const timings: Record<string, number> = {};
const t0 = Date.now();
const mark = (what: string): void => {
    timings[what] = Date.now() - t0;
};

let pg: Postgres;
let rabbit: RabbitMq;
let jaeger: Jaeger;
let apps: StandIns;
let zeroApps: StandIns;
let zeroAgent: Collector;
let zeroGateway: Collector;
let prometheus: Prometheus;
let prometheusStarted: number;
const scrapeJobs = ["otel-agent", "otel-gateway", "otel-gateway-span-metrics", "jaeger"];

// What the requests of each scenario answered, checked by the tests.
const statuses: Record<string, number> = {};

// The brief's customer data, as a shop form or an operator types it.
const pii = { email: "anna@example.com", phone: "+7 912 345 67 89", card: "4111 1111 1111 1111" };
/** Those values as typed, and digits only. */
const typedPii = (): string[] => Object.values(pii).flatMap((v) => (/\d/.test(v) ? [v, v.replace(/\D/g, "")] : [v]));
/** Those values as they travel in a URL: percent-encoded (fetch, browsers) and form-encoded (URLSearchParams, HTML forms). */
const encodedPii = (): string[] => [
    ...new Set(
        Object.values(pii).flatMap((v) => [
            encodeURI(v),
            encodeURIComponent(v),
            encodeURIComponent(v).replace(/%20/g, "+"),
        ]),
    ),
];
/** Order ids the phone pattern matches. */
const phoneLikeId = "4711-2026-1122";
const phoneLikeHeaderId = "+79123456789";

jest.setTimeout(240000);

async function request(method: string, url: string, id: string, body?: object): Promise<number> {
    const res = await fetch(url, {
        method,
        headers: { "x-order-id": id, "x-user-id": "operator-17", "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15000),
    });
    await res.text();
    return res.status;
}

async function telemetrygen(agent: Collector, service: string, extra: string[]): Promise<void> {
    const args = [
        "traces",
        "--otlp-endpoint",
        `127.0.0.1:${agent.listen.otlpGrpcPort}`,
        "--otlp-insecure",
        "--traces",
        "3",
        "--service",
        service,
        ...extra,
    ];
    await promisify(execFile)(tools.telemetrygen(), args, { timeout: 30000 });
}

/** Every trace the tests looked at, kept in the run directory for a look after a failure. */
const tracesDir = join(runDir, "traces");
mkdirSync(tracesDir, { recursive: true });
const keep = (name: string, trace: unknown): void =>
    writeFileSync(join(tracesDir, `${name.replace(/[^A-Za-z0-9.+-]/g, "_")}.json`), JSON.stringify(trace, null, 2));

beforeAll(async () => {
    [pg, rabbit, jaeger] = await Promise.all([startPostgres(), startRabbitMq(), startJaeger()]);
    mark("postgres, rabbitmq, jaeger up");
    const [gateway, zeroGateway_] = await Promise.all([
        startGateway("gateway", dev.sampling, jaeger.otlpGrpc),
        startGateway("gateway-zero", { ...dev.sampling, percent: 0 }, jaeger.otlpGrpc),
    ]);
    const [agent, agentZero] = await Promise.all([
        startAgent("agent", dev, gateway.listen.otlpGrpcPort),
        startAgent("agent-zero", dev, zeroGateway_.listen.otlpGrpcPort),
    ]);
    zeroAgent = agentZero;
    zeroGateway = zeroGateway_;
    mark("agents and gateways up");
    // Prometheus scrapes the dev pipeline as its PodMonitors would, and evaluates the stack's alert rules.
    const labels = (pod: string): { namespace: string; pod: string } => ({ namespace: dev.namespace, pod });
    prometheusStarted = Date.now() / 1000;
    prometheus = await startPrometheus(
        "prometheus",
        [
            { job: scrapeJobs[0], port: agent.listen.metricsPort, labels: labels("otel-agent-e2e") },
            { job: scrapeJobs[1], port: gateway.listen.metricsPort, labels: labels("otel-gateway-0") },
            {
                job: scrapeJobs[2],
                port: gateway.spanMetricsPort as number,
                labels: labels("otel-gateway-0"),
                honorLabels: true,
            },
            { job: scrapeJobs[3], port: jaeger.metricsPort, labels: labels("jaeger-0") },
        ],
        scrapeInterval,
        renderAlertRules(alertRulesInput(dev)),
    );
    const slowMs = dev.sampling.slowTraceMs + 500;
    // The stand-ins run with the environment the Operator gives the dev stack's workloads.
    const injection = renderedInjection("dev");
    [apps, zeroApps] = await Promise.all([
        startStandIns(agent.listen.otlpHttpPort, pg.url, rabbit.url, injection),
        startStandIns(agentZero.listen.otlpHttpPort, pg.url, rabbit.url, injection, {
            prefix: "zero-",
            exchange: "orders-zero",
            slowMs,
        }),
    ]);
    await Promise.all([warmUp(apps, pg), warmUp(zeroApps, pg, "zero-")]);
    mark("stand-ins up and warm");

    // Chain 2 confirms an order the CRM already has: a fixture row, written outside the traced services.
    pg.sql("crm", `INSERT INTO orders (order_id, item, status) VALUES ('${orderId("confirm")}', 'ring', 'new')`);
    const sent = await Promise.all([
        // The seed chains, through the dev pipeline.
        request("POST", `${apps.mes}/orders/${orderId("price")}/price`, orderId("price")),
        request(
            "POST",
            `${apps.crm}/orders/${orderId("confirm")}/confirm?note=anna@example.com,+79123456789,4111111111111111`,
            orderId("confirm"),
        ),
        // The header names another id than the path: only the Java agent's header capture can give it.
        request("POST", `${apps.crm}/orders/${orderId("path")}/confirm`, orderId("header")),
        request("PUT", `${apps.mes}/orders/${orderId("reseller")}`, orderId("reseller"), { item: "pendant" }),
        request("GET", `${apps.mes}/orders/${orderId("active")}/active`, orderId("active")),
        request("POST", `${apps.shop}/orders/${orderId("shop")}`, orderId("shop"), { email: "anna@example.com" }),
        // Personal data in a query string and from there in SQL (the shop's customer lookup).
        request(
            "POST",
            `${apps.shop}/orders/${orderId("pii")}?email=${pii.email}&phone=${pii.phone}&card=${pii.card}`,
            orderId("pii"),
            {},
        ),
        // An order id that looks like a phone number, known to the agent only from the path (Node.js).
        request("GET", `${apps.mes}/orders/${phoneLikeId}/active`, phoneLikeId),
        // Tail sampling at 0 %: an error, a slow request, and ordinary ones (one with a RabbitMQ hop).
        request("POST", `${zeroApps.mes}/orders/${orderId("failing")}/fail`, orderId("failing")),
        request("POST", `${zeroApps.mes}/orders/${orderId("slow")}/slow`, orderId("slow")),
        request("GET", `${zeroApps.mes}/orders/${orderId("ordinary")}/active`, orderId("ordinary")),
        request("PUT", `${zeroApps.mes}/orders/${orderId("ordinary-mq")}`, orderId("ordinary-mq"), { item: "brooch" }),
    ]);
    [
        "price",
        "confirm",
        "by-header",
        "reseller",
        "active",
        "shop",
        "pii",
        "phone-like-id",
        "failing",
        "slow",
        "ordinary",
        "ordinary-mq",
    ].forEach((k, i) => (statuses[k] = sent[i]));
    await Promise.all([
        // Span attributes no HTTP stand-in can set without tracing code: telemetrygen's spans carry them.
        telemetrygen(agent, `pii-attributes-${run}`, [
            "--telemetry-attributes",
            `customer.email="${pii.email}"`,
            "--telemetry-attributes",
            `note="call ${pii.phone}, card ${pii.card}, mail ${pii.email}"`,
            "--telemetry-attributes",
            `http.request.header.x-order-id="${phoneLikeHeaderId}"`,
        ]),
        // Tail sampling at 0 % for spans sent over OTLP/gRPC.
        telemetrygen(zeroAgent, `ordinary-${run}`, []),
        telemetrygen(zeroAgent, `failing-${run}`, ["--status-code", "Error"]),
        telemetrygen(zeroAgent, `slow-${run}`, ["--span-duration", `${dev.sampling.slowTraceMs + 500}ms`]),
    ]);
    mark("requests sent");
}, 180000);

afterAll(async () => {
    const stopping = await stopAll();
    if (rabbit !== undefined) stopEpmd(rabbit);
    mark("everything stopped");
    process.stdout.write(
        `e2e pipeline timings (ms since the suite started): ${JSON.stringify(timings)}\nstopping took (ms): ${JSON.stringify(stopping)}\n`,
    );
});

/** The one trace Jaeger holds for an order (searched by `order.id`), fetched whole once it holds every expected service. */
async function traceOf(service: string, id: string, expected: string[]): Promise<JaegerTrace> {
    let found: JaegerTrace[] = [];
    let whole: JaegerTrace | null = null;
    await waitFor(
        `a trace with order.id=${id} across ${expected.join(", ")}`,
        async () => {
            found = await findTraces(jaeger.queryUrl, service, { "order.id": id });
            if (found.length === 0) return false;
            whole = await getTrace(jaeger.queryUrl, found[0].traceID);
            return whole !== null && expected.every((s) => servicesIn(whole as JaegerTrace).includes(s));
        },
        60000,
        1000,
    );
    keep(`${service}-${id}`, whole);
    expect(found).toHaveLength(1);
    return whole as unknown as JaegerTrace;
}

const kind = (s: JaegerSpan): unknown => tag(s, "span.kind");
const spansOf = (t: JaegerTrace, service: string, k?: string): JaegerSpan[] =>
    t.spans.filter((s) => serviceOf(t, s) === service && (k === undefined || kind(s) === k));
const sqlOf = (s: JaegerSpan): string => scalarText(tag(s, "db.statement") ?? tag(s, "db.query.text"));
/** The SQL statements a service ran (pg's connect spans, without a statement, left out). */
const dbSpans = (t: JaegerTrace, service: string): JaegerSpan[] =>
    spansOf(t, service).filter(
        (s) => (tag(s, "db.system") === "postgresql" || tag(s, "db.system.name") === "postgresql") && sqlOf(s) !== "",
    );
const roots = (t: JaegerTrace): JaegerSpan[] => t.spans.filter((s) => parentOf(s) === undefined);

/**
 * The RabbitMQ hop of a chain: one publish by `producer`, consumed by `consumer` as a child of that
 * very publish (the context travelled in the message headers), with the SQL `statement` run under
 * the consume.
 */
function expectMessageHop(t: JaegerTrace, producer: string, consumer: string, statement: RegExp): void {
    const published = spansOf(t, producer, "producer");
    const consumed = spansOf(t, consumer, "consumer");
    expect(published).toHaveLength(1);
    expect(consumed).toHaveLength(1);
    expect(parentOf(consumed[0])).toBe(published[0].spanID);
    const key = (s: JaegerSpan): unknown =>
        tag(s, "messaging.rabbitmq.routing_key") ?? tag(s, "messaging.rabbitmq.destination.routing_key");
    expect(key(consumed[0])).toBeDefined();
    expect(key(consumed[0])).toBe(key(published[0]));
    const db = dbSpans(t, consumer).filter((s) => statement.test(sqlOf(s)));
    expect(db.length).toBeGreaterThan(0);
    expect(descendsFrom(t, db[0], consumed[0].spanID)).toBe(true);
}

describe("the seed trace chains through the real agent, gateway and Jaeger", () => {
    it("every request of the scenarios was answered as designed", () => {
        expect(statuses).toEqual({
            price: 200,
            confirm: 200,
            "by-header": 200,
            reseller: 202,
            active: 200,
            shop: 201,
            pii: 201,
            "phone-like-id": 200,
            failing: 500,
            slow: 200,
            ordinary: 200,
            "ordinary-mq": 202,
        });
    });

    it("1. price calculation: MES API → 3D storage → MES API → RabbitMQ → CRM API → CRM DB is one trace", async () => {
        const t = await traceOf("mes-api", orderId("price"), ["mes-api", "storage-3d", "crm-api"]);
        expect(servicesIn(t)).toEqual(["crm-api", "mes-api", "storage-3d"]);
        expect(roots(t)).toHaveLength(1);
        expect(spansOf(t, "storage-3d", "server")).toHaveLength(1);
        expect(descendsFrom(t, spansOf(t, "storage-3d", "server")[0], roots(t)[0].spanID)).toBe(true);
        expectMessageHop(t, "mes-api", "crm-api", /^UPDATE orders SET price/);
        mark("first chain asserted");
    });

    it("2. order confirmation: CRM API → RabbitMQ → MES API → MES DB is one trace", async () => {
        const t = await traceOf("crm-api", orderId("confirm"), ["crm-api", "mes-api"]);
        expect(servicesIn(t)).toEqual(["crm-api", "mes-api"]);
        expect(roots(t)).toHaveLength(1);
        expectMessageHop(t, "crm-api", "mes-api", /^INSERT INTO production_orders/);
    });

    it("3. order creation by a reseller: MES API → RabbitMQ → CRM API → CRM DB is one trace", async () => {
        const t = await traceOf("mes-api", orderId("reseller"), ["mes-api", "crm-api"]);
        expect(servicesIn(t)).toEqual(["crm-api", "mes-api"]);
        expect(roots(t)).toHaveLength(1);
        expectMessageHop(t, "mes-api", "crm-api", /^INSERT INTO orders/);
    });

    it("4. active orders: MES API → MES DB, and the shop: Shop API → Shop DB", async () => {
        const active = await traceOf("mes-api", orderId("active"), ["mes-api"]);
        expect(servicesIn(active)).toEqual(["mes-api"]);
        expect(dbSpans(active, "mes-api").map(sqlOf)).toEqual([
            expect.stringMatching(/^SELECT order_id, status FROM production_orders/),
        ]);
        const shop = await traceOf("shop-api", orderId("shop"), ["shop-api"]);
        expect(servicesIn(shop)).toEqual(["shop-api"]);
        expect(dbSpans(shop, "shop-api").map(sqlOf)).toEqual([expect.stringMatching(/^INSERT INTO shop_orders/)]);
    });
});

describe("CRM API on the Java agent the Operator injects", () => {
    it("its spans come from the Java agent pinned in versions.json, with the pod identity the Operator sets", async () => {
        const t = await traceOf("crm-api", orderId("confirm"), ["crm-api", "mes-api"]);
        const server = spansOf(t, "crm-api", "server")[0];
        expect({
            language: processTag(t, server, "telemetry.sdk.language"),
            agent: processTag(t, server, "telemetry.distro.version"),
            namespace: processTag(t, server, "k8s.namespace.name"),
            deployment: processTag(t, server, "k8s.deployment.name"),
        }).toEqual({
            language: "java",
            agent: versions.autoInstrumentation.java.version,
            namespace: "crm",
            deployment: "crm-api",
        });
        // Spring Web MVC names the server span by its route.
        expect(server.operationName).toBe("POST /orders/{orderId}/confirm");
    });

    it("order.id on its HTTP server span is the captured x-order-id header, not the id in the path", async () => {
        const t = await traceOf("crm-api", orderId("header"), ["crm-api", "mes-api"]);
        const server = spansOf(t, "crm-api", "server")[0];
        expect(tag(server, "order.id")).toBe(orderId("header"));
        expect(String(tag(server, "url.path"))).toContain(orderId("path"));
    });

    it("order.id on its RabbitMQ consume span comes from the message's x-order-id header", async () => {
        for (const scenario of ["price", "reseller"]) {
            const t = await traceOf("mes-api", orderId(scenario), ["mes-api", "crm-api"]);
            const consumed = spansOf(t, "crm-api", "consumer");
            expect(consumed.map((s) => [tag(s, "messaging.system"), tag(s, "order.id")])).toEqual([
                ["rabbitmq", orderId(scenario)],
            ]);
        }
    });
});

describe("orders are found by order.id", () => {
    it.each([
        ["price", "mes-api"],
        ["confirm", "crm-api"],
        ["reseller", "mes-api"],
        ["active", "mes-api"],
        ["shop", "shop-api"],
    ])(
        "the %s order's entry span carries order.id (Node.js: from the path; Java: from the header)",
        async (scenario, service) => {
            const t = await traceOf(service, orderId(scenario), [service]);
            const tagged = t.spans.filter((s) => tag(s, "order.id") === orderId(scenario));
            expect(tagged.length).toBeGreaterThan(0);
            expect(tagged.map((s) => [serviceOf(t, s), kind(s)])).toContainEqual([service, "server"]);
        },
    );

    it("an order id that looks like a phone number stays searchable when it comes from a header", async () => {
        let spans: JaegerSpan[] = [];
        await waitFor(
            "the telemetrygen trace with a phone-like order id",
            async () => {
                const traces = await findTraces(jaeger.queryUrl, `pii-attributes-${run}`, {
                    "order.id": phoneLikeHeaderId,
                });
                spans = traces.flatMap((t) => t.spans);
                return spans.length > 0;
            },
            60000,
            1000,
        );
        expect(spans.every((s) => tag(s, "order.id") === phoneLikeHeaderId)).toBe(true);
    });

    // transform/order_ids reads the path before redaction/pii could mask a phone-like id in it, and
    // order.id is never masked (renderers/pii.ts unmaskedKeys).
    it("an order id that looks like a phone number stays searchable when it comes from the path", async () => {
        // Sent with the active-orders request: once that trace is in Jaeger, this one has been decided too.
        let found = 0;
        await waitFor(
            "the phone-like order id's trace",
            async () =>
                (found = (await findTraces(jaeger.queryUrl, "mes-api", { "order.id": phoneLikeId })).length) > 0,
            60000,
            500,
        );
        expect(found).toBe(1);
    });
});

describe("personal data arrives masked or not at all", () => {
    it("e-mail, phone and card number from a query string are masked in the SQL built from them, and appear nowhere as typed", async () => {
        const t = await traceOf("shop-api", orderId("pii"), ["shop-api"]);
        const text = JSON.stringify(t.spans.map((s) => [s.operationName, s.tags]));
        for (const form of typedPii()) expect({ form, leaked: text.includes(form) }).toEqual({ form, leaked: false });
        const lookup = dbSpans(t, "shop-api")
            .map(sqlOf)
            .find((q) => q.startsWith("SELECT email FROM shop_customers"));
        // URLSearchParams decoded the phone's "+" to a space, hence "' ****'".
        expect(lookup).toMatch(
            /^SELECT email FROM shop_customers WHERE email = '\*\*\*\*' OR phone = ' ?\*\*\*\*' OR card_number = '\*\*\*\*'$/,
        );
    });

    // @opentelemetry/instrumentation-http records url.query form-encoded
    // ("email=anna%40example.com&phone=+7+912+345+67+89&card=4111+1111+1111+1111"): the default masks
    // (config/schema.ts defaultPiiMasks) match those forms too.
    it("e-mail, phone and card number are masked in the URL as the HTTP instrumentation records it (encoded)", async () => {
        const t = await traceOf("shop-api", orderId("pii"), ["shop-api"]);
        const text = JSON.stringify(t.spans.map((s) => [s.operationName, s.tags]));
        for (const form of encodedPii()) expect({ form, leaked: text.includes(form) }).toEqual({ form, leaked: false });
        const server = spansOf(t, "shop-api", "server")[0];
        expect(String(tag(server, "url.query") ?? tag(server, "http.target"))).toMatch(
            /email=\*\*\*\*&phone=\*\*\*\*&card=\*\*\*\*/,
        );
    });

    it("the same in the CRM's operator note (URL and SQL), compact forms", async () => {
        const t = await traceOf("crm-api", orderId("confirm"), ["crm-api", "mes-api"]);
        const text = JSON.stringify(t.spans.map((s) => [s.operationName, s.tags]));
        for (const secret of ["anna@example.com", "+79123456789", "79123456789", "4111111111111111"])
            expect(text).not.toContain(secret);
        const server = spansOf(t, "crm-api", "server")[0];
        const target = scalarText(
            tag(server, "http.target") ??
                `${scalarText(tag(server, "url.path"))}?${scalarText(tag(server, "url.query"))}`,
        );
        expect(target).toMatch(/note=.*\*\*\*\*/);
        // The Java agent replaces SQL literals by "?" before the collector sees them.
        expect(dbSpans(t, "crm-api").map(sqlOf)).toContainEqual(
            expect.stringMatching(/^SELECT order_id FROM orders WHERE order_id = \? OR note = \?$/),
        );
    });

    it("span attributes: a deleted key is gone, a free-text one is masked", async () => {
        let spans: JaegerSpan[] = [];
        await waitFor(
            "the telemetrygen trace with personal data",
            async () => {
                spans = (await findTraces(jaeger.queryUrl, `pii-attributes-${run}`, {})).flatMap((t) => t.spans);
                return spans.length > 0;
            },
            60000,
            1000,
        );
        keep(`pii-attributes-${run}`, spans);
        for (const s of spans) {
            expect(tag(s, "customer.email")).toBeUndefined();
            expect(tag(s, "note")).toBe("call ****, card ****, mail ****");
        }
        // The order id (a phone-like one here, deliberately exempt from masking) aside, nothing is left.
        const text = JSON.stringify(
            spans.map((s) => s.tags.filter((t) => t.key !== "order.id" && t.key !== "http.request.header.x-order-id")),
        );
        for (const form of typedPii()) expect({ form, leaked: text.includes(form) }).toEqual({ form, leaked: false });
    });
});

/**
 * Proof, from the zero gateway's own counters, that an absent trace was dropped rather than not yet
 * decided or still on its way: every trace id received so far has been decided, and every span the
 * batch processor had let out by then has been sent to Jaeger. Snapshots, not equalities: the
 * services may go on sending spans of their own meanwhile.
 */
async function zeroGatewaySettled(): Promise<void> {
    const counters = async (): Promise<{ received: number; decided: number; batched: number; sent: number }> => {
        const m = await samples(zeroGateway.listen.metricsPort);
        return {
            received: sumWhere(m, "otelcol_processor_tail_sampling_new_trace_id_received"),
            decided: sumWhere(m, "otelcol_processor_tail_sampling_global_count_traces_sampled"),
            batched: sumWhere(m, "otelcol_processor_outgoing_items", { processor: "batch" }),
            sent: sumWhere(m, "otelcol_exporter_sent_spans"),
        };
    };
    const { received } = await counters();
    expect(received).toBeGreaterThan(0);
    await waitFor(
        `the zero gateway to decide the ${received} traces it has received`,
        async () => (await counters()).decided >= received,
        60000,
        500,
    );
    const { batched } = await counters();
    await waitFor(
        `the zero gateway to send the ${batched} spans it kept`,
        async () => (await counters()).sent >= batched,
        60000,
        500,
    );
}

describe("tail sampling with the keep-percentage at 0", () => {
    const kept = async (service: string, id: string): Promise<number> => {
        const found = await findTraces(jaeger.queryUrl, service, { "order.id": id });
        found.forEach((t, i) => keep(`kept-${service}-${id}-${i}`, t));
        return found.length;
    };

    it("keeps the error trace (HTTP 500) and the trace slower than slowTraceMs, drops the ordinary ones", async () => {
        await waitFor(
            "the error and the slow trace in Jaeger",
            async () =>
                (await kept("mes-api", orderId("failing"))) === 1 && (await kept("mes-api", orderId("slow"))) === 1,
            60000,
            1000,
        );
        await zeroGatewaySettled();
        expect(await kept("mes-api", orderId("ordinary"))).toBe(0);
        expect(await kept("mes-api", orderId("ordinary-mq"))).toBe(0);
        // And not because the second pipeline lost them: its kept traces are whole.
        const failing = (await findTraces(jaeger.queryUrl, "mes-api", { "order.id": orderId("failing") }))[0];
        expect(failing.spans.some((s) => tag(s, "otel.status_code") === "ERROR" || tag(s, "error") === true)).toBe(
            true,
        );
        mark("sampling asserted");
    });

    it("the same for spans sent over OTLP/gRPC (telemetrygen): error and slow kept, ordinary dropped", async () => {
        const count = async (service: string): Promise<number> =>
            (await findTraces(jaeger.queryUrl, `${service}-${run}`, {})).length;
        await waitFor(
            "error and slow telemetrygen traces in Jaeger",
            async () => (await count("failing")) === 3 && (await count("slow")) === 3,
            60000,
            1000,
        );
        await zeroGatewaySettled();
        expect(await count("ordinary")).toBe(0);
    });
});

// Last: it stops the second set's CRM API.
describe("a lost message shows in the span metrics, which count before sampling", () => {
    it("an order event published while its consumer is stopped is counted published and not consumed", async () => {
        const destination = {
            messaging_destination_name: "orders-zero",
            messaging_rabbitmq_destination_routing_key: "order.created",
        };
        const count = async (span_kind: string): Promise<number> =>
            sumWhere(await samples(zeroGateway.spanMetricsPort as number), spanMetricNames.calls, {
                ...destination,
                span_kind,
            });
        const counts = async (): Promise<{ published: number; consumed: number }> => ({
            published: await count("SPAN_KIND_PRODUCER"),
            consumed: await count("SPAN_KIND_CONSUMER"),
        });
        // So far every order.created of the set (the warm-up, the ordinary-mq order) was consumed: MES
        // API's publish span and CRM API's (Java) consume span land on one label set.
        let before = { published: 0, consumed: 0 };
        await waitFor(
            "published and consumed counts to match",
            async () => {
                before = await counts();
                return before.published >= 2 && before.published === before.consumed;
            },
            60000,
            500,
        );
        await stop(zeroApps.processes.crm);
        expect(
            await request("PUT", `${zeroApps.mes}/orders/${orderId("lost")}`, orderId("lost"), { item: "ring" }),
        ).toBe(202);
        let after = before;
        await waitFor(
            "the publish to be counted",
            async () => {
                after = await counts();
                return after.published > before.published;
            },
            60000,
            500,
        );
        // Counted on its way to tail sampling (which keeps 0 % of ordinary traces here), unconsumed.
        expect({ published: after.published - before.published, consumed: after.consumed - before.consumed }).toEqual({
            published: 1,
            consumed: 0,
        });
    });
});

describe("the dashboard and the alert rules, on the real Prometheus scraping the dev pipeline", () => {
    const dashboard = renderOrderFlowDashboard({
        namespace: dev.namespace,
        services: dev.workloads.map((w) => w.name),
        slowTraceMs: dev.sampling.slowTraceMs,
    });
    const scrapeSeconds = Number.parseInt(scrapeInterval, 10);

    let services: string[] = [];

    it("every panel's query runs and has series under the labels it groups by", async () => {
        const rate = rateInterval(scrapeSeconds, scrapeSeconds);
        const titles = timeseriesPanels(dashboard).map((p) => p.title);
        const results: Record<string, PromSeries[][]> = {};
        const withData = (): string[] =>
            Object.entries(results)
                .filter(([, targets]) => targets.some((series) => series.length > 0))
                .map(([title]) => title);
        const podsAccepting = (): string[] =>
            (results["Spans accepted vs refused"]?.[0] ?? []).map((s) => s.metric.pod).sort();
        // A rate needs two scrapes that saw the series: up to two scrape intervals after the spans. Each
        // target is scraped at its own offset in the interval, so one pod's series can come a scrape later.
        await waitFor(
            "every panel to have series, and every collector pod its own",
            async () => {
                services = await serviceChoices(dashboard, prometheus);
                for (const panel of timeseriesPanels(dashboard))
                    results[panel.title] = await Promise.all(
                        panel.targets.map((t) => query(prometheus, expand(t.expr, services, rate))),
                    );
                return withData().length === titles.length && podsAccepting().length === 2;
            },
            4 * scrapeSeconds * 1000,
            2000,
        ).catch(() => undefined);
        // The picker offers the instrumented workloads that sent spans, and not the platform's own (Jaeger's).
        expect(services.sort()).toEqual(["crm-api", "mes-api", "shop-api"]);
        expect(withData()).toEqual(titles);
        // The collectors register their counters at zero: the dev run dropped no trace too early.
        const droppedTooEarly = results["Traces dropped too early"][0].map((s) => Number(s.value?.[1]));
        expect(droppedTooEarly).toEqual([0]);

        const labelsOf = (title: string, target: number): Record<string, string>[] =>
            results[title][target].map((s) => s.metric);
        // Every step of the chains, per service, from both agents (Node.js and Java).
        expect(new Set(labelsOf("Requests and messages per second", 0).map((m) => m.service_name))).toEqual(
            new Set(services),
        );
        expect(
            labelsOf("Duration per chain step (p50, p95)", 1).some(
                (m) => m.service_name === "crm-api" && m.span_name !== undefined,
            ),
        ).toBe(true);
        // Published by MES API and consumed by CRM API: one label set on both sides.
        const orderCreated = {
            messaging_destination_name: "orders",
            messaging_rabbitmq_destination_routing_key: "order.created",
        };
        expect(labelsOf("RabbitMQ: published vs consumed", 0)).toContainEqual(orderCreated);
        expect(labelsOf("RabbitMQ: published vs consumed", 1)).toContainEqual(orderCreated);
        expect(
            labelsOf("Spans accepted vs refused", 0)
                .map((m) => m.pod)
                .sort(),
        ).toEqual(["otel-agent-e2e", "otel-gateway-0"]);

        // The cardinality bound: no series per order or per user, however many orders pass.
        const spanMetrics = `{__name__=~"traces_span_metrics_.*"}`;
        const perOrder = await query(
            prometheus,
            `count by (__name__) (${spanMetrics.replace("}", ', order_id!=""}')})`,
        );
        const perUser = await query(prometheus, `count by (__name__) (${spanMetrics.replace("}", ', user_id!=""}')})`);
        expect([...perOrder, ...perUser]).toEqual([]);
        const seriesByName = await query(prometheus, `count by (__name__) (${spanMetrics})`);
        process.stdout.write(
            `span metrics series after the seed chains (dev pipeline): ${seriesByName.map((s) => `${s.metric.__name__} ${s.value?.[1]}`).join(", ")}\n`,
        );
    });

    /**
     * The series the README's picture is drawn from (scripts/dashboard-picture.ts), written to the run
     * directory. DASHBOARD_PICTURE_SECONDS=N first sends the dev chains N seconds more (an order a
     * second, every tenth failing, every fifteenth slow), so the lines have more than a few points.
     */
    afterAll(async () => {
        if (prometheus === undefined || services.length === 0) return;
        const extraSeconds = Number(process.env.DASHBOARD_PICTURE_SECONDS ?? "0");
        for (let i = 0; i < extraSeconds; i++) {
            const id = orderId(`picture-${i}`);
            const kind = i % 10 === 9 ? "fail" : i % 15 === 14 ? "slow" : "";
            await Promise.all([
                request("PUT", `${apps.mes}/orders/${id}`, id, { item: "ring" }),
                request("POST", `${apps.mes}/orders/${id}/price`, id),
                request("POST", `${apps.shop}/orders/${id}`, id, {}),
                kind === ""
                    ? request("GET", `${apps.mes}/orders/${id}/active`, id)
                    : request("POST", `${apps.mes}/orders/${id}/${kind}`, id),
                sleep(1000),
            ]);
        }
        if (extraSeconds > 0) await sleep(2 * scrapeSeconds * 1000);
        // The series the README's picture is drawn from (scripts/dashboard-picture.ts).
        const end = Date.now() / 1000;
        const step = 5;
        const picture = [];
        for (const panel of timeseriesPanels(dashboard)) {
            const series = [];
            for (const t of panel.targets)
                for (const s of await queryRange(
                    prometheus,
                    expand(t.expr, services, rateInterval(scrapeSeconds, step)),
                    prometheusStarted,
                    end,
                    step,
                ))
                    series.push({ name: legend(t.legendFormat, s.metric), values: s.values ?? [] });
            picture.push({
                title: panel.title,
                unit: panel.fieldConfig.defaults.unit,
                gridPos: panel.gridPos,
                thresholdMs:
                    panel.fieldConfig.defaults.custom.thresholdsStyle.mode === "line"
                        ? dev.sampling.slowTraceMs
                        : undefined,
                series,
            });
        }
        writeFileSync(
            join(runDir, "dashboard-series.json"),
            JSON.stringify({ title: dashboard.title, from: prometheusStarted, to: end, panels: picture }, null, 2),
        );
    }, 600000);

    it("the duration exemplars carry the trace id of a trace Jaeger holds", async () => {
        const bucket = spanMetricNames.durationBucket;
        let traceIds: string[] = [];
        // Read by the scrape after the flush that counted the spans: at most a scrape interval away.
        await waitFor(
            "exemplars in Prometheus",
            async () => {
                const res = await fetch(
                    `${prometheus.url}/api/v1/query_exemplars?${String(new URLSearchParams({ query: `${bucket}{span_kind="${spanKind.server}"}`, start: String(prometheusStarted), end: String(Date.now() / 1000) }))}`,
                );
                const data = ((await res.json()) as { data: { exemplars: { labels: Record<string, string> }[] }[] })
                    .data;
                traceIds = [...new Set(data.flatMap((d) => d.exemplars.map((e) => e.labels.trace_id)))];
                return traceIds.length > 0;
            },
            2 * scrapeSeconds * 1000,
            1000,
        ).catch(() => undefined);
        expect(traceIds.length).toBeGreaterThan(0);
        expect(await getTrace(jaeger.queryUrl, traceIds[0])).not.toBeNull();
    });

    it("Prometheus evaluates every alert rule of the stack without an error", async () => {
        let all = await rules(prometheus);
        await waitFor(
            "every rule to be evaluated",
            async () => {
                all = await rules(prometheus);
                return all.every((r) => r.health !== "unknown");
            },
            3 * scrapeSeconds * 1000,
            1000,
        );
        expect(all.filter((r) => r.health !== "ok").map((r) => `${r.name}: ${r.lastError ?? r.health}`)).toEqual([]);
        expect(all.length).toBe(renderAlertRules(alertRulesInput(dev)).groups.flatMap((g) => g.rules).length);
    });
});
