// MUTATION_SCOPE=renderers|alerts|config|policies|pack|stacks npm run test:mutation: StrykerJS over one layer with that layer's own tests (docs/testing.md).
// Not in .ci/run: it takes long. A scope pairs the code it mutates with the tests that exercise that
// code directly; the whole-program tests (Pulumi mocks, the policy variants) run a full simulation
// before each test, which would cost every mutant tens of seconds on 2 cores.
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

const scopes = {
    renderers: {
        mutate: ["renderers/**/*.ts"],
        tests: [
            "collector-common",
            "agent-config",
            "gateway-config",
            "jaeger-config",
            "pii",
            "network-policies",
            "instrumentation",
            "vpn-enforcement",
            "oauth2-proxy",
            "elasticsearch-realm",
            "grafana-dashboard",
            "prometheus-rules",
            "operator-injection",
            "grafana-datasources",
            "renderer-text",
        ],
    },
    // The alert rules' expressions are proven by the real promtool (needs `npm run tools`).
    alerts: {
        mutate: ["renderers/prometheus-rules.ts"],
        tests: ["prometheus-rules", "grafana-dashboard", "e2e/prometheus-rules"],
    },
    config: { mutate: ["config/**/*.ts"], tests: ["config", "views-config", "storage-budget", "agent-config", "pii"] },
    policies: {
        mutate: ["policies/**/*.ts", "!policies/pulumi-policies.ts", "!policies/index.ts"],
        tests: [
            "policies",
            "policies-modes",
            "policies-views",
            "policies-sso",
            "policies-secrets",
            "policies-shared",
            "policies-exposure",
            "policies-network",
            "policies-hardening",
            "policies-pii",
            "policies-retention",
            "policies-ottl",
        ],
    },
    // The pack's adapter runs in the analyzer's own process (test/support/policy-pack-client.ts): the
    // mutant reaches it through Stryker's environment variable, and per-test coverage cannot see it.
    pack: {
        mutate: ["policies/pulumi-policies.ts", "policies/index.ts"],
        tests: ["policies-pack"],
        coverageAnalysis: "off",
    },
    stacks: {
        mutate: ["stacks/**/*.ts"],
        tests: ["program.dev", "program.prod", "program.external", "prometheus-reach"],
    },
};

const scope = process.env.MUTATION_SCOPE ?? "renderers";

// The policy tests judge the stacks' simulated resources; a policy mutant does not change them, so
// the run simulates each stack once (test/support/policy-variants.ts), not once per mutant. Set here,
// before the test runners start, so that every runner shares one directory.
if (scope === "policies" || scope === "pack")
    process.env.STACK_RESOURCES_CACHE ??= mkdtempSync(join(tmpdir(), "stryker-stacks-"));
const chosen = scopes[scope];
if (chosen === undefined) {
    throw new Error(`MUTATION_SCOPE must be one of ${Object.keys(scopes).join(", ")}, got "${scope}"`);
}

// MUTATION_TESTS=a,b narrows the scope's tests, as `--mutate` narrows its files: a quicker first pass
// (e.g. without the tests that start `npm run check`). What survives it is not yet a survivor: run it
// again with the whole scope.
const narrowed = process.env.MUTATION_TESTS?.split(",").filter((name) => name !== "");
const unknown = (narrowed ?? []).filter((name) => !chosen.tests.includes(name));
if (unknown.length > 0) {
    throw new Error(`MUTATION_TESTS names tests outside the ${scope} scope: ${unknown.join(", ")}`);
}
const tests = narrowed ?? chosen.tests;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
    testRunner: "jest",
    jest: {
        configFile: "jest.config.js",
        enableFindRelatedTests: false,
        config: {
            testMatch: tests.map((name) => `<rootDir>/test/${name}.test.ts`),
            testPathIgnorePatterns: ["/node_modules/"],
            reporters: ["default"],
        },
    },
    mutate: chosen.mutate,
    coverageAnalysis: chosen.coverageAnalysis ?? "perTest",
    concurrency: 2,
    timeoutMS: 60000,
    reporters: ["clear-text", "progress-append-only", "json"],
    jsonReporter: { fileName: `reports/mutation/${scope}.json` },
    tempDirName: ".stryker-tmp",
};
