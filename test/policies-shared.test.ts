import Ajv from "ajv";
import {
    configSchemaProperties,
    defaultConfig,
    PolicyConfigError,
    reconcile,
    type PolicyMeta,
} from "../policies/config";
import { evaluate } from "../policies/evaluate";
import {
    annotations,
    containers,
    flags,
    isKind,
    isSsoProxy,
    isWorkload,
    labels,
    list,
    metadataName,
    metadataNamespace,
    networkPolicySelects,
    obj,
    podLabels,
    podSpec,
    quantityGi,
    selectorMatches,
    strings,
    text,
    type PolicyInput,
} from "../policies/resource-view";
import type { ResourceRule, Rule, StackRule } from "../policies/rule";
import { rules } from "../policies/rules";

/*
 * What every rule stands on, judged directly: reading resources as policies receive them (plain
 * JSON), reconciling a policy config file as the Pulumi CLI does (with errors naming each bad entry),
 * and running rules with their levels. The stack variants reach these only through whole stacks.
 */

const resource = (kind: string, props: Record<string, unknown>, type = `kubernetes:apps/v1:${kind}`): PolicyInput => ({
    type,
    name: "urn-name",
    props,
});

describe("reading resources", () => {
    it("obj, list and strings take only their own shape", () => {
        expect(obj({ a: 1 })).toStrictEqual({ a: 1 });
        expect(obj(null)).toStrictEqual({});
        expect(obj([1])).toStrictEqual({});
        expect(obj("x")).toStrictEqual({});
        expect(list([{ a: 1 }, "x", null])).toStrictEqual([{ a: 1 }, {}, {}]);
        expect(list({ a: 1 })).toStrictEqual([]);
        expect(strings(["a", 1, true])).toStrictEqual(["a", "1", "true"]);
        expect(strings("a")).toStrictEqual([]);
    });

    it("text prints scalars as written, the fallback when absent, anything else as JSON", () => {
        expect(text("a")).toBe("a");
        expect(text(8080)).toBe("8080");
        expect(text(false)).toBe("false");
        expect(text(BigInt(3))).toBe("3");
        expect(text(undefined)).toBe("");
        expect(text(null, "none")).toBe("none");
        expect(text(undefined, "none")).toBe("none");
        expect(text({ a: [1] })).toBe('{"a":[1]}');
    });

    it("isKind matches the kind at the end of a Kubernetes type only", () => {
        expect(isKind({ type: "kubernetes:apps/v1:Deployment", name: "d", props: {} }, "Deployment")).toBe(true);
        expect(isKind({ type: "kubernetes:apps/v1:Deployment", name: "d", props: {} }, "ReplicaSet")).toBe(false);
        expect(isKind({ type: "kubernetes:apps/v1:MyDeployment", name: "d", props: {} }, "Deployment")).toBe(false);
        expect(isKind({ type: "aws:apps/v1:Deployment", name: "d", props: {} }, "Deployment")).toBe(false);
    });

    it("metadata: name (the URN name when none), namespace (only a string), labels, annotations", () => {
        const r = resource("Deployment", {
            metadata: { name: "api", namespace: "shop", labels: { a: "1" }, annotations: { b: "2" } },
        });
        expect(metadataName(r)).toBe("api");
        expect(metadataNamespace(r)).toBe("shop");
        expect(labels(r)).toStrictEqual({ a: "1" });
        expect(annotations(r)).toStrictEqual({ b: "2" });
        const bare = resource("Deployment", { metadata: { namespace: 3 } });
        expect(metadataName(bare)).toBe("urn-name");
        expect(metadataNamespace(bare)).toBeUndefined();
        expect(labels(bare)).toStrictEqual({});
        expect(annotations(bare)).toStrictEqual({});
    });

    const pod = { containers: [{ name: "app" }] };
    const templated = { template: { metadata: { labels: { app: "x" } }, spec: pod } };

    it.each([
        ["Deployment", { spec: templated }],
        ["StatefulSet", { spec: templated }],
        ["DaemonSet", { spec: templated }],
        ["ReplicaSet", { spec: templated }],
        ["Job", { spec: templated }],
        ["CronJob", { spec: { jobTemplate: { spec: templated } } }],
    ])("a %s is a workload: its pod spec and pod labels come from its template", (kind, props) => {
        const r = resource(kind, props);
        expect(isWorkload(r)).toBe(true);
        expect(podSpec(r)).toStrictEqual(pod);
        expect(podLabels(r)).toStrictEqual({ app: "x" });
    });

    it("a Pod is a workload whose spec is its pod spec", () => {
        const r = resource("Pod", { spec: pod }, "kubernetes:core/v1:Pod");
        expect(isWorkload(r)).toBe(true);
        expect(podSpec(r)).toStrictEqual(pod);
    });

    it("anything else has no pod spec", () => {
        const r = resource("Service", { spec: templated }, "kubernetes:core/v1:Service");
        expect(isWorkload(r)).toBe(false);
        expect(podSpec(r)).toBeNull();
    });

    it("containers lists init containers first, then the others", () => {
        expect(containers({ initContainers: [{ name: "init" }], containers: [{ name: "app" }] })).toStrictEqual([
            { name: "init" },
            { name: "app" },
        ]);
        expect(containers({})).toStrictEqual([]);
    });

    it("a selector matches when every label it names is equal, and an empty one matches nothing", () => {
        expect(selectorMatches({ app: "x" }, { app: "x", tier: "y" })).toBe(true);
        expect(selectorMatches({ app: "x", tier: "z" }, { app: "x", tier: "y" })).toBe(false);
        expect(selectorMatches({ app: "x" }, {})).toBe(false);
        expect(selectorMatches({}, { app: "x" })).toBe(false);
    });

    it("a NetworkPolicy selects a workload in its own namespace whose pod labels match", () => {
        const np = (namespace: string, matchLabels: Record<string, string>): PolicyInput =>
            resource(
                "NetworkPolicy",
                { metadata: { namespace }, spec: { podSelector: { matchLabels } } },
                "kubernetes:networking.k8s.io/v1:NetworkPolicy",
            );
        const workload = resource("Deployment", { metadata: { namespace: "tracing" }, spec: templated });
        expect(networkPolicySelects(np("tracing", { app: "x" }), workload)).toBe(true);
        expect(networkPolicySelects(np("shop", { app: "x" }), workload)).toBe(false);
        expect(networkPolicySelects(np("tracing", { app: "y" }), workload)).toBe(false);
    });

    it("the SSO proxy is a Deployment running a container named oauth2-proxy", () => {
        const withContainer = (kind: string, name: string): PolicyInput =>
            resource(kind, { spec: { template: { spec: { containers: [{ name }] } } } });
        expect(isSsoProxy(withContainer("Deployment", "oauth2-proxy"))).toBe(true);
        expect(isSsoProxy(withContainer("Deployment", "proxy"))).toBe(false);
        expect(isSsoProxy(withContainer("StatefulSet", "oauth2-proxy"))).toBe(false);
        const withSidecar = resource("Deployment", {
            spec: { template: { spec: { containers: [{ name: "oauth2-proxy" }, { name: "log-shipper" }] } } },
        });
        expect(isSsoProxy(withSidecar)).toBe(true);
        expect(
            isSsoProxy(
                resource("Deployment", {
                    spec: { template: { spec: { initContainers: [{ name: "oauth2-proxy" }] } } },
                }),
            ),
        ).toBe(true);
    });

    it("flags reads --name=value arguments, repeats kept in order, anything else ignored", () => {
        const got = flags({
            args: [
                "--upstream=http://a",
                "--upstream=http://b",
                "--empty=",
                "-x=1",
                "--bare",
                "pos",
                "a --y=2",
                "--skip-auth-regex=^/a\n^/b",
            ],
        });
        expect([...got.entries()]).toStrictEqual([
            ["upstream", ["http://a", "http://b"]],
            ["empty", [""]],
            // A value goes to the end of the argument, line breaks included: the program reads it whole.
            ["skip-auth-regex", ["^/a\n^/b"]],
        ]);
        expect([...flags({}).entries()]).toStrictEqual([]);
    });

    it.each([
        ["60Gi", 60],
        ["1Ti", 1024],
        ["512Mi", 0.5],
        ["1048576Ki", 1],
        ["1.5Gi", 1.5],
        [".5Gi", 0.5],
        [".25Gi", 0.25],
        ["1073741824", 1],
        ["1000000000G", 1e18 / 2 ** 30],
        ["2T", 2e12 / 2 ** 30],
        ["1000M", 1e9 / 2 ** 30],
        ["1000K", 1e6 / 2 ** 30],
        [200, 200 / 2 ** 30],
    ])("quantityGi(%j) = %d", (q, gi) => {
        expect(quantityGi(q)).toBeCloseTo(gi, 12);
    });

    it.each(["", "Gi", "60 Gi", "60GiB", "x60Gi", "60Gix", "-1Gi", "60e3", ".", ".Gi", "1.2.3Gi", "..Ti", "1..5Gi"])(
        "quantityGi(%j) is null",
        (q) => {
            expect(quantityGi(q)).toBeNull();
        },
    );

    it("quantityGi is null for a number too long to be finite", () => {
        expect(quantityGi(`${"9".repeat(400)}Gi`)).toBeNull();
    });
});

const meta: PolicyMeta[] = [
    { name: "keeps-days", enforcementLevel: "mandatory", config: ["maxRetentionDays"] },
    { name: "checks-ranges", enforcementLevel: "advisory", config: ["allowedSourceRanges", "allowedIngressClasses"] },
    { name: "plain", enforcementLevel: "mandatory" },
];

const problemsOf = (overrides: unknown): string[] => {
    try {
        reconcile(overrides, meta);
    } catch (e) {
        if (e instanceof PolicyConfigError) return e.problems;
        throw e;
    }
    throw new Error("reconcile accepted it");
};

describe("reconciling a policy config file", () => {
    it("with an empty file, every policy keeps its level and the defaults (a copy per policy)", () => {
        const got = reconcile({}, meta);
        expect([...got.keys()]).toStrictEqual(["keeps-days", "checks-ranges", "plain"]);
        expect(got.get("checks-ranges")).toStrictEqual({ enforcementLevel: "advisory", config: defaultConfig });
        expect(got.get("keeps-days")?.config).not.toBe(defaultConfig);
    });

    it("sets a policy's level by a string or by enforcementLevel, and a setting it declares", () => {
        const got = reconcile(
            { "keeps-days": { maxRetentionDays: 7, enforcementLevel: "advisory" }, plain: "disabled" },
            meta,
        );
        expect(got.get("keeps-days")).toStrictEqual({
            enforcementLevel: "advisory",
            config: { ...defaultConfig, maxRetentionDays: 7 },
        });
        expect(got.get("plain")?.enforcementLevel).toBe("disabled");
        // Another policy's settings stay at the defaults.
        expect(got.get("checks-ranges")?.config).toStrictEqual(defaultConfig);
    });

    it("applies all first, then each policy's own entry, as a string or as { enforcementLevel }", () => {
        const got = reconcile({ plain: "mandatory", all: { enforcementLevel: "remediate" } }, meta);
        expect([...got.values()].map((s) => s.enforcementLevel)).toStrictEqual(["remediate", "remediate", "mandatory"]);
        expect(reconcile({ all: "advisory" }, meta).get("plain")?.enforcementLevel).toBe("advisory");
    });

    it("accepts the boundary values: an integer at its minimum, CIDRs, an empty list", () => {
        const got = reconcile(
            {
                "keeps-days": { maxRetentionDays: 1 },
                "checks-ranges": { allowedSourceRanges: ["10.0.0.0/8", "192.168.1.0/24"], allowedIngressClasses: [] },
            },
            meta,
        );
        expect(got.get("keeps-days")?.config.maxRetentionDays).toBe(1);
        expect(got.get("checks-ranges")?.config.allowedSourceRanges).toStrictEqual(["10.0.0.0/8", "192.168.1.0/24"]);
        expect(got.get("checks-ranges")?.config.allowedIngressClasses).toStrictEqual([]);
    });

    it.each([
        [[], ["the file must hold a JSON object keyed by policy name"]],
        [null, ["the file must hold a JSON object keyed by policy name"]],
        ["mandatory", ["the file must hold a JSON object keyed by policy name"]],
        [{ all: "warn" }, ['all: "warn" is not an enforcement level (advisory, mandatory, remediate, disabled)']],
        [{ all: { enforcementLevel: "advisory", maxRetentionDays: 3 } }, ["all: takes only an enforcement level"]],
        [{ all: {} }, ["all: undefined is not an enforcement level (advisory, mandatory, remediate, disabled)"]],
        [
            { "keep-days": "advisory" },
            ["keep-days: no such policy in the pack (policies: keeps-days, checks-ranges, plain)"],
        ],
        [{ plain: 3 }, ["plain: must be an enforcement level or an object of settings"]],
        [{ plain: ["advisory"] }, ["plain: must be an enforcement level or an object of settings"]],
        [
            { plain: { enforcementLevel: "off" } },
            ['plain.enforcementLevel: "off" is not an enforcement level (advisory, mandatory, remediate, disabled)'],
        ],
        [{ plain: { maxRetentionDays: 3 } }, ["plain.maxRetentionDays: not a setting of this policy (it has none)"]],
        [
            { "checks-ranges": { maxRetentionDays: 3 } },
            [
                "checks-ranges.maxRetentionDays: not a setting of this policy (its settings: allowedSourceRanges, allowedIngressClasses)",
            ],
        ],
        [{ "keeps-days": { maxRetentionDays: 0 } }, ["keeps-days.maxRetentionDays: must be at least 1, got 0"]],
        [{ "keeps-days": { maxRetentionDays: 1.5 } }, ["keeps-days.maxRetentionDays: must be an integer, got 1.5"]],
        [{ "keeps-days": { maxRetentionDays: "7" } }, ['keeps-days.maxRetentionDays: must be an integer, got "7"']],
        [
            { "checks-ranges": { allowedSourceRanges: "10.0.0.0/8" } },
            ['checks-ranges.allowedSourceRanges: must be an array of strings, got "10.0.0.0/8"'],
        ],
        [
            { "checks-ranges": { allowedIngressClasses: ["internal", 7] } },
            ["checks-ranges.allowedIngressClasses: must be an array of strings, got the item 7"],
        ],
        [
            { "checks-ranges": { allowedSourceRanges: ["10.0.0.0/8", "vpn"] } },
            ['checks-ranges.allowedSourceRanges: items must be IPv4 CIDRs like 10.0.0.0/8, got "vpn"'],
        ],
        [
            { "checks-ranges": { allowedSourceRanges: ["x10.0.0.0/8"] } },
            ['checks-ranges.allowedSourceRanges: items must be IPv4 CIDRs like 10.0.0.0/8, got "x10.0.0.0/8"'],
        ],
        [
            { "checks-ranges": { allowedSourceRanges: ["10.0.0.0/8x"] } },
            ['checks-ranges.allowedSourceRanges: items must be IPv4 CIDRs like 10.0.0.0/8, got "10.0.0.0/8x"'],
        ],
    ])("refuses %j naming each problem", (overrides, problems) => {
        expect(problemsOf(overrides)).toStrictEqual(problems);
    });

    it("reports every problem of a file at once, in one error that lists them", () => {
        const problems = [
            "keep-days: no such policy in the pack (policies: keeps-days, checks-ranges, plain)",
            "keeps-days.maxRetentionDays: must be at least 1, got -1",
            'plain: "warn" is not an enforcement level (advisory, mandatory, remediate, disabled)',
        ];
        expect(problemsOf({ "keep-days": {}, "keeps-days": { maxRetentionDays: -1 }, plain: "warn" })).toStrictEqual(
            problems,
        );
        expect(() => reconcile({ "keep-days": {}, plain: "warn" }, meta)).toThrow(
            new PolicyConfigError([problems[0], problems[2]]),
        );
        expect(new PolicyConfigError([problems[0], problems[2]]).message).toBe(
            `invalid policy config:\n  ${problems[0]}\n  ${problems[2]}`,
        );
    });

    it("a bad level in one entry does not stop the others being checked", () => {
        expect(problemsOf({ plain: "warn", "keeps-days": "nope" })).toStrictEqual([
            'plain: "warn" is not an enforcement level (advisory, mandatory, remediate, disabled)',
            'keeps-days: "nope" is not an enforcement level (advisory, mandatory, remediate, disabled)',
        ]);
    });

    it("the schema the CLI checks: integers with a minimum of 1, CIDR items for the ranges", () => {
        expect(configSchemaProperties.maxRetentionDays).toMatchObject({ type: "integer", minimum: 1, default: 30 });
        expect(configSchemaProperties.maxStorageGi).toMatchObject({ type: "integer", minimum: 1, default: 500 });
        const cidr = new RegExp(configSchemaProperties.allowedSourceRanges.items?.pattern ?? "^$");
        expect(["10.0.0.0/8", "100.64.0.0/10"].every((c) => cidr.test(c))).toBe(true);
        expect(["10.0.0.0", "10.0.0/8", "a10.0.0.0/8", "10.0.0.0/8 "].some((c) => cidr.test(c))).toBe(false);
        expect(configSchemaProperties.allowedIngressClasses.items?.pattern).toBeUndefined();
    });
});

describe("evaluate", () => {
    const perResource: ResourceRule = {
        kind: "resource",
        name: "plain",
        description: "names every resource",
        enforcementLevel: "mandatory",
        validateResource: (r, config) => [`${r.name} (${config.maxRetentionDays})`],
    };
    const perStack: StackRule = {
        kind: "stack",
        name: "checks-ranges",
        description: "one finding with a resource, one without",
        enforcementLevel: "advisory",
        config: ["allowedSourceRanges"],
        validateStack: (rs, config) => [
            { message: `first of ${rs.length}`, resource: { type: rs[0].type, name: rs[0].name } },
            { message: config.allowedSourceRanges.join(",") },
        ],
    };
    const rules: Rule[] = [perResource, perStack];
    const rs: PolicyInput[] = [
        { type: "kubernetes:core/v1:Service", name: "a", props: {} },
        { type: "kubernetes:core/v1:ConfigMap", name: "b", props: {} },
    ];

    it("reports each message with its policy, level and resource, rules in order", () => {
        expect(evaluate(rs, {}, rules)).toStrictEqual([
            {
                policy: "plain",
                enforcementLevel: "mandatory",
                message: "a (30)",
                resource: { type: "kubernetes:core/v1:Service", name: "a" },
            },
            {
                policy: "plain",
                enforcementLevel: "mandatory",
                message: "b (30)",
                resource: { type: "kubernetes:core/v1:ConfigMap", name: "b" },
            },
            {
                policy: "checks-ranges",
                enforcementLevel: "advisory",
                message: "first of 2",
                resource: { type: "kubernetes:core/v1:Service", name: "a" },
            },
            {
                policy: "checks-ranges",
                enforcementLevel: "advisory",
                message: defaultConfig.allowedSourceRanges.join(","),
                resource: null,
            },
        ]);
    });

    it("passes each rule its own settings, skips a disabled rule, reports remediate as mandatory", () => {
        const got = evaluate(
            rs,
            {
                plain: "disabled",
                "checks-ranges": { enforcementLevel: "remediate", allowedSourceRanges: ["10.0.0.0/8"] },
            },
            rules,
        );
        expect(got.map((v) => [v.policy, v.enforcementLevel, v.message])).toStrictEqual([
            ["checks-ranges", "mandatory", "first of 2"],
            ["checks-ranges", "mandatory", "10.0.0.0/8"],
        ]);
        expect(evaluate(rs, { all: "advisory" }, rules).map((v) => v.enforcementLevel)).toStrictEqual([
            "advisory",
            "advisory",
            "advisory",
            "advisory",
        ]);
        expect(evaluate(rs, { all: "disabled" }, rules)).toStrictEqual([]);
    });

    it("refuses an invalid config file before running any rule", () => {
        expect(() => evaluate(rs, { nope: "advisory" }, rules)).toThrow(PolicyConfigError);
    });
});

describe("the pack's config schema, with which the Pulumi CLI checks a policy config file", () => {
    // Strict: an unknown keyword or type makes the schema itself invalid, as it would be for the CLI.
    const ajv = new Ajv({ strict: true, allErrors: true });
    const keys = Object.keys(configSchemaProperties) as (keyof typeof configSchemaProperties)[];
    const policyWith = (key: string): PolicyMeta => ({
        name: "p",
        enforcementLevel: "advisory",
        config: [key as keyof typeof configSchemaProperties],
    });
    const reconcileAccepts = (key: string, value: unknown): boolean => {
        try {
            reconcile({ p: { [key]: value } }, [policyWith(key)]);
            return true;
        } catch (err) {
            if (err instanceof PolicyConfigError) return false;
            throw err;
        }
    };
    const samples: unknown[] = [
        0,
        1,
        7,
        2.5,
        -3,
        "10.0.0.0/8",
        [],
        ["internal"],
        ["10.8.0.0/16"],
        ["10.8.0.0/16", "not-a-range"],
        ["10.8.0.0"],
        [1],
        [["nested"]],
        null,
        { a: 1 },
        true,
    ];

    it("refuses exactly what the offline check refuses, for every setting", () => {
        for (const key of keys) {
            const validate = ajv.compile(configSchemaProperties[key]);
            for (const value of samples) {
                expect([key, value, validate(value)]).toStrictEqual([key, value, reconcileAccepts(key, value)]);
            }
        }
    });

    it("describes every setting in a sentence, and its default passes its own schema", () => {
        for (const key of keys) {
            const schema = configSchemaProperties[key];
            expect([key, schema.description]).toStrictEqual([key, expect.stringMatching(/^[A-Z].{20,}[.)]$/)]);
            expect([key, ajv.validate(schema, schema.default)]).toStrictEqual([key, true]);
        }
    });

    it("gives every rule a description in a sentence, which the CLI prints beside each violation", () => {
        for (const rule of rules)
            expect([rule.name, rule.description]).toStrictEqual([rule.name, expect.stringMatching(/^[A-Z].{20,}\.$/)]);
    });
});
