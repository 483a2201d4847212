import { readdirSync, readFileSync, unlinkSync, writeFileSync } from "fs";
import { builtinModules } from "module";
import { dirname, join, resolve, sep } from "path";
import { parse } from "yaml";
import { configSchemaProperties, defaultConfig, PolicyConfigError, reconcile } from "../policies/config";
import { evaluate } from "../policies/evaluate";
import type { Json, PolicyInput } from "../policies/resource-view";
import { rules } from "../policies/rules";
import type { CheckReport } from "../scripts/check";
import { exposureConfig, requiredValues } from "./support/minimal-config";
import {
    clone,
    commonVariants,
    ingressVariants,
    named,
    stackFileText,
    stackResources,
} from "./support/policy-variants";
import { projectDir, runCheck, scratchDir } from "./support/resources";

const stacks: Record<string, PolicyInput[]> = {};

beforeAll(() => {
    for (const stack of ["dev", "prod"]) stacks[stack] = stackResources(stack);
});

const policiesFailing = (rs: PolicyInput[], overrides = {}) => [
    ...new Set(evaluate(rs, overrides).map((v) => v.policy)),
];

describe.each(["dev", "prod"])("policies on stack %s", (stack) => {
    it("pass on the stack as committed, advisory ones included", () => {
        expect(evaluate(stacks[stack])).toEqual([]);
    });

    it.each([...commonVariants, ...ingressVariants])("fail on %s with %s, and only that", (_what, policy, breakIt) => {
        const broken = clone(stacks[stack]);
        breakIt(broken);
        expect(policiesFailing(broken)).toEqual(Array.isArray(policy) ? policy : [policy]);
    });
});

describe("the pack", () => {
    it("covers every policy with a broken variant that trips it", () => {
        const tripped = new Set(
            [...commonVariants, ...ingressVariants].flatMap(([, p]) => (Array.isArray(p) ? p : [p])),
        );
        expect(rules.map((r) => r.name).filter((n) => !tripped.has(n))).toEqual([]);
    });

    it("is self-contained: the CLI runs it from policies/ with only policies/package.json's dependencies", () => {
        const dir = join(projectDir, "policies");
        const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
            main: string;
            dependencies: Record<string, string>;
        };
        expect(manifest.main).toBe("index.ts");
        expect(parse(readFileSync(join(dir, "PulumiPolicy.yaml"), "utf8"))).toMatchObject({ runtime: "nodejs" });
        const sources = (readdirSync(dir, { recursive: true }) as string[]).filter(
            (f) => f.endsWith(".ts") && !f.split(sep).includes("node_modules"),
        );
        expect(sources).toContain("index.ts");
        for (const file of sources) {
            const text = readFileSync(join(dir, file), "utf8");
            for (const [, spec] of text.matchAll(/(?:\bfrom|\bimport|\brequire\()\s*["']([^"']+)["']/g)) {
                if (spec.startsWith(".")) {
                    expect({
                        file,
                        spec,
                        inside: resolve(dirname(join(dir, file)), spec).startsWith(dir + sep),
                    }).toEqual({ file, spec, inside: true });
                } else {
                    const pkg = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
                    const builtin = builtinModules.includes(pkg.replace(/^node:/, ""));
                    expect({ file, pkg, listed: builtin || pkg in manifest.dependencies }).toEqual({
                        file,
                        pkg,
                        listed: true,
                    });
                }
            }
        }
    });

    it("has unique names, a description, and a schema default for every setting a policy reads", () => {
        expect(new Set(rules.map((r) => r.name)).size).toBe(rules.length);
        for (const r of rules) {
            expect(r.name).toMatch(/^[a-z][a-z0-9-]+$/);
            expect(r.description.length).toBeGreaterThan(20);
            for (const key of r.config ?? []) expect(configSchemaProperties[key].default).toEqual(defaultConfig[key]);
        }
    });
});

describe("policy settings", () => {
    it("a stricter maxRetentionDays turns prod red and leaves dev green", () => {
        const stricter = { "retention-within-limits": { maxRetentionDays: 7 } };
        const prod = evaluate(stacks.prod, stricter);
        expect(prod.map((v) => v.policy)).toEqual(["retention-within-limits"]);
        expect(prod[0].message).toContain("keeps 14 days of traces; the limit is 1 to 7");
        expect(evaluate(stacks.dev, stricter)).toEqual([]);
    });

    it("a narrower allowedSourceRanges rejects the VPN range", () => {
        expect(
            policiesFailing(stacks.dev, { "ingress-vpn-only": { allowedSourceRanges: ["192.168.0.0/16"] } }),
        ).toEqual(["ingress-vpn-only"]);
    });

    it("a smaller maxStorageGi rejects prod's 200Gi Elasticsearch volumes, not dev's 60Gi", () => {
        const smaller = { "storage-within-limits": { maxStorageGi: 100 } };
        expect(evaluate(stacks.prod, smaller).map((v) => v.message)).toEqual([
            expect.stringContaining("elasticsearch claims 200Gi per volume"),
        ]);
        expect(evaluate(stacks.dev, smaller)).toEqual([]);
    });

    it("allowedIngressClasses replaces the default list", () => {
        expect(
            policiesFailing(stacks.prod, { "ingress-internal-class": { allowedIngressClasses: ["nginx-internal"] } }),
        ).toEqual(["ingress-internal-class"]);
    });

    it("an enforcement level can be lowered, a policy disabled, or every level set with all", () => {
        const broken = clone(stacks.dev);
        (named(broken, "kubernetes:core/v1:Service", "jaeger-query").spec as Json).type = "LoadBalancer";
        expect(evaluate(broken, { "no-external-service": "advisory" })[0].enforcementLevel).toBe("advisory");
        expect(evaluate(broken, { "no-external-service": { enforcementLevel: "advisory" } })[0].enforcementLevel).toBe(
            "advisory",
        );
        expect(evaluate(broken, { "no-external-service": "disabled" })).toEqual([]);
        expect(evaluate(broken, { all: "advisory" })[0].enforcementLevel).toBe("advisory");
        // A policy's own entry wins over all, as in the Pulumi CLI.
        expect(evaluate(broken, { all: "advisory", "no-external-service": "mandatory" })[0].enforcementLevel).toBe(
            "mandatory",
        );
        expect(evaluate(broken, { all: "disabled" })).toEqual([]);
    });

    it.each([
        [{ "retention-within-limit": { maxRetentionDays: 7 } }, "retention-within-limit: no such policy in the pack"],
        [
            { "retention-within-limits": { maxRetentionDay: 7 } },
            "retention-within-limits.maxRetentionDay: not a setting of this policy (its settings: maxRetentionDays)",
        ],
        [
            { "ingress-vpn-only": { maxRetentionDays: 7 } },
            "ingress-vpn-only.maxRetentionDays: not a setting of this policy (its settings: allowedSourceRanges, sourceRangeAnnotations)",
        ],
        [
            { "retention-within-limits": { maxRetentionDays: "7" } },
            'retention-within-limits.maxRetentionDays: must be an integer, got "7"',
        ],
        [
            { "retention-within-limits": { maxRetentionDays: 0 } },
            "retention-within-limits.maxRetentionDays: must be at least 1, got 0",
        ],
        [
            { "ingress-vpn-only": { allowedSourceRanges: "10.0.0.0/8" } },
            "ingress-vpn-only.allowedSourceRanges: must be an array of strings",
        ],
        [
            { "ingress-vpn-only": { allowedSourceRanges: ["vpn"] } },
            'ingress-vpn-only.allowedSourceRanges: items must be IPv4 CIDRs like 10.0.0.0/8, got "vpn"',
        ],
        [{ "no-external-service": "warn" }, 'no-external-service: "warn" is not an enforcement level'],
        [{ all: { maxStorageGi: 1 } }, "all: takes only an enforcement level"],
        [[], "the file must hold a JSON object keyed by policy name"],
    ])("rejects %j naming the entry", (overrides, problem) => {
        expect(() => reconcile(overrides, rules)).toThrow(PolicyConfigError);
        expect(() => evaluate(stacks.dev, overrides as Record<string, unknown>)).toThrow(problem);
    });
});

describe("npm run check with the policy pack", () => {
    const stack = `test-policy-${process.pid}`;
    const file = join(scratchDir, `Pulumi.${stack}.yaml`);
    const settings = join(scratchDir, `policy-settings-${process.pid}.json`);
    afterEach(() => {
        for (const f of [file, settings]) {
            try {
                unlinkSync(f);
            } catch {
                // not written by this test
            }
        }
    });

    const writeStack = (config: Json): void => writeFileSync(file, stackFileText({ ...requiredValues, ...config }));

    it("exits 1 naming the policy when a stack opens the UI to the Internet", () => {
        writeStack({ "tracing:exposure": { ...exposureConfig, sourceRanges: ["0.0.0.0/0"] } });
        const run = runCheck(["--stack", stack, "--json", "--config-file", file]);
        expect(run.status).toBe(1);
        expect(run.stderr).toContain("ingress-vpn-only");
        expect((JSON.parse(run.stdout) as CheckReport).violations.map((v) => v.policy)).toEqual(["ingress-vpn-only"]);
    });

    it("exits 1 naming the policy when retention is above the maximum (stdout and stderr), 0 with a looser --policy-config", () => {
        writeStack({ "tracing:retentionDays": 45 });
        const run = runCheck(["--stack", stack, "--config-file", file]);
        expect(run.status).toBe(1);
        expect(run.stdout).toContain("[mandatory] retention-within-limits: jaeger-es-index-cleaner keeps 45 days");
        expect(run.stderr).toContain(
            `stack ${stack}: 1 mandatory policy violation(s)\n  retention-within-limits: jaeger-es-index-cleaner keeps 45 days`,
        );
        // The same file `pulumi preview --policy-pack-config` takes.
        writeFileSync(
            settings,
            JSON.stringify({ "retention-within-limits": { maxRetentionDays: 60 }, "workload-hardening": "mandatory" }),
        );
        const looser = runCheck(["--stack", stack, "--json", "--policy-config", settings, "--config-file", file]);
        expect(looser.status).toBe(0);
        expect((JSON.parse(looser.stdout) as CheckReport).violations).toEqual([]);
    });

    it("exits 1 naming the policy when a stack trusts forwarded headers from anywhere (SSO bypass)", () => {
        writeStack({ "tracing:exposure": { ...exposureConfig, proxyRanges: ["0.0.0.0/0"] } });
        const run = runCheck(["--stack", stack, "--json", "--config-file", file]);
        expect(run.status).toBe(1);
        expect((JSON.parse(run.stdout) as CheckReport).violations.map((v) => v.policy)).toEqual(["sso-proxy-secure"]);
        expect(run.stderr).toContain("sso-proxy-secure: oauth2-proxy oauth2-proxy: narrow --trusted-proxy-ip");
    });

    it("exits 2 naming each bad entry of the policy config, 64 when it is not JSON", () => {
        writeFileSync(
            settings,
            JSON.stringify({ "retention-within-limits": { maxRetentionDays: "seven" }, "no-such-policy": "advisory" }),
        );
        const run = runCheck(["--stack", "dev", "--policy-config", settings]);
        expect(run.status).toBe(2);
        expect(run.stdout).toBe("");
        expect(run.stderr).toContain('retention-within-limits.maxRetentionDays: must be an integer, got "seven"');
        expect(run.stderr).toContain("no-such-policy: no such policy in the pack");
        writeFileSync(settings, "{ not json");
        expect(runCheck(["--stack", "dev", "--policy-config", settings]).status).toBe(64);
    });

    it("cannot turn SSO off at all: the configuration itself is refused (exit 2)", () => {
        writeFileSync(file, stackFileText({ ...requiredValues, "tracing:sso": undefined }));
        const run = runCheck(["--stack", stack, "--config-file", file]);
        expect(run.status).toBe(2);
        expect(run.stderr).toContain("tracing:sso must be an object");
    });
});
