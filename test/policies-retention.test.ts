import { stringify } from "yaml";
import { defaultConfig, type PackConfig } from "../policies/config";
import { podSpec, type Json, type PolicyInput } from "../policies/resource-view";
import type { Violation } from "../policies/rule";
import { memoryStoreCapped, retentionWithinLimits, storageWithinLimits } from "../policies/rules/retention";
import { jaegerPodListen, renderJaegerConfig, toJaegerYaml, type JaegerStorageInput } from "../renderers/jaeger-config";

/*
 * The retention and storage rules judged directly on small inputs: the index cleaner's days at each
 * end of the allowed range and the setting that moves it, which cluster and prefix a cleaner covers,
 * claim sizes in each unit at the limit and just above it, uncapped memory stores, and each message
 * in full. The stack variants break one thing each on a whole stack and reach few of these edges.
 */

const esUrl = "https://elasticsearch.tracing.svc.cluster.local:9200";
const image = "jaegertracing/jaeger-es-index-cleaner:1.76.0";

const resourceOf = (r: PolicyInput): Violation["resource"] => ({ type: r.type, name: r.name });

const configMap = (name: string, text: string): PolicyInput => ({
    type: "kubernetes:core/v1:ConfigMap",
    // The Pulumi name differs from the object's: messages name the object, violations the resource.
    name: `${name}-config`,
    props: { metadata: { name }, data: { "config.yaml": text } },
});

/** A Jaeger v2 config holding these storage backends. */
const jaeger = (backends: Json, name = "jaeger"): PolicyInput =>
    configMap(name, stringify({ extensions: { jaeger_storage: { backends } } }));

const es = (urls: unknown, prefix?: string): Json => ({
    elasticsearch: { server_urls: urls, ...(prefix === undefined ? {} : { indices: { index_prefix: prefix } }) },
});

const rendered = (storage: JaegerStorageInput, name = "jaeger"): PolicyInput =>
    configMap(name, toJaegerYaml(renderJaegerConfig({ role: "collector", storage, listen: jaegerPodListen })));

const renderedEs = rendered({ kind: "elasticsearch", url: esUrl, indexPrefix: "jaeger", shards: 1, replicas: 0 });

/** An index cleaner container as components/index-cleaner.ts runs it. */
const cleaner = (days: string, opts: { url?: string; prefix?: string; name?: string } = {}): Json => ({
    name: opts.name ?? "index-cleaner",
    image,
    args: [days, opts.url ?? esUrl],
    env: [
        { name: "INDEX_PREFIX", value: opts.prefix ?? "jaeger" },
        { name: "ES_USERNAME", valueFrom: { secretKeyRef: { name: "es-cleaner", key: "username" } } },
    ],
});

function cronJob(containers: Json[], spec: Json = {}, name = "jaeger-es-index-cleaner"): PolicyInput {
    return {
        type: "kubernetes:batch/v1:CronJob",
        name: `${name}-cron`,
        props: {
            metadata: { name },
            spec: { schedule: "55 23 * * *", ...spec, jobTemplate: { spec: { template: { spec: { containers } } } } },
        },
    };
}

const deployment: PolicyInput = {
    type: "kubernetes:apps/v1:Deployment",
    name: "shop-api",
    props: { metadata: { name: "shop-api" }, spec: { template: { spec: { containers: [{ name: "api" }] } } } },
};

describe("retention-within-limits", () => {
    const check = (rs: PolicyInput[], config: PackConfig = defaultConfig): Violation[] =>
        retentionWithinLimits.validateStack(rs, config);
    const noCleaner: Violation = {
        message:
            "Jaeger writes to Elasticsearch but no jaeger-es-index-cleaner CronJob deletes old indices. Keep the index cleaner (it follows tracing:retentionDays).",
    };
    const keeps = (cron: PolicyInput, kept: string, prefixes = '"jaeger"', max = 30): Violation => ({
        message: `${String((cron.props.metadata as Json).name)} keeps ${kept} days of traces; the limit is 1 to ${max} (index prefix ${prefixes}). Lower tracing:retentionDays.`,
        resource: resourceOf(cron),
    });
    const suspended = (cron: PolicyInput): Violation => ({
        message: `${String((cron.props.metadata as Json).name)} is suspended, so no index is ever deleted. Remove spec.suspend.`,
        resource: resourceOf(cron),
    });
    const uncovered = (cm: PolicyInput, writes: string, cleaned: string, backend = "traces"): Violation => ({
        message: `Jaeger backend ${backend} in ${String((cm.props.metadata as Json).name)} writes to ${writes}, but the index cleaner only cleans ${cleaned}. Point the cleaner at Jaeger's Elasticsearch URL and INDEX_PREFIX.`,
        resource: resourceOf(cm),
    });

    it("is mandatory, judged on the whole stack, and reads maxRetentionDays", () => {
        expect([
            retentionWithinLimits.name,
            retentionWithinLimits.kind,
            retentionWithinLimits.enforcementLevel,
            retentionWithinLimits.config,
        ]).toStrictEqual(["retention-within-limits", "stack", "mandatory", ["maxRetentionDays"]]);
        expect(retentionWithinLimits.description).toMatch(/index cleaner/);
    });

    it("passes the rendered Jaeger with a cleaner of its cluster and prefix", () => {
        expect(check([deployment, renderedEs, cronJob([cleaner("7")])])).toStrictEqual([]);
    });

    describe("when Jaeger does not store into Elasticsearch", () => {
        it.each([
            ["an empty stack", []],
            ["workloads only", [deployment]],
            ["an in-memory Jaeger", [rendered({ kind: "memory", maxTraces: 1000 })]],
            ["a collector config without Jaeger storage", [configMap("otel-agent", "exporters: {}\n")]],
            ["a ConfigMap without a config", [{ ...configMap("x", ""), props: { metadata: { name: "x" } } }]],
            ["an Elasticsearch backend in a Secret", [{ ...renderedEs, type: "kubernetes:core/v1:Secret" }]],
        ])("asks nothing of %s, not even a cleaner", (_what, rs) => {
            expect(check(rs)).toStrictEqual([]);
        });

        it("leaves a cleaner keeping too much alone", () => {
            expect(check([rendered({ kind: "memory", maxTraces: 1000 }), cronJob([cleaner("45")])])).toStrictEqual([]);
        });
    });

    it.each([
        ["no CronJob", [deployment]],
        ["a CronJob running something else", [cronJob([{ ...cleaner("7"), image: "busybox:1.37" }])]],
        ["a CronJob whose container has no image", [cronJob([{ ...cleaner("7"), image: undefined }])]],
        [
            "a Deployment running the cleaner",
            [
                {
                    type: "kubernetes:apps/v1:Deployment",
                    name: "cleaner",
                    props: {
                        metadata: { name: "cleaner" },
                        spec: { template: { spec: { containers: [cleaner("7")] } } },
                    },
                },
            ],
        ],
    ])("refuses Elasticsearch storage with %s", (_what, rs) => {
        expect(check([renderedEs, ...rs])).toStrictEqual([noCleaner]);
    });

    describe("the days kept", () => {
        it.each(["1", "7", "30", "030"])("passes %s days", (days) => {
            expect(check([renderedEs, cronJob([cleaner(days)])])).toStrictEqual([]);
        });

        it.each(["0", "31", "365", "-1", "1.5", "1e1", "x30", "30x", " 30", "30 ", "thirty"])(
            "refuses %s days, naming them",
            (days) => {
                const cron = cronJob([cleaner(days)]);
                expect(check([renderedEs, cron])).toStrictEqual([keeps(cron, days)]);
            },
        );

        it("follows maxRetentionDays, at the limit and one above", () => {
            const config = { ...defaultConfig, maxRetentionDays: 45 };
            expect(check([renderedEs, cronJob([cleaner("45")])], config)).toStrictEqual([]);
            const cron = cronJob([cleaner("46")]);
            expect(check([renderedEs, cron], config)).toStrictEqual([keeps(cron, "46", '"jaeger"', 45)]);
            const strict = { ...defaultConfig, maxRetentionDays: 7 };
            const week = cronJob([cleaner("8")]);
            expect(check([renderedEs, week], strict)).toStrictEqual([keeps(week, "8", '"jaeger"', 7)]);
        });

        it("refuses a cleaner without arguments: no days, no cluster", () => {
            const cron = cronJob([{ ...cleaner("7"), args: undefined }]);
            expect(check([renderedEs, cron])).toStrictEqual([
                keeps(cron, ""),
                uncovered(renderedEs, `${esUrl} with index prefix "jaeger"`, ' (prefix "jaeger")'),
            ]);
        });

        it("names a CronJob once, with each prefix kept too long and each distinct day count", () => {
            const cron = cronJob([
                cleaner("45"),
                cleaner("60", { name: "index-cleaner-shop", prefix: "jaeger-shop" }),
                cleaner("45", { name: "index-cleaner-ops", prefix: "jaeger-ops" }),
                cleaner("30", { name: "index-cleaner-web", prefix: "jaeger-web" }),
            ]);
            expect(check([renderedEs, cron])).toStrictEqual([
                keeps(cron, "45, 60", '"jaeger", "jaeger-shop", "jaeger-ops"'),
            ]);
        });

        it("names only the prefixes kept too long", () => {
            const cron = cronJob([cleaner("7"), cleaner("31", { name: "index-cleaner-shop", prefix: "jaeger-shop" })]);
            expect(check([renderedEs, cron])).toStrictEqual([keeps(cron, "31", '"jaeger-shop"')]);
        });

        it("judges each CronJob on its own containers", () => {
            const good = cronJob([cleaner("7")]);
            const bad = cronJob([cleaner("90", { prefix: "jaeger-shop" })], {}, "jaeger-es-index-cleaner-shop");
            expect(check([renderedEs, good, bad])).toStrictEqual([keeps(bad, "90", '"jaeger-shop"')]);
            expect(check([renderedEs, bad, good])).toStrictEqual([keeps(bad, "90", '"jaeger-shop"')]);
        });

        it("ignores other containers of the CronJob", () => {
            const sidecar = { name: "sidecar", image: "busybox:1.37", args: ["365", "http://elsewhere:9200"] };
            expect(check([renderedEs, cronJob([sidecar, cleaner("7")])])).toStrictEqual([]);
        });

        it("counts a cleaner run as an init container", () => {
            const cron = cronJob([]);
            (podSpec(cron) as Json).initContainers = [cleaner("31")];
            expect(check([renderedEs, cron])).toStrictEqual([keeps(cron, "31")]);
        });
    });

    describe("a suspended cleaner", () => {
        it("is refused, though it keeps few enough days", () => {
            const cron = cronJob([cleaner("7")], { suspend: true });
            expect(check([renderedEs, cron])).toStrictEqual([suspended(cron)]);
        });

        it("is refused after its days", () => {
            const cron = cronJob([cleaner("45")], { suspend: true });
            expect(check([renderedEs, cron])).toStrictEqual([keeps(cron, "45"), suspended(cron)]);
        });

        it("is named once, whatever its containers", () => {
            const cron = cronJob([cleaner("7"), cleaner("7", { prefix: "jaeger-shop" })], { suspend: true });
            expect(check([renderedEs, cron])).toStrictEqual([suspended(cron)]);
        });

        it("is named alone among running ones", () => {
            const running = cronJob([cleaner("7")]);
            const paused = cronJob([cleaner("7", { prefix: "jaeger-shop" })], { suspend: true }, "cleaner-shop");
            expect(check([renderedEs, running, paused])).toStrictEqual([suspended(paused)]);
            expect(check([renderedEs, paused, running])).toStrictEqual([suspended(paused)]);
        });

        it.each([false, "true", null])("is not suspended by suspend: %p", (suspend) => {
            expect(check([renderedEs, cronJob([cleaner("7")], { suspend })])).toStrictEqual([]);
        });
    });

    describe("which cluster and prefix a cleaner covers", () => {
        it.each([
            ["a trailing slash", `${esUrl}/`],
            ["trailing slashes", `${esUrl}//`],
            ["surrounding spaces", `  ${esUrl} `],
            ["capitals", esUrl.toUpperCase()],
        ])("matches the URL despite %s", (_what, url) => {
            expect(check([renderedEs, cronJob([cleaner("7", { url })])])).toStrictEqual([]);
            const written = jaeger({ traces: es([url], "jaeger") });
            expect(check([written, cronJob([cleaner("7")])])).toStrictEqual([]);
        });

        it("refuses a cleaner of another cluster, naming both in lower case without the trailing slash", () => {
            const cron = cronJob([cleaner("7", { url: "HTTPS://Elasticsearch.Elsewhere:9200/ " })]);
            expect(check([renderedEs, cron])).toStrictEqual([
                uncovered(
                    renderedEs,
                    `${esUrl} with index prefix "jaeger"`,
                    'https://elasticsearch.elsewhere:9200 (prefix "jaeger")',
                ),
            ]);
        });

        it("refuses a cleaner of another prefix", () => {
            const cron = cronJob([cleaner("7", { prefix: "traces" })]);
            expect(check([renderedEs, cron])).toStrictEqual([
                uncovered(renderedEs, `${esUrl} with index prefix "jaeger"`, `${esUrl} (prefix "traces")`),
            ]);
        });

        it("refuses a path on the URL: it is another endpoint", () => {
            const cron = cronJob([cleaner("7", { url: `${esUrl}/es` })]);
            expect(check([renderedEs, cron])).toStrictEqual([
                uncovered(renderedEs, `${esUrl} with index prefix "jaeger"`, `${esUrl}/es (prefix "jaeger")`),
            ]);
        });

        it("reads INDEX_PREFIX among other variables, and an empty prefix when it is absent", () => {
            const noPrefix = jaeger({ traces: es([esUrl]) });
            const bare = { ...cleaner("7"), env: [{ name: "ES_TLS_ENABLED", value: "true" }] };
            expect(check([noPrefix, cronJob([bare])])).toStrictEqual([]);
            expect(check([noPrefix, cronJob([{ ...bare, env: undefined }])])).toStrictEqual([]);
            const fromSecret = { ...cleaner("7"), env: [{ name: "INDEX_PREFIX", valueFrom: { secretKeyRef: {} } }] };
            expect(check([noPrefix, cronJob([fromSecret])])).toStrictEqual([]);
            expect(check([renderedEs, cronJob([bare])])).toStrictEqual([
                uncovered(renderedEs, `${esUrl} with index prefix "jaeger"`, `${esUrl} (prefix "")`),
            ]);
            const reordered = { ...cleaner("7"), env: [...(bare.env as Json[]), { name: "INDEX_PREFIX", value: "x" }] };
            expect(check([renderedEs, cronJob([reordered])])).toStrictEqual([
                uncovered(renderedEs, `${esUrl} with index prefix "jaeger"`, `${esUrl} (prefix "x")`),
            ]);
        });

        it("passes a cleaner of any one of the backend's URLs", () => {
            const two = jaeger({ traces: es(["https://es-0:9200", esUrl], "jaeger") });
            expect(check([two, cronJob([cleaner("7")])])).toStrictEqual([]);
        });

        it("names every URL of a backend and every cleaner when none covers it", () => {
            const two = jaeger({ traces: es(["https://es-0:9200", "https://es-1:9200"], "jaeger") });
            const cron = cronJob([cleaner("7"), cleaner("7", { prefix: "jaeger-shop" })]);
            expect(check([two, cron])).toStrictEqual([
                uncovered(
                    two,
                    'https://es-0:9200, https://es-1:9200 with index prefix "jaeger"',
                    `${esUrl} (prefix "jaeger"), ${esUrl} (prefix "jaeger-shop")`,
                ),
            ]);
        });

        it("judges each backend of each Jaeger, and leaves memory backends out", () => {
            const shop = jaeger(
                { traces: es([esUrl], "jaeger-shop"), archive: es([esUrl], "archive"), cache: { memory: {} } },
                "jaeger-shop",
            );
            const cron = cronJob([cleaner("7"), cleaner("7", { prefix: "jaeger-shop" })]);
            expect(check([renderedEs, shop, cron])).toStrictEqual([
                uncovered(
                    shop,
                    `${esUrl} with index prefix "archive"`,
                    `${esUrl} (prefix "jaeger"), ${esUrl} (prefix "jaeger-shop")`,
                    "archive",
                ),
            ]);
        });

        it("refuses a backend without URLs", () => {
            const none = jaeger({ traces: es(undefined, "jaeger") });
            expect(check([none, cronJob([cleaner("7")])])).toStrictEqual([
                uncovered(none, ' with index prefix "jaeger"', `${esUrl} (prefix "jaeger")`),
            ]);
        });
    });
});

describe("storage-within-limits", () => {
    const check = (r: PolicyInput, config: PackConfig = defaultConfig): string[] =>
        storageWithinLimits.validateResource(r, config);
    const pvc = (storage: unknown, name = "data-es-0"): PolicyInput => ({
        type: "kubernetes:core/v1:PersistentVolumeClaim",
        name: `${name}-pvc`,
        props: {
            metadata: { name },
            spec: storage === undefined ? {} : { resources: { requests: { storage } } },
        },
    });
    const template = (name: string | undefined, storage: string): Json => ({
        ...(name === undefined ? {} : { metadata: { name } }),
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage } } },
    });
    const statefulSet = (templates: Json[] | undefined, name = "elasticsearch"): PolicyInput => ({
        type: "kubernetes:apps/v1:StatefulSet",
        name: `${name}-sts`,
        props: {
            metadata: { name },
            spec: { serviceName: name, ...(templates === undefined ? {} : { volumeClaimTemplates: templates }) },
        },
    });
    const claims = (owner: string, size: string, claim: string, max = 500): string =>
        `${owner} claims ${size} per volume (${claim}); the limit is ${max}Gi. Lower the size (e.g. tracing:elasticsearch.storageGi) or shorten retention.`;

    it("is mandatory, judged per resource, and reads maxStorageGi", () => {
        expect([
            storageWithinLimits.name,
            storageWithinLimits.kind,
            storageWithinLimits.enforcementLevel,
            storageWithinLimits.config,
        ]).toStrictEqual(["storage-within-limits", "resource", "mandatory", ["maxStorageGi"]]);
        expect(storageWithinLimits.description).toMatch(/maxStorageGi/);
    });

    it.each([
        "1Gi",
        "500Gi",
        "499.5Gi",
        "512000Mi",
        "524288000Ki",
        "0.48828125Ti",
        "536G",
        "536870M",
        "536870912K",
        "0.536T",
        "536870912000",
    ])("passes a claim of %s", (size) => {
        expect(check(pvc(size))).toStrictEqual([]);
    });

    it.each([
        "501Gi",
        "500.5Gi",
        "512001Mi",
        "524288001Ki",
        "0.5Ti",
        "1Ti",
        "537G",
        "536871M",
        "536870913K",
        "0.537T",
        "536870912001",
    ])("refuses a claim of %s, naming it", (size) => {
        expect(check(pvc(size))).toStrictEqual([claims("data-es-0", size, "data-es-0")]);
    });

    it.each(["10GB", "1.5 Gi", "-1Gi", "Gi", "", "1gi", "1Pi", ".", "1.2.3Gi", "..Ti"])(
        "refuses an unreadable size %p",
        (size) => {
            expect(check(pvc(size))).toStrictEqual([claims("data-es-0", size, "data-es-0")]);
        },
    );

    it("refuses a claim without a size", () => {
        expect(check(pvc(undefined))).toStrictEqual([claims("data-es-0", "undefined", "data-es-0")]);
    });

    it("follows maxStorageGi, at the limit and one above", () => {
        const config = { ...defaultConfig, maxStorageGi: 100 };
        expect(check(pvc("100Gi"), config)).toStrictEqual([]);
        expect(check(pvc("101Gi"), config)).toStrictEqual([claims("data-es-0", "101Gi", "data-es-0", 100)]);
        expect(check(pvc("1Ti"), { ...defaultConfig, maxStorageGi: 1024 })).toStrictEqual([]);
    });

    it("judges each claim template of a StatefulSet, naming the template", () => {
        const sts = statefulSet([template("data", "2Ti"), template("logs", "10Gi"), template("queue", "600Gi")]);
        expect(check(sts)).toStrictEqual([
            claims("elasticsearch", "2Ti", "data"),
            claims("elasticsearch", "600Gi", "queue"),
        ]);
        expect(check(statefulSet([template(undefined, "2Ti")]))).toStrictEqual([claims("elasticsearch", "2Ti", "")]);
    });

    it("passes a StatefulSet within the limit, or without claims", () => {
        expect(check(statefulSet([template("data", "500Gi")]))).toStrictEqual([]);
        expect(check(statefulSet([]))).toStrictEqual([]);
        expect(check(statefulSet(undefined))).toStrictEqual([]);
    });

    it("names the resource by its Pulumi name when it has no object name", () => {
        const r = { ...pvc("1Ti"), props: { spec: { resources: { requests: { storage: "1Ti" } } } } };
        expect(check(r)).toStrictEqual([claims("data-es-0-pvc", "1Ti", "")]);
    });

    it.each([
        [
            "a Deployment",
            {
                type: "kubernetes:apps/v1:Deployment",
                name: "app",
                props: { metadata: { name: "app" }, spec: { volumeClaimTemplates: [template("data", "2Ti")] } },
            },
        ],
        ["a ConfigMap", configMap("otel-agent", "a: 1\n")],
        ["a StatefulSet of another provider", { ...statefulSet([template("data", "2Ti")]), type: "x:StatefulSet" }],
        ["a claim of another provider", { ...pvc("2Ti"), type: "x:PersistentVolumeClaim" }],
    ])("leaves %s alone", (_what, r) => {
        expect(check(r)).toStrictEqual([]);
    });
});

describe("memory-store-capped", () => {
    const check = (r: PolicyInput): string[] => memoryStoreCapped.validateResource(r, defaultConfig);
    const uncapped = (backend: string, name = "jaeger"): string =>
        `Jaeger backend ${backend} in ${name} keeps traces in memory without a cap. Set memory.max_traces.`;

    it("is mandatory, judged per resource, with no settings", () => {
        expect([
            memoryStoreCapped.name,
            memoryStoreCapped.kind,
            memoryStoreCapped.enforcementLevel,
            memoryStoreCapped.config,
        ]).toStrictEqual(["memory-store-capped", "resource", "mandatory", undefined]);
        expect(memoryStoreCapped.description).toMatch(/memory/);
    });

    it("passes the rendered Jaeger, in memory or on Elasticsearch", () => {
        expect(check(rendered({ kind: "memory", maxTraces: 100000 }))).toStrictEqual([]);
        expect(check(renderedEs)).toStrictEqual([]);
    });

    it.each([
        ["no settings", {}],
        ["null settings", null],
        ["a cap of 0", { max_traces: 0 }],
        ["a negative cap", { max_traces: -1 }],
        ["a cap that is no number", { max_traces: "many" }],
        ["a cap of 0 as text", { max_traces: "0" }],
    ])("refuses a memory store with %s", (_what, memory) => {
        expect(check(jaeger({ traces: { memory } }))).toStrictEqual([uncapped("traces")]);
    });

    it.each([
        ["1", 1],
        ["1 as text", "1"],
    ])("passes a cap of %s", (_what, max) => {
        expect(check(jaeger({ traces: { memory: { max_traces: max } } }))).toStrictEqual([]);
    });

    it("names each uncapped backend, and only those", () => {
        const r = jaeger(
            {
                a: { memory: {} },
                b: { memory: { max_traces: 1000 } },
                c: es([esUrl], "jaeger"),
                d: { memory: { max_traces: 0 } },
            },
            "jaeger-views",
        );
        expect(check(r)).toStrictEqual([uncapped("a", "jaeger-views"), uncapped("d", "jaeger-views")]);
    });

    it.each([
        ["a Deployment", deployment],
        ["a ConfigMap without a config", { ...configMap("x", ""), props: { metadata: { name: "x" } } }],
        ["a config without Jaeger storage", configMap("otel-agent", "exporters: {}\n")],
        ["an uncapped store in a Secret", { ...jaeger({ traces: { memory: {} } }), type: "kubernetes:core/v1:Secret" }],
    ])("leaves %s alone", (_what, r) => {
        expect(check(r)).toStrictEqual([]);
    });
});
