import { randomBytes } from "crypto";
import fc from "fast-check";
import { parseStackConfig } from "../../config/config";
import type { StackConfig } from "../../config/schema";
import { readStackFile } from "../../config/stack-file";
import { projectDir } from "../support/resources";
import { mustSurvive, mustSurviveArb, personalDataArb, Planted } from "../support/pii-shapes";
import { findTraces, getTrace } from "./support/jaeger-api";
import {
    attr,
    Captured,
    OtlpCapture,
    OtlpRequest,
    OtlpSpan,
    sendOtlp,
    startOtlpCapture,
    str,
    strs,
} from "./support/otlp-capture";
import { Collector, Jaeger, startAgent, startGateway, startJaeger } from "../../harness/pipeline";
import { stopAll, waitFor } from "../../harness/processes";

/*
 * Personal data in every field a span carries, through the real collector with the agent config the
 * prod stack renders: (a) the agent's output read exactly (a relay collector exporting OTLP/JSON to
 * this process), (b) what Jaeger stores behind the prod gateway. Adapted only where there is no
 * cluster: loopback ports, k8s_attributes in passthrough, a static load_balancing resolver.
 */

const prod: StackConfig = parseStackConfig(readStackFile(projectDir, "prod"));
const run = Date.now().toString(36);
const email = "anna.petrova@example.com";
const phone = "+7 912 345-67-89";
const card = "4111 1111 1111 1111";
const credentials = "amqp://crm:s3cret@rabbitmq.crm.svc:5672/orders";
/** Every form any of them may arrive in: as typed, digits only, URL-encoded. */
const forms = [
    email,
    phone,
    card,
    "s3cret",
    "crm:s3cret",
    ...[phone, card].map((v) => v.replace(/\D/g, "")),
    encodeURIComponent(email),
    encodeURIComponent(phone),
];
const phoneLikeOrderId = "+79001234567";
const customer = { v4: "203.0.113.77", v6: "2001:db8:85a3:17::8a2e:370:7334" };

const hex = (bytes: number): string => randomBytes(bytes).toString("hex");
const nanos = (): string => `${BigInt(Date.now()) * 1_000_000n}`;

/** A server span and its database call, with personal data in every field OTLP has. */
function plantedTrace(service: string): { request: OtlpRequest; traceId: string } {
    const traceId = hex(16);
    const server = hex(8);
    const t = nanos();
    const spans: OtlpSpan[] = [
        {
            traceId,
            spanId: server,
            name: `POST /customers/${email}`,
            kind: 2,
            startTimeUnixNano: t,
            endTimeUnixNano: t,
            // An error: the prod gateway keeps every error, so the trace reaches Jaeger whatever its share.
            status: { code: 2, message: `card ${card} declined for ${email}` },
            attributes: [
                str("note", `call ${phone}, card ${card}, mail ${email}`),
                strs("customer.contacts", [email, phone]),
                { key: "payment.card", value: { intValue: card.replace(/ /g, "") } },
                str(
                    "url.full",
                    `https://shop.example/orders?email=${encodeURIComponent(email)}&phone=${encodeURIComponent(phone)}`,
                ),
                str("messaging.url", credentials),
                strs("http.request.header.x-order-id", [phoneLikeOrderId]),
                str("client.address", customer.v4),
                str("network.peer.address", customer.v6),
                strs("http.request.header.x-forwarded-for", [`${customer.v4}, 10.0.0.12`]),
                ...mustSurvive.map((s, i) => str(`survive.${i}`, s.value)),
            ],
            events: [
                {
                    timeUnixNano: t,
                    name: `mail sent to ${email}`,
                    attributes: [
                        str("exception.message", `no answer at ${phone}`),
                        str("exception.stacktrace", `at charge(${card})\n  at pay`),
                    ],
                },
            ],
            links: [{ traceId: hex(16), spanId: hex(8), attributes: [str("messaging.message.note", `from ${email}`)] }],
        },
        {
            traceId,
            spanId: hex(8),
            parentSpanId: server,
            name: "SELECT shop",
            kind: 3,
            startTimeUnixNano: t,
            endTimeUnixNano: t,
            attributes: [
                str("db.statement", `SELECT id FROM customers WHERE email = '${email}' LIMIT 100 OFFSET 2000`),
                str("network.peer.address", "10.42.3.17"),
                str("server.address", "postgres.shop.svc"),
            ],
        },
    ];
    return {
        traceId,
        request: {
            resourceSpans: [
                {
                    resource: {
                        attributes: [
                            str("service.name", service),
                            str("deployment.owner", email),
                            strs("process.command_args", ["node", `--phone=${phone}`]),
                        ],
                    },
                    scopeSpans: [{ scope: { name: "pii-e2e", attributes: [str("scope.contact", email)] }, spans }],
                },
            ],
        },
    };
}

const leaks = (text: string): string[] => forms.filter((f) => text.includes(f));

let capture: OtlpCapture;
let agent: Collector;
let jaeger: Jaeger;
let jaegerAgent: Collector;

beforeAll(async () => {
    capture = await startOtlpCapture("pii-capture");
    agent = await startAgent("pii-agent", prod, capture.grpcPort, prod.collector.agent.memoryMiB);
    jaeger = await startJaeger("pii-jaeger");
    const gateway = await startGateway("pii-gateway", prod.sampling, jaeger.otlpGrpc);
    jaegerAgent = await startAgent(
        "pii-agent-jaeger",
        prod,
        gateway.listen.otlpGrpcPort,
        prod.collector.agent.memoryMiB,
    );
}, 120000);

afterAll(async () => {
    capture?.close();
    await stopAll();
});

async function captured(traceId: string, spans: number): Promise<Captured[]> {
    let found: Captured[] = [];
    await waitFor(`${spans} spans of ${traceId} out of the agent`, async () => {
        // OTLP/JSON writes ids in hex.
        found = capture.spans().filter((c) => c.span.traceId === traceId);
        return found.length >= spans;
    });
    return found;
}

describe("a span with personal data in every field", () => {
    let out: Captured[];
    const planted = plantedTrace(`pii-e2e-${run}`);

    beforeAll(async () => {
        await sendOtlp(agent, planted.request);
        out = await captured(planted.traceId, 2);
    });

    const server = (): Captured => out.find((c) => c.span.kind === 2) as Captured;
    const client = (): Captured => out.find((c) => c.span.kind === 3) as Captured;

    it("leaves the agent with none of it in names, status, attributes of every type, events, resource and scope", () => {
        const { links, ...rest } = server().span;
        const text = JSON.stringify([rest, client().span, server().resource, server().scope]);
        expect(leaks(text)).toEqual([]);
        expect(server().span.name).toBe("POST /customers/****");
        expect(server().span.status?.message).toBe("card **** declined for ****");
        expect(server().span.events?.[0].name).toBe("mail sent to ****");
        expect(attr(server().span.events?.[0].attributes, "exception.stacktrace")).toBe("at charge(****)\n  at pay");
        expect(attr(server().span.attributes, "note")).toBe("call ****, card ****, mail ****");
        expect(attr(server().span.attributes, "messaging.url")).toBe("amqp:****rabbitmq.crm.svc:5672/orders");
        expect(attr(server().resource, "deployment.owner")).toBe("****");
        expect(attr(server().scope.attributes, "scope.contact")).toBe("****");
        // Link attributes: no processor of the pinned collector reaches them (README, "Personal
        // data"); Jaeger does not store them, which the next test shows.
        expect(links).toHaveLength(1);
    });

    it("keeps every value debugging needs exactly as sent", () => {
        const kept = mustSurvive.map((s, i) => ({
            kind: s.kind,
            value: attr(server().span.attributes, `survive.${i}`),
        }));
        expect(kept).toEqual(mustSurvive.map((s) => ({ kind: s.kind, value: s.value })));
        expect(attr(server().span.attributes, "order.id")).toBe(phoneLikeOrderId);
        expect(attr(client().span.attributes, "db.statement")).toBe(
            "SELECT id FROM customers WHERE email = '****' LIMIT 100 OFFSET 2000",
        );
    });

    it("adds nothing to a span no header named an order or user on (no empty order.id or user.id)", () => {
        expect((client().span.attributes ?? []).map((a) => a.key).sort()).toEqual([
            "db.statement",
            "network.peer.address",
            "server.address",
        ]);
    });

    it("truncates the customer's address on the server span and keeps the database's on the client span", () => {
        expect(attr(server().span.attributes, "client.address")).toBe("203.0.113.0");
        expect(attr(server().span.attributes, "network.peer.address")).toBe("2001:db8:85a3::");
        expect(attr(server().span.attributes, "http.request.header.x-forwarded-for")).toBe('["203.0.113.0, 10.0.0.0"]');
        expect(attr(client().span.attributes, "network.peer.address")).toBe("10.42.3.17");
    });

    it("reaches Jaeger with none of it, link attributes included, and is found by its order id", async () => {
        const service = `pii-e2e-jaeger-${run}`;
        const viaJaeger = plantedTrace(service);
        await sendOtlp(jaegerAgent, viaJaeger.request);
        let stored = "";
        await waitFor(
            "the planted trace in Jaeger",
            async () => {
                const trace = await getTrace(jaeger.queryUrl, viaJaeger.traceId);
                stored = JSON.stringify(trace);
                return trace !== null && trace.spans.length === 2;
            },
            (prod.sampling.decisionWaitSeconds + 30) * 1000,
            500,
        );
        expect(leaks(stored)).toEqual([]);
        for (const s of mustSurvive)
            expect({ value: s.value, stored: stored.includes(JSON.stringify(s.value).slice(1, -1)) }).toEqual({
                value: s.value,
                stored: true,
            });
        expect(await findTraces(jaeger.queryUrl, service, { "order.id": phoneLikeOrderId })).toHaveLength(1);
    }, 90000);
});

describe("a generated corpus through the real agent", () => {
    // fast-check's generators with a seed printed on failure, so that a failing corpus can be replayed.
    const seed = Number(process.env.PII_SEED ?? Date.now() % 2 ** 31);
    const pii: Planted[] = fc.sample(personalDataArb, { numRuns: 400, seed });
    const keep: string[] = fc.sample(mustSurviveArb, { numRuns: 400, seed: seed + 1 });
    const fields = [
        "attribute",
        "span name",
        "status message",
        "event name",
        "event attribute",
        "resource attribute",
    ] as const;

    it(`masks ${pii.length} pieces of personal data in every field and keeps ${keep.length} values debugging needs (seed ${seed})`, async () => {
        const traceId = hex(16);
        const t = nanos();
        // One resource per piece of personal data: resource attributes are per batch, not per span.
        const request: OtlpRequest = {
            resourceSpans: pii.map((p, i) => {
                const field = fields[i % fields.length];
                const text = `x ${p.value} y`;
                const span: OtlpSpan = {
                    traceId,
                    spanId: hex(8),
                    name: field === "span name" ? text : `corpus ${i}`,
                    kind: 1,
                    startTimeUnixNano: t,
                    endTimeUnixNano: t,
                    status: field === "status message" ? { code: 2, message: text } : undefined,
                    attributes: [
                        str("corpus.index", String(i)),
                        ...(field === "attribute" ? [str("corpus.text", text)] : []),
                        str("keep", keep[i]),
                    ],
                    events:
                        field === "event name" || field === "event attribute"
                            ? [
                                  {
                                      timeUnixNano: t,
                                      name: field === "event name" ? text : "e",
                                      attributes: field === "event attribute" ? [str("corpus.text", text)] : [],
                                  },
                              ]
                            : [],
                };
                return {
                    resource: {
                        attributes: [
                            str("service.name", `pii-corpus-${run}`),
                            ...(field === "resource attribute" ? [str("corpus.text", text)] : []),
                        ],
                    },
                    scopeSpans: [{ scope: { name: "pii-corpus" }, spans: [span] }],
                };
            }),
        };
        await sendOtlp(agent, request);
        const out = await captured(traceId, pii.length);
        const wrong: { field: string; sent: string; arrived: string | undefined }[] = [];
        let masked = 0;
        let kept = 0;
        for (const c of out) {
            const i = Number(attr(c.span.attributes, "corpus.index"));
            const field = fields[i % fields.length];
            const arrived = {
                attribute: attr(c.span.attributes, "corpus.text"),
                "span name": c.span.name,
                "status message": c.span.status?.message,
                "event name": c.span.events?.[0]?.name,
                "event attribute": attr(c.span.events?.[0]?.attributes, "corpus.text"),
                "resource attribute": attr(c.resource, "corpus.text"),
            }[field];
            if (arrived === `x ${pii[i].masked} y`) masked++;
            else wrong.push({ field, sent: pii[i].value, arrived });
            if (attr(c.span.attributes, "keep") === keep[i]) kept++;
            else wrong.push({ field: "keep", sent: keep[i], arrived: attr(c.span.attributes, "keep") });
        }
        process.stdout.write(
            `pii corpus (seed ${seed}): ${masked} of ${pii.length} pieces of personal data masked, ${kept} of ${keep.length} values kept unchanged\n`,
        );
        expect(wrong).toEqual([]);
        expect([masked, kept]).toEqual([pii.length, keep.length]);
    }, 60000);
});
