import { stringify } from "yaml";
import { parseStackConfig } from "../config/config";
import { defaultConfig } from "../policies/config";
import { obj, type Json, type PolicyInput } from "../policies/resource-view";
import type { Violation } from "../policies/rule";
import { configOf, isAgentConfig, jaegerBackends } from "../policies/rules/collector-config";
import { clientAddressNotStored, piiScrubbedBeforeExport } from "../policies/rules/pii";
import { renderAgentConfig } from "../renderers/agent-config";
import { toCollectorYaml } from "../renderers/collector-common";
import { escapeCollectorDollars, ottlString } from "../renderers/escape";
import { maskPattern } from "../renderers/pii";
import { podListen } from "../renderers/collector-types";
import { queueBytesFor, renderGatewayConfig, spanMetricsPodPort } from "../renderers/gateway-config";
import { jaegerPodListen, renderJaegerConfig, toJaegerYaml } from "../renderers/jaeger-config";
import { requiredConfig } from "./support/minimal-config";

/*
 * The personal-data rules (pii-scrubbed-before-export, client-address-not-stored) and the collector
 * config reading they share, judged directly on small hand-built agent configs: each processor the
 * agent must run, each field it must mask, each way a config is found or ignored, and each message
 * in full. The stack variants break one thing each on a whole stack and reach few of these edges.
 */

const configMapOf = (name: string, data: Record<string, unknown> | undefined, meta: Json = {}): PolicyInput => ({
    type: "kubernetes:core/v1:ConfigMap",
    // The Pulumi name differs from the object's: messages name the object, violations the resource.
    name: `${name}-config`,
    props: data === undefined ? { metadata: { name, ...meta } } : { metadata: { name, ...meta }, data },
});

const collector = (name: string, config: unknown, meta: Json = {}): PolicyInput =>
    configMapOf(name, { "config.yaml": typeof config === "string" ? config : stringify(config) }, meta);

const deployment: PolicyInput = {
    type: "kubernetes:apps/v1:Deployment",
    name: "shop-api",
    props: { metadata: { name: "shop-api" }, spec: { template: { spec: { containers: [{ name: "api" }] } } } },
};

const redaction = { allow_all_keys: true, redact_all_types: true, blocked_values: ["[0-9]{16}"] };
const server = "span.kind == SPAN_KIND_SERVER";
const truncateClient = 'replace_pattern(span.attributes["client.address"], "^([0-9.]+\\\\.)[0-9]+$", "${1}0")';
const textGroups = [
    {
        context: "span",
        statements: [
            'replace_pattern(span.name, "[0-9]{16}", "****")',
            'replace_pattern(span.status.message, "[0-9]{16}", "****") where span.status.message != ""',
        ],
    },
    { context: "spanevent", statements: ['replace_pattern(spanevent.name, "[0-9]{16}", "****")'] },
];
const clientGroup = { context: "span", conditions: [server], statements: [truncateClient] };

interface AgentParts {
    processors?: Json;
    pipelines?: Json;
    exporters?: Json;
}

/** A minimal agent config that passes both rules; each part can be replaced. */
function agentConfig(parts: AgentParts = {}): Json {
    return {
        receivers: { otlp: { protocols: { grpc: {} } } },
        processors: parts.processors ?? {
            "redaction/pii": redaction,
            "transform/scrub_pii": { error_mode: "ignore", trace_statements: [...textGroups, clientGroup] },
            batch: {},
        },
        exporters: parts.exporters ?? { load_balancing: { routing_key: "traceID" } },
        service: {
            pipelines: parts.pipelines ?? {
                traces: {
                    receivers: ["otlp"],
                    processors: ["redaction/pii", "transform/scrub_pii", "batch"],
                    exporters: ["load_balancing"],
                },
            },
        },
    };
}

const agent = (parts: AgentParts = {}, name = "otel-agent"): PolicyInput => collector(name, agentConfig(parts));

/** An agent whose one traces pipeline runs these processors, defined as given. */
const agentWith = (processors: Json, pipeline = Object.keys(processors)): PolicyInput =>
    agent({ processors, pipelines: { traces: { receivers: ["otlp"], processors: pipeline, exporters: ["x"] } } });

const transform = (...groups: unknown[]): Json => ({ error_mode: "ignore", trace_statements: groups });

const stackConfig = parseStackConfig(requiredConfig);

function renderedAgent(
    clientAddress: "truncate" | "drop" | "keep",
    pii: Partial<typeof stackConfig.pii> = {},
): PolicyInput {
    const config = renderAgentConfig({
        listen: podListen,
        memoryLimitMiB: 500,
        orderIdHeader: "x-order-id",
        userIdHeader: "x-user-id",
        pii: { ...stackConfig.pii, ...pii, clientAddress },
        gatewayResolver: { k8s: { service: "otel-gateway.tracing", ports: [4317] } },
        kubernetesMetadata: true,
        exportCompression: "none",
    });
    return collector("otel-agent", toCollectorYaml(config), {
        labels: { "app.kubernetes.io/component": "collector-agent" },
    });
}

const renderedGateway = collector(
    "otel-gateway",
    toCollectorYaml(
        renderGatewayConfig({
            listen: podListen,
            memoryLimitMiB: 2048,
            sampling: { percent: 10, keepErrors: true, slowTraceMs: 1500, headPercent: 100, decisionWaitSeconds: 7 },
            exportEndpoint: "jaeger-collector.tracing.svc.cluster.local:4317",
            queueDirectory: "/var/lib/otelcol/queue",
            queueBytes: queueBytesFor(2),
            spanMetricsPort: spanMetricsPodPort,
        }),
    ),
);

const resourceOf = (r: PolicyInput): Violation["resource"] => ({ type: r.type, name: r.name });

describe("configOf", () => {
    it("parses the config.yaml of a ConfigMap", () => {
        expect(configOf(collector("otel-agent", { exporters: { otlp: { endpoint: "x:4317" } } }))).toStrictEqual({
            exporters: { otlp: { endpoint: "x:4317" } },
        });
    });

    it("reads only config.yaml, beside other keys", () => {
        const r = configMapOf("otel-agent", { "relay.yaml": "a: 1\n", "config.yaml": "b: 2\n" });
        expect(configOf(r)).toStrictEqual({ b: 2 });
    });

    it.each([
        ["a Secret holding config.yaml", { ...collector("otel-agent", { a: 1 }), type: "kubernetes:core/v1:Secret" }],
        ["a Deployment", deployment],
        [
            "a ConfigMap from another provider",
            { ...collector("otel-agent", { a: 1 }), type: "other:core/v1:ConfigMap" },
        ],
        ["a ConfigMap without data", configMapOf("otel-agent", undefined)],
        ["a ConfigMap without config.yaml", configMapOf("otel-agent", { "relay.yaml": "a: 1\n" })],
        ["a config.yaml that is not a string", configMapOf("otel-agent", { "config.yaml": 42 })],
        ["a config.yaml that is an object", configMapOf("otel-agent", { "config.yaml": { a: 1 } })],
        ["unparseable YAML", configMapOf("otel-agent", { "config.yaml": "exporters: [otlp\n" })],
        ["YAML with a duplicate key", configMapOf("otel-agent", { "config.yaml": "a: 1\na: 2\n" })],
    ])("is null for %s", (_what, r) => {
        expect(configOf(r)).toBeNull();
    });

    it.each([
        ["a scalar", "just text"],
        ["a list", "- a\n- b\n"],
        ["an empty file", ""],
        ["null", "null\n"],
    ])("is an empty config for %s", (_what, text) => {
        expect(configOf(configMapOf("otel-agent", { "config.yaml": text }))).toStrictEqual({});
    });
});

describe("jaegerBackends", () => {
    it("reads the storage backends of a rendered Jaeger config", () => {
        const cfg = renderJaegerConfig({
            role: "collector",
            storage: { kind: "memory", maxTraces: 1000 },
            listen: jaegerPodListen,
        });
        expect(jaegerBackends(configOf(collector("jaeger", toJaegerYaml(cfg))) ?? {})).toStrictEqual({
            traces: { memory: { max_traces: 1000 } },
        });
    });

    it.each([
        ["no extensions", {}],
        ["no jaeger_storage", { extensions: { healthcheckv2: {} } }],
        ["no backends", { extensions: { jaeger_storage: {} } }],
        ["backends that are a list", { extensions: { jaeger_storage: { backends: ["traces"] } } }],
    ])("is empty with %s", (_what, config) => {
        expect(jaegerBackends(config)).toStrictEqual({});
    });
});

describe("isAgentConfig", () => {
    const judge = (config: Json, meta: Json = {}, name = "collector"): boolean =>
        isAgentConfig(collector(name, config, meta), config);

    it.each([
        ["a load_balancing exporter", { exporters: { load_balancing: {} } }],
        ["a named load_balancing exporter", { exporters: { "load_balancing/gateway": {} } }],
        ["a load_balancing exporter beside others", { exporters: { debug: {}, load_balancing: {} } }],
    ])("is true for %s", (_what, config) => {
        expect(judge(config)).toBe(true);
    });

    it("is true for the agent component label alone", () => {
        expect(judge({}, { labels: { "app.kubernetes.io/component": "collector-agent" } })).toBe(true);
    });

    it("is true for the name otel-agent alone", () => {
        expect(judge({ exporters: { otlp: {} } }, {}, "otel-agent")).toBe(true);
    });

    it.each([
        ["no exporters", {}, {}, "collector"],
        ["other exporters", { exporters: { otlp: {}, "otlp/load_balancing": {} } }, {}, "collector"],
        ["an exporter only beginning like load_balancing", { exporters: { load_balancing_x: {} } }, {}, "collector"],
        ["another component label", {}, { labels: { "app.kubernetes.io/component": "collector-gateway" } }, "x"],
        ["the agent label under another key", {}, { labels: { component: "collector-agent" } }, "x"],
        ["another name", {}, {}, "otel-gateway"],
        ["a name only beginning like otel-agent", {}, {}, "otel-agent-old"],
    ])("is false for %s", (_what, config, meta, name) => {
        expect(judge(config, meta, name)).toBe(false);
    });

    it("reads the object's name, not the Pulumi resource's", () => {
        const r: PolicyInput = { ...collector("collector", {}), name: "otel-agent" };
        expect(isAgentConfig(r, {})).toBe(false);
    });

    it("is false for the rendered gateway, true for the rendered agent", () => {
        expect(isAgentConfig(renderedGateway, configOf(renderedGateway) ?? {})).toBe(false);
        const a = renderedAgent("truncate");
        expect(isAgentConfig({ ...a, props: { ...a.props, metadata: { name: "x" } } }, configOf(a) ?? {})).toBe(true);
    });
});

describe("pii-scrubbed-before-export", () => {
    const check = (rs: PolicyInput[]): Violation[] => piiScrubbedBeforeExport.validateStack(rs, defaultConfig);
    const noAgent: Violation = {
        message:
            "No agent collector configuration was found, so nothing scrubs personal data from spans. Deploy the collector agent.",
    };
    const noTraces = (r: PolicyInput): Violation => ({
        message: `${String((r.props.metadata as Json).name)} has no traces pipeline. Keep the agent's traces pipeline with redaction/pii and transform/scrub_pii.`,
        resource: resourceOf(r),
    });
    const noRedaction = (r: PolicyInput, pipeline = "traces"): Violation => ({
        message: `The ${pipeline} pipeline of otel-agent has no redaction processor. Keep redaction/pii (tracing:pii.masks) in the agent pipeline.`,
        resource: resourceOf(r),
    });
    const masksNothing = (r: PolicyInput, id = "redaction/pii"): Violation => ({
        message: `${id} in otel-agent masks nothing (blocked_values is empty). Configure tracing:pii.masks.`,
        resource: resourceOf(r),
    });
    const stringsOnly = (r: PolicyInput, id = "redaction/pii"): Violation => ({
        message: `${id} in otel-agent scans string values only, so a captured header (a list) keeps its personal data. Set redact_all_types: true (renderers/pii.ts does).`,
        resource: resourceOf(r),
    });
    const unmasked = (r: PolicyInput, fields: string, pipeline = "traces"): Violation => ({
        message: `The ${pipeline} pipeline of otel-agent does not mask personal data in ${fields}: redaction does not visit them. Keep transform/scrub_pii in the agent pipeline.`,
        resource: resourceOf(r),
    });
    const allFields = "span names, status messages, event names";

    it("is mandatory, judged on the whole stack, with no settings", () => {
        expect([
            piiScrubbedBeforeExport.name,
            piiScrubbedBeforeExport.kind,
            piiScrubbedBeforeExport.enforcementLevel,
            piiScrubbedBeforeExport.config,
        ]).toStrictEqual(["pii-scrubbed-before-export", "stack", "mandatory", undefined]);
        expect(piiScrubbedBeforeExport.description).toMatch(/personal data/);
    });

    it.each([
        ["the rendered agent", renderedAgent("truncate")],
        ["the rendered agent that keeps client addresses (another rule's matter)", renderedAgent("keep")],
        ["a minimal agent", agent()],
    ])("passes %s", (_what, r) => {
        expect(check([deployment, renderedGateway, r])).toStrictEqual([]);
    });

    it.each([
        ["an empty stack", []],
        ["a stack of workloads", [deployment]],
        ["only the gateway's config", [renderedGateway]],
        ["an agent config in a Secret", [{ ...agent(), type: "kubernetes:core/v1:Secret" }]],
        ["an agent ConfigMap without config.yaml", [configMapOf("otel-agent", { "relay.yaml": "a: 1" })]],
        ["an agent ConfigMap with unparseable YAML", [configMapOf("otel-agent", { "config.yaml": "a: [" })]],
    ])("refuses %s: no agent scrubs anything", (_what, rs) => {
        expect(check(rs)).toStrictEqual([noAgent]);
    });

    it.each([
        ["no service section", collector("otel-agent", { exporters: { load_balancing: {} } })],
        ["no pipelines", agent({ pipelines: {} })],
        ["only a metrics pipeline", agent({ pipelines: { metrics: { processors: [] } } })],
        ["a pipeline only named like traces", agent({ pipelines: { tracesx: { processors: [] } } })],
        ["a metrics pipeline named traces", agent({ pipelines: { "metrics/traces": { processors: [] } } })],
    ])("refuses an agent with %s, once, naming it", (_what, r) => {
        expect(check([deployment, r])).toStrictEqual([noTraces(r)]);
    });

    it("judges each agent on its own: a good one does not excuse another", () => {
        const good = agent();
        const bare = agent({ pipelines: {} }, "otel-agent-b");
        expect(check([good, bare, renderedGateway])).toStrictEqual([noTraces(bare)]);
    });

    it("leaves a non-agent collector's pipelines alone", () => {
        const gateway = collector("otel-gateway", { service: { pipelines: { traces: { processors: ["batch"] } } } });
        expect(check([agent(), gateway])).toStrictEqual([]);
    });

    it("judges only traces pipelines, and each of them", () => {
        const r = agent({
            pipelines: {
                traces: { processors: ["redaction/pii", "transform/scrub_pii"] },
                "traces/raw": { processors: ["batch"] },
                metrics: { processors: ["batch"] },
                "logs/traces": { processors: [] },
            },
        });
        expect(check([r])).toStrictEqual([noRedaction(r, "traces/raw"), unmasked(r, allFields, "traces/raw")]);
    });

    it("refuses a pipeline without any processors, naming each problem", () => {
        const r = agent({ pipelines: { traces: { receivers: ["otlp"], exporters: ["load_balancing"] } } });
        expect(check([r])).toStrictEqual([noRedaction(r), unmasked(r, allFields)]);
    });

    describe("the redaction processor", () => {
        const scrub = transform(...textGroups);

        it("refuses a pipeline without one", () => {
            const r = agentWith({ "transform/scrub_pii": scrub, batch: {} });
            expect(check([r])).toStrictEqual([noRedaction(r)]);
        });

        it("refuses one defined but left out of the pipeline", () => {
            const r = agentWith({ "redaction/pii": redaction, "transform/scrub_pii": scrub }, ["transform/scrub_pii"]);
            expect(check([r])).toStrictEqual([noRedaction(r)]);
        });

        it("refuses a processor only named like redaction", () => {
            const r = agentWith({ "redactionx/pii": redaction, "transform/scrub_pii": scrub });
            expect(check([r])).toStrictEqual([noRedaction(r)]);
        });

        it("accepts one without a name, and names it so", () => {
            expect(check([agentWith({ redaction, "transform/scrub_pii": scrub })])).toStrictEqual([]);
            const r = agentWith({ redaction: { ...redaction, blocked_values: [] }, "transform/scrub_pii": scrub });
            expect(check([r])).toStrictEqual([masksNothing(r, "redaction")]);
        });

        it.each([
            ["an empty blocked_values", { ...redaction, blocked_values: [] }],
            ["no blocked_values", { redact_all_types: true }],
            ["a blocked_values that is not a list", { ...redaction, blocked_values: "[0-9]{16}" }],
            // Only the first problem of the processor: one fix at a time.
            ["nothing at all", {}],
            ["no blocked_values and strings only", { blocked_values: [], redact_all_types: false }],
        ])("refuses %s: it masks nothing", (_what, settings) => {
            const r = agentWith({ "redaction/pii": settings, "transform/scrub_pii": scrub });
            expect(check([r])).toStrictEqual([masksNothing(r)]);
        });

        it("refuses a processor the pipeline names but nothing defines", () => {
            const r = agentWith({ "transform/scrub_pii": scrub }, ["redaction/pii", "transform/scrub_pii"]);
            expect(check([r])).toStrictEqual([masksNothing(r)]);
        });

        it.each([
            ["without redact_all_types", { blocked_values: ["x"] }],
            ["with redact_all_types off", { blocked_values: ["x"], redact_all_types: false }],
            ["with redact_all_types as a string", { blocked_values: ["x"], redact_all_types: "true" }],
        ])("refuses one scanning strings only: %s", (_what, settings) => {
            const r = agentWith({ "redaction/custom": settings, "transform/scrub_pii": scrub });
            expect(check([r])).toStrictEqual([stringsOnly(r, "redaction/custom")]);
        });

        it("judges the first redaction processor of the pipeline", () => {
            const weak = { blocked_values: ["x"] };
            const r = agentWith({ "redaction/a": weak, "redaction/b": redaction, "transform/scrub_pii": scrub });
            expect(check([r])).toStrictEqual([stringsOnly(r, "redaction/a")]);
        });
    });

    describe("the values redaction lets through (allowed_values)", () => {
        const scrub = transform(...textGroups);
        // The default masks as the renderer writes them, `$` escaped for the collector.
        const masks = { ...redaction, blocked_values: [escapeCollectorDollars(maskPattern(stackConfig.pii))] };
        const judge = (allowed: unknown, settings: Json = masks): Violation[] =>
            check([
                agentWith({ "redaction/pii": { ...settings, allowed_values: allowed }, "transform/scrub_pii": scrub }),
            ]);
        const leaks = (pattern: string, what: string, id = "redaction/pii"): Violation => ({
            message: `${id} in otel-agent lets personal data through unmasked: its allowed_values pattern "${pattern}" matches ${what}, and values it matches are never masked. Allow only values that cannot hold personal data (renderers/pii.ts derives one from the masks' clues) or remove it.`,
            resource: resourceOf(agentWith({})),
        });
        const unreadable = (pattern: string): Violation => ({
            message: `redaction/pii in otel-agent has an allowed_values pattern "${pattern}" that cannot be checked (JavaScript cannot compile it), and values it matches are never masked. Write it in the syntax RE2 and JavaScript share (renderers/pii.ts does) or remove it.`,
            resource: resourceOf(agentWith({})),
        });
        const card = "a card number (4111 1111 1111 1111)";

        it("passes the rendered agent, whose allowed_values skip values no default mask can match", () => {
            const r = renderedAgent("truncate");
            const settings = obj(obj(configOf(r)?.processors)["redaction/pii"]);
            expect(settings.allowed_values).toStrictEqual(["^[^@%0-9]*(?:[0-9][^@%0-9]*){0,9}$$"]);
            expect(check([r])).toStrictEqual([]);
            expect(judge(settings.allowed_values)).toStrictEqual([]);
        });

        it("passes the rendered agent of custom masks, whose allowed_values let through what no mask catches", () => {
            const email = stackConfig.pii.masks.filter((m) => m.name === "email");
            const r = renderedAgent("truncate", { masks: email });
            // Card numbers pass redaction unmasked either way: the masks leave them.
            expect(obj(obj(configOf(r)?.processors)["redaction/pii"]).allowed_values).toStrictEqual(["^[^@%]*$$"]);
            expect(check([r])).toStrictEqual([]);
        });

        it.each([
            ["no allowed_values", undefined],
            ["an empty list", []],
            ["patterns that match no personal data", ["^[a-z_]+$$", "^$$", "^[0-9]{1,4}$", "^GET /health$$"]],
        ])("passes %s", (_what, allowed) => {
            expect(judge(allowed)).toStrictEqual([]);
        });

        it.each([
            [".*", card],
            ["", card],
            ["^[^@%0-9]*(?:[0-9][^@%0-9]*){0,12}$$", "a phone number (+7 912 345-67-89)"],
            ["^[0-9 ]+$$", card],
            ["@", "an e-mail address (anna.petrova@example.com)"],
            ["%40", "an e-mail address (anna.petrova%40example.com)"],
            ["^\\+", "a phone number (+7 912 345-67-89)"],
            ["^amqp://", "credentials in a URL (amqp://crm:s3cret@rabbitmq.crm.svc:5672/orders)"],
        ])("refuses %j: it lets personal data through unmasked", (pattern, what) => {
            expect(judge([pattern])).toStrictEqual([leaks(pattern, what)]);
        });

        it("names each pattern that lets personal data through, and no other", () => {
            expect(judge(["^[a-z]+$$", ".*", "^[^@%0-9]*$$", "@"])).toStrictEqual([
                leaks(".*", card),
                leaks("@", "an e-mail address (anna.petrova@example.com)"),
            ]);
        });

        it("counts only personal data the blocked_values mask", () => {
            // Only unbroken card numbers are masked here, so only they are let through by .*
            expect(judge([".*"], redaction)).toStrictEqual([leaks(".*", "a card number (4111111111111111)")]);
            expect(judge(["@"], redaction)).toStrictEqual([]);
        });

        it("counts personal data any one of the blocked_values masks", () => {
            // The unbroken card number is masked by the second pattern alone, and .* lets it through.
            const settings = { ...redaction, blocked_values: ["@", "[0-9]{16}"] };
            expect(judge([".*"], settings)).toStrictEqual([leaks(".*", "a card number (4111111111111111)")]);
        });

        it("counts a blocked pattern JavaScript cannot compile as masking everything", () => {
            const settings = { ...redaction, blocked_values: ["(?P<card>[0-9]{16})"] };
            expect(judge([".*"], settings)).toStrictEqual([leaks(".*", card)]);
            expect(judge(["^[a-z]+$$"], settings)).toStrictEqual([]);
        });

        it.each(["(?P<id>[0-9]+)", "(?i)^[a-z]+$$", "[a-z", "\\pL+"])(
            "refuses %j, which JavaScript cannot compile, without throwing",
            (pattern) => {
                expect(judge([pattern])).toStrictEqual([unreadable(pattern)]);
            },
        );

        it("reads $$ as the collector does: one dollar", () => {
            // The collector reads `^\\$$?[0-9 ]+$$` as `^\\$?[0-9 ]+$`: an optional dollar, then digits.
            expect(judge(["^\\$$?[0-9 ]+$$"])).toStrictEqual([leaks("^\\$$?[0-9 ]+$$", card)]);
            expect(judge(["^\\$$[0-9 ]+$$"])).toStrictEqual([]);
        });

        it("judges allowed_values only once the processor masks every type", () => {
            const r = agentWith({
                "redaction/pii": { ...masks, redact_all_types: false, allowed_values: [".*"] },
                "transform/scrub_pii": scrub,
            });
            expect(check([r])).toStrictEqual([stringsOnly(r)]);
        });
    });

    describe("the text redaction does not visit", () => {
        const spanName = { context: "span", statements: ['replace_pattern(span.name, "x", "****")'] };
        const status = { context: "span", statements: ['replace_pattern(span.status.message, "x", "****")'] };
        const eventName = { context: "spanevent", statements: ['replace_pattern(spanevent.name, "x", "****")'] };
        const judge = (processors: Json, pipeline?: string[]): Violation[] =>
            check([agentWith({ "redaction/pii": redaction, ...processors }, pipeline)]);
        // agentWith names the same resource whatever it holds.
        const messages = (fields: string): Violation[] => [unmasked(agentWith({}), fields)];

        it("passes all three in one processor, or spread over several", () => {
            expect(judge({ "transform/a": transform(spanName, status, eventName) })).toStrictEqual([]);
            expect(
                judge({ "transform/a": transform(spanName), "transform/b": transform(status, eventName) }),
            ).toStrictEqual([]);
            expect(judge({ transform: transform(spanName, status, eventName) })).toStrictEqual([]);
        });

        it.each([
            ["span names", [status, eventName]],
            ["status messages", [spanName, eventName]],
            ["event names", [spanName, status]],
            ["span names, event names", [status]],
            ["span names, status messages, event names", []],
        ])("names %s when left unmasked", (fields, groups) => {
            expect(judge({ "transform/scrub_pii": transform(...groups) })).toStrictEqual(messages(fields));
        });

        it.each([
            ["no trace_statements", { "transform/scrub_pii": { error_mode: "ignore" } }, undefined],
            [
                "statements of another context",
                { "transform/x": transform({ ...spanName, context: "spanevent" }) },
                undefined,
            ],
            ["statements of no context", { "transform/x": transform({ statements: spanName.statements }) }, undefined],
            [
                "a transform defined but left out of the pipeline",
                { "transform/scrub_pii": transform(spanName, status, eventName) },
                ["redaction/pii"],
            ],
            [
                "another processor carrying the statements",
                { "transformer/x": transform(spanName, status, eventName) },
                undefined,
            ],
        ])("counts nothing from %s", (_what, processors: Json, pipeline: string[] | undefined) => {
            expect(judge(processors, pipeline)).toStrictEqual(messages(allFields));
        });

        it("counts statements with conditions on their group", () => {
            const guarded = { ...eventName, conditions: ['spanevent.name != ""'] };
            expect(judge({ "transform/x": transform(spanName, status, guarded) })).toStrictEqual([]);
        });

        it("counts only a replace_pattern of the field itself", () => {
            const set = { context: "span", statements: ['set(span.name, "x")', "replace_pattern(span.names, x)"] };
            expect(judge({ "transform/x": transform(set, status, eventName) })).toStrictEqual(messages("span names"));
        });
    });
});

describe("client-address-not-stored", () => {
    const check = (rs: PolicyInput[]): Violation[] => clientAddressNotStored.validateStack(rs, defaultConfig);
    const stored = (r: PolicyInput, pipeline = "traces"): Violation => ({
        message: `The ${pipeline} pipeline of ${String((r.props.metadata as Json).name)} stores the customer's IP address of server spans (client.address, forwarded-for headers) as sent. Set tracing:pii.clientAddress to truncate or drop; keep it only with a legal basis, and then disable this policy in the pack's configuration.`,
        resource: resourceOf(r),
    });
    const withGroups = (...groups: unknown[]): PolicyInput =>
        agentWith({ "transform/scrub_pii": transform(...groups) });

    it("is mandatory, judged on the whole stack, with no settings", () => {
        expect([
            clientAddressNotStored.name,
            clientAddressNotStored.kind,
            clientAddressNotStored.enforcementLevel,
            clientAddressNotStored.config,
        ]).toStrictEqual(["client-address-not-stored", "stack", "mandatory", undefined]);
        expect(clientAddressNotStored.description).toMatch(/address/);
    });

    it.each(["truncate", "drop"] as const)("passes the rendered agent that chooses %s", (mode) => {
        expect(check([deployment, renderedGateway, renderedAgent(mode)])).toStrictEqual([]);
    });

    it("passes a minimal agent", () => {
        expect(check([deployment, agent()])).toStrictEqual([]);
    });

    it("refuses the rendered agent that keeps the address", () => {
        const r = renderedAgent("keep");
        expect(check([deployment, r])).toStrictEqual([stored(r)]);
    });

    it("reads the rendered drop as the collector does: an escaped pattern matching client.address", () => {
        const groups = obj(obj(configOf(renderedAgent("drop"))?.processors)["transform/scrub_pii"]).trace_statements;
        const drop = (groups as Json[]).find((g) => g.conditions !== undefined);
        expect(drop).toStrictEqual({
            context: "span",
            conditions: [server],
            statements: [
                expect.stringMatching(/^delete_matching_keys\(span\.attributes, "\^\(\?:client\\\\\.address\|/),
            ],
        });
    });

    it("asks nothing of a stack without an agent: pii-scrubbed-before-export says so", () => {
        expect(check([])).toStrictEqual([]);
        expect(check([deployment, renderedGateway])).toStrictEqual([]);
    });

    const deleteMatching = (pattern: string): string => `delete_matching_keys(span.attributes, ${ottlString(pattern)})`;
    const onServerSpans = (statement: string): PolicyInput =>
        withGroups(...textGroups, { context: "span", conditions: [server], statements: [statement] });

    it.each([
        ["replace_pattern", truncateClient],
        ["delete_key", 'delete_key(span.attributes, "client.address")'],
        ["delete_matching_keys", 'delete_matching_keys(span.attributes, "^client.address$")'],
        ["delete_matching_keys (escaped dot)", deleteMatching("^client\\.address$")],
        ["delete_matching_keys (among several keys)", deleteMatching("^(?:net\\.peer\\.ip|client\\.address)$")],
        ["delete_matching_keys (part of the key)", deleteMatching("address")],
        ["delete_matching_keys (over several lines)", 'delete_matching_keys(\n  span.attributes,\n  "^client"\n)'],
        [
            "replace_pattern (spaces inside the brackets)",
            'replace_pattern(span.attributes[ "client.address" ], "x", "y")',
        ],
    ])("passes a %s of client.address on server spans", (_what, statement) => {
        expect(check([onServerSpans(statement)])).toStrictEqual([]);
    });

    it.each([
        ["delete_key of another key", 'delete_key(span.attributes, "client.address.port")'],
        ["delete_key of the key with an escape OTTL does not know", 'delete_key(span.attributes, "client\\.address")'],
        ["delete_key of another map", 'delete_key(resource.attributes, "client.address")'],
        ["delete_matching_keys of other keys", deleteMatching("^(?:net\\.peer\\.ip|client\\.port)$")],
        ["delete_matching_keys of a longer key", deleteMatching("^client\\.address\\.original$")],
        ["delete_matching_keys of the key in capitals", deleteMatching("^CLIENT\\.ADDRESS$")],
        ["delete_matching_keys with a pattern JavaScript cannot compile", deleteMatching("^(?i)client\\.address$")],
        [
            "a statement naming client.address only in its where",
            'delete_key(span.attributes, "net.peer.ip") where span.attributes["client.address"] != nil',
        ],
        [
            "a statement naming the editors only in a string",
            'set(span.attributes["x"], "replace_pattern client.address")',
        ],
        [
            "a replace_pattern of a key inside client.address",
            'replace_pattern(span.attributes["client.address"]["v"], "x", "y")',
        ],
        ["an unbalanced statement", 'delete_key(span.attributes, "client.address"'],
        ["a replace_pattern of another map's key", 'replace_pattern(resource.attributes["client.address"], "x", "y")'],
        [
            "a replace_pattern of a map only named like it",
            'replace_pattern(my_span.attributes["client.address"], "x", "y")',
        ],
        ["a replace_pattern without a replacement", 'replace_pattern(span.attributes["client.address"], "x")'],
        ["a delete_key with another argument", 'delete_key(span.attributes, "client.address", "x")'],
        ["a delete_matching_keys of another map", 'delete_matching_keys(resource.attributes, "client")'],
        ["a delete_matching_keys with another argument", 'delete_matching_keys(span.attributes, "client", "x")'],
        ["an editor called on something else", 'x.delete_key(span.attributes, "client.address")'],
        ["an editor call with text after it", 'delete_key(span.attributes, "client.address") x'],
        ["an editor call and another group after it", 'delete_key(span.attributes, "client.address"), (x)'],
        ["a delete_key of a part of the key", 'delete_key(span.attributes, "client")'],
        ["a delete_key of a key the name only contains", 'delete_key(span.attributes, "address")'],
        [
            "a replace_pattern of the key with text after it",
            'replace_pattern(span.attributes["client.address"] x, "a", "b")',
        ],
        ["a statement with two where clauses", `${truncateClient} where ${server} where span.attributes["x"] != nil`],
    ])("refuses %s", (_what, statement) => {
        const r = onServerSpans(statement);
        expect(check([r])).toStrictEqual([stored(r)]);
    });

    it("passes the server condition written in the statement, grouped or not", () => {
        const where = `${truncateClient} where ${server}`;
        expect(check([withGroups({ context: "span", statements: [where] })])).toStrictEqual([]);
        expect(check([withGroups(where)])).toStrictEqual([]);
    });

    it.each([
        ["one of several conditions of the group", [`span.kind == SPAN_KIND_CLIENT`, server], undefined],
        ["or'ed with another kind", ["span.kind == SPAN_KIND_CLIENT or span.kind == SPAN_KIND_SERVER"], undefined],
        ["in parentheses", ["(span.kind == SPAN_KIND_SERVER)"], undefined],
        ["written the other way round", ["SPAN_KIND_SERVER == span.kind"], undefined],
        ["without spaces", ["span.kind==SPAN_KIND_SERVER"], undefined],
        ["without spaces, the other way round", ["SPAN_KIND_SERVER==span.kind"], undefined],
        ["in nested parentheses with spaces", ["( ( span.kind == SPAN_KIND_SERVER ) )"], undefined],
        ["in the group and in the where", [server], server],
        ["in the where, or'ed", [], `span.kind == SPAN_KIND_INTERNAL or (${server})`],
    ])("passes the server condition %s", (_what, conditions, where) => {
        const statement = where === undefined ? truncateClient : `${truncateClient} where ${where}`;
        expect(check([withGroups({ context: "span", conditions, statements: [statement] })])).toStrictEqual([]);
    });

    it.each([
        ["not on server spans (!=)", ["span.kind != SPAN_KIND_SERVER"], undefined],
        ["negated", ["not span.kind == SPAN_KIND_SERVER"], undefined],
        ["on client spans", ["span.kind == SPAN_KIND_CLIENT"], undefined],
        ["on some server spans only (and)", [`${server} and span.attributes["x"] != nil`], undefined],
        ["in the where, not on server spans", [], "span.kind != SPAN_KIND_SERVER"],
        ["in the group, narrowed by the where", [server], 'span.attributes["x"] != nil'],
        ["in the where, the group running elsewhere", ["span.kind == SPAN_KIND_CLIENT"], server],
        ["only in a string", ['span.attributes["k"] == "span.kind == SPAN_KIND_SERVER"'], undefined],
        ["with unbalanced parentheses", ["(span.kind == SPAN_KIND_SERVER"], undefined],
        ["closed by another kind of bracket", ["(span.kind == SPAN_KIND_SERVER]"], undefined],
        ["opened by another kind of bracket", ["[span.kind == SPAN_KIND_SERVER)"], undefined],
    ])("refuses a server condition %s", (_what, conditions, where) => {
        const statement = where === undefined ? truncateClient : `${truncateClient} where ${where}`;
        const r = withGroups(...textGroups, { context: "span", conditions, statements: [statement] });
        expect(check([r])).toStrictEqual([stored(r)]);
    });

    it("refuses the statement in the spanevent context, or a group without one", () => {
        const event = withGroups({ context: "spanevent", conditions: [server], statements: [truncateClient] });
        expect(check([event])).toStrictEqual([stored(event)]);
        const none = withGroups({ conditions: [server], statements: [truncateClient] });
        expect(check([none])).toStrictEqual([stored(none)]);
    });

    it.each([
        ["a truncation on every span kind", { context: "span", statements: [truncateClient] }],
        [
            "a truncation of another attribute",
            {
                context: "span",
                conditions: [server],
                statements: ['replace_pattern(span.attributes["net.peer.ip"], "x", "y")'],
            },
        ],
        [
            "a statement that only copies it",
            { context: "span", conditions: [server], statements: ['set(span.attributes["client.address"], "x")'] },
        ],
        ["a server-span group with no statements", { context: "span", conditions: [server] }],
    ])("refuses %s", (_what, group) => {
        const r = withGroups(...textGroups, group);
        expect(check([r])).toStrictEqual([stored(r)]);
    });

    it("refuses the statement in a processor that is not a transform, or not in the pipeline", () => {
        const other = agentWith({ "redaction/pii": transform(clientGroup) });
        expect(check([other])).toStrictEqual([stored(other)]);
        const unused = agentWith({ "transform/scrub_pii": transform(clientGroup) }, []);
        expect(check([unused])).toStrictEqual([stored(unused)]);
    });

    it("judges each traces pipeline of each agent, and only those", () => {
        const a = agent({
            pipelines: {
                traces: { processors: ["transform/scrub_pii"] },
                "traces/raw": { processors: [] },
                metrics: { processors: [] },
            },
        });
        const b = agent({ pipelines: { traces: { processors: [] } } }, "otel-agent-b");
        expect(check([a, b, renderedGateway])).toStrictEqual([stored(a, "traces/raw"), stored(b)]);
    });
});
